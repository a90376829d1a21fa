#include "viz/gui/view_state.hpp"

#include <algorithm>
#include <cstdio>
#include <imgui.h>

#include "sim/scenario/loader.hpp"
#include "viz/gui/distribution_view.hpp"

namespace wiresim::viz {

Time ViewState::end() const { return recording ? recording->end() : Time{}; }

void ViewState::seek(Time t) {
  now = std::clamp(t, Time{}, end());
}

const Hop* ViewState::selected_hop() const {
  if (!recording || !selected_record) return nullptr;
  return recording->hop_of_record(*selected_record);
}

void open_scenario(ViewState& state) {
  LoadOptions load;
  load.seed = state.options.seed;
  auto world = load_scenario_file(state.options.path, load);
  if (!world) {
    state.load_error = world.error();
    return;
  }
  if ((*world)->experiment) {
    state.distribution = std::make_unique<DistributionRun>(std::move(*world));
    state.tab = Tab::Plot;
    return;
  }
  auto recording = Recording::record(**world);
  if (!recording) {
    state.load_error = recording.error();
    return;
  }
  state.recording = std::move(*recording);
  state.positions = layout_nodes(state.recording->nodes(), state.recording->links());
  for (const std::string& p : legend_protocols())
    if (std::any_of(state.recording->hops().begin(), state.recording->hops().end(),
                    [&](const Hop& h) { return h.protocol == p; }))
      state.protocols.push_back(p);
  state.replay = std::make_unique<Replay>(state.options.path, load);
}

std::uint32_t protocol_color(const std::string& protocol, bool light) {
  // One hue per protocol family (mail greens and blues, DNS orange, FTP browns...), darker on
  // the light theme so the colours keep their contrast on white.
  struct Entry {
    const char* name;
    ImU32 dark, light;
  };
  static const Entry table[] = {
      {"SMTP", IM_COL32(79, 195, 247, 255), IM_COL32(2, 119, 189, 255)},
      {"POP3", IM_COL32(129, 199, 132, 255), IM_COL32(46, 125, 50, 255)},
      {"IMAP", IM_COL32(77, 208, 225, 255), IM_COL32(0, 131, 143, 255)},
      {"HTTP", IM_COL32(206, 147, 216, 255), IM_COL32(123, 31, 162, 255)},
      {"DNS", IM_COL32(255, 183, 77, 255), IM_COL32(230, 81, 0, 255)},
      {"FTP", IM_COL32(240, 98, 146, 255), IM_COL32(173, 20, 87, 255)},
      {"FTP-DATA", IM_COL32(188, 170, 164, 255), IM_COL32(93, 64, 55, 255)},
      {"BitTorrent", IM_COL32(220, 231, 117, 255), IM_COL32(130, 119, 23, 255)},
      {"ECHO", IM_COL32(144, 202, 249, 255), IM_COL32(21, 101, 192, 255)},
      {"TCP", IM_COL32(176, 176, 176, 255), IM_COL32(110, 110, 110, 255)},
      {"UDP", IM_COL32(200, 200, 200, 255), IM_COL32(130, 130, 130, 255)},
  };
  for (const Entry& e : table)
    if (protocol == e.name) return light ? e.light : e.dark;
  return light ? IM_COL32(80, 80, 80, 255) : IM_COL32(224, 224, 224, 255);
}

const std::vector<std::string>& legend_protocols() {
  static const std::vector<std::string> names = {"SMTP", "POP3",       "IMAP", "HTTP", "DNS", "FTP",
                                                 "FTP-DATA", "BitTorrent", "ECHO", "TCP",  "UDP"};
  return names;
}

std::string time_text(Time t) {
  char text[40];
  std::snprintf(text, sizeof text, "%.6f s", static_cast<double>(t.ns) / 1e9);
  return text;
}

}  // namespace wiresim::viz
