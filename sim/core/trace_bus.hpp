// The typed trace bus: every layer publishes plain event structs; observers subscribe by type
// (never by string path). Observers that want everything (JSONL, recorder, transcript) get a
// generic TraceRecord, built only when such an observer exists.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/core/time.hpp"

namespace wiresim {

using TraceValue = std::variant<std::int64_t, double, bool, std::string>;

struct TraceField {
  std::string key;
  TraceValue value;
};

// The generic form of any event: what JSONL lines, transcripts and the desktop view's log use.
struct TraceRecord {
  Time time;
  std::string_view kind;   // "tcp.state", "packet.drop", ...: the event type's stable name
  std::string node;        // where it happened ("" for world-wide events such as route changes)
  std::string layer;       // "link", "ip", "tcp", "udp", "app", "sim", or a protocol's name
  std::string text;        // one human line for transcripts
  std::vector<TraceField> fields;

  void add(std::string key, TraceValue value) { fields.push_back({std::move(key), std::move(value)}); }
};

// An event type E provides `static constexpr std::string_view kind` and
// `void describe(TraceRecord&) const`, which fills node, layer, text and fields.
template <class E>
concept TraceEvent = requires(const E& e, TraceRecord& r) {
  { E::kind } -> std::convertible_to<std::string_view>;
  e.describe(r);
};

class TraceBus {
 public:
  explicit TraceBus(const Time* clock) : clock_(clock) {}

  template <TraceEvent E>
  void subscribe(std::function<void(const E&)> observer) {
    auto& list = slot(type_index<E>());
    list.push_back([fn = std::move(observer)](const void* e) { fn(*static_cast<const E*>(e)); });
  }

  void subscribe_all(std::function<void(const TraceRecord&)> observer) {
    all_.push_back(std::move(observer));
  }

  template <TraceEvent E>
  void publish(const E& event) {
    const std::size_t index = type_index<E>();
    if (index < typed_.size())
      for (auto& fn : typed_[index]) fn(&event);
    if (!all_.empty()) {
      TraceRecord record{*clock_, E::kind, {}, {}, {}, {}};
      event.describe(record);
      for (auto& fn : all_) fn(record);
    }
  }

  // Lets a publisher skip building an event nobody listens to.
  template <TraceEvent E>
  bool wanted() const {
    const std::size_t index = type_index<E>();
    return !all_.empty() || (index < typed_.size() && !typed_[index].empty());
  }

 private:
  using Erased = std::function<void(const void*)>;

  static std::size_t next_index() {
    static std::size_t counter = 0;
    return counter++;
  }
  template <class E>
  static std::size_t type_index() {
    static const std::size_t index = next_index();
    return index;
  }
  std::vector<Erased>& slot(std::size_t index) {
    if (index >= typed_.size()) typed_.resize(index + 1);
    return typed_[index];
  }

  const Time* clock_;
  std::vector<std::vector<Erased>> typed_;
  std::vector<std::function<void(const TraceRecord&)>> all_;
};

}  // namespace wiresim
