#include <toml++/toml.h>

#include <algorithm>
#include <cmath>

#include "sim/core/suggest.hpp"
#include "sim/scenario/table_reader.hpp"

namespace wiresim {
namespace {

const toml::table& as_table(const void* t) { return *static_cast<const toml::table*>(t); }

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

std::string quote(std::string_view s) { return quoted(s); }

}  // namespace

TableReader::TableReader(const void* table, std::string file, std::string context, const Network* network)
    : table_(table), file_(std::move(file)), context_(std::move(context)), network_(network) {}

SourcePosition TableReader::position() const {
  const auto& src = as_table(table_).source();
  return {file_, src.begin.line, src.begin.column};
}

SourcePosition TableReader::position_of(std::string_view key) const {
  const auto* n = static_cast<const toml::node*>(value(key));
  if (!n) return position();
  return {file_, n->source().begin.line, n->source().begin.column};
}

const void* TableReader::value(std::string_view key) const { return as_table(table_).get(key); }

bool TableReader::has(std::string_view key) const {
  known_.emplace_back(key);
  return value(key) != nullptr;
}

void TableReader::fail(std::string_view key, const std::string& message) const {
  throw ScenarioError(position_of(key), message);
}

void TableReader::fail_in_string(std::string_view key, std::size_t line, std::size_t column,
                                 const std::string& message) const {
  const auto* n = static_cast<const toml::node*>(value(key));
  if (!n) fail(key, message);
  const auto& src = n->source();
  if (src.end.line > src.begin.line)
    throw ScenarioError({file_, static_cast<std::uint32_t>(src.begin.line + line), static_cast<std::uint32_t>(column)},
                        message);
  // One line: the text starts after the opening quote.
  throw ScenarioError({file_, src.begin.line, static_cast<std::uint32_t>(src.begin.column + column)}, message);
}

void TableReader::fail_element(std::string_view key, std::size_t index, const std::string& message) const {
  const auto* n = static_cast<const toml::node*>(value(key));
  if (n && n->is_array() && index < n->as_array()->size()) {
    const auto& src = n->as_array()->get(index)->source();
    throw ScenarioError({file_, src.begin.line, src.begin.column}, message);
  }
  fail(key, message);
}

void TableReader::fail_table(const std::string& message) const { throw ScenarioError(position(), message); }

void TableReader::finish() const {
  for (auto&& [k, v] : as_table(table_)) {
    if (std::find(known_.begin(), known_.end(), k.str()) != known_.end()) continue;
    std::vector<std::string> candidates = known_;
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    throw ScenarioError({file_, k.source().begin.line, k.source().begin.column},
                        "unknown key " + quote(k.str()) + " in " + context_ +
                            did_you_mean_or_list(k.str(), candidates, "expected one of"));
  }
}

std::string TableReader::required_string(std::string_view key, const char* example) {
  known_.emplace_back(key);
  const auto* n = static_cast<const toml::node*>(value(key));
  if (!n) fail_table(context_ + " needs '" + std::string(key) + "' (for example " + std::string(key) + " = " + example + ")");
  if (!n->is_string())
    fail(key, "'" + std::string(key) + "' must be a string such as " + example + ", got " + type_name(*n));
  return n->as_string()->get();
}

std::string TableReader::string(std::string_view key) { return required_string(key, "\"...\""); }

std::string TableReader::string_or(std::string_view key, std::string fallback) {
  return has(key) ? required_string(key, "\"...\"") : std::move(fallback);
}

std::string TableReader::choice(std::string_view key, std::initializer_list<std::string_view> options,
                                std::string fallback) {
  if (!has(key)) return fallback;
  std::string example = "\"" + std::string(*options.begin()) + "\"";
  std::string v = required_string(key, example.c_str());
  std::vector<std::string> names(options.begin(), options.end());
  if (std::find(names.begin(), names.end(), v) != names.end()) return v;
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) list += (i ? ", " : "") + names[i];
  fail(key, "invalid " + std::string(key) + " " + quote(v) + " (expected " + list + ")" + did_you_mean(v, names));
}

std::int64_t TableReader::integer(std::string_view key, std::int64_t min, std::int64_t max) {
  known_.emplace_back(key);
  const auto* n = static_cast<const toml::node*>(value(key));
  if (!n) fail_table(context_ + " needs '" + std::string(key) + "'");
  if (!n->is_integer()) fail(key, "'" + std::string(key) + "' must be an integer, got " + type_name(*n));
  const std::int64_t v = n->as_integer()->get();
  if (v < min || v > max)
    fail(key, "'" + std::string(key) + "' must be from " + std::to_string(min) + " to " + std::to_string(max) +
                  ", got " + std::to_string(v));
  return v;
}

std::int64_t TableReader::integer_or(std::string_view key, std::int64_t min, std::int64_t max, std::int64_t fallback) {
  return has(key) ? integer(key, min, max) : fallback;
}

bool TableReader::boolean_or(std::string_view key, bool fallback) {
  if (!has(key)) return fallback;
  const auto* n = static_cast<const toml::node*>(value(key));
  if (!n->is_boolean()) fail(key, "'" + std::string(key) + "' must be true or false, got " + type_name(*n));
  return n->as_boolean()->get();
}

Duration TableReader::duration(std::string_view key) {
  known_.emplace_back(key);
  const auto* n = static_cast<const toml::node*>(value(key));
  if (!n) fail_table(context_ + " needs '" + std::string(key) + "' (for example " + std::string(key) + " = \"5ms\")");
  if (n->is_integer() || n->is_floating_point())
    fail(key, "'" + std::string(key) + "' needs a unit: write it as a string such as \"5ms\" or \"2s\"");
  const std::string text = required_string(key, "\"5ms\"");
  auto d = parse_duration(text);
  if (!d) fail(key, d.error());
  if (d->ns < 0) fail(key, "'" + std::string(key) + "' cannot be negative");
  return *d;
}

Duration TableReader::duration_or(std::string_view key, Duration fallback) {
  return has(key) ? duration(key) : fallback;
}

std::uint64_t TableReader::bytes(std::string_view key) {
  known_.emplace_back(key);
  const auto* n = static_cast<const toml::node*>(value(key));
  if (!n) fail_table(context_ + " needs '" + std::string(key) + "' (for example " + std::string(key) + " = \"64KB\")");
  if (n->is_integer()) {
    if (n->as_integer()->get() < 0) fail(key, "'" + std::string(key) + "' cannot be negative");
    return static_cast<std::uint64_t>(n->as_integer()->get());
  }
  auto b = parse_bytes(required_string(key, "\"64KB\""));
  if (!b) fail(key, b.error());
  return *b;
}

std::uint64_t TableReader::bytes_or(std::string_view key, std::uint64_t fallback) {
  return has(key) ? bytes(key) : fallback;
}

Rate TableReader::rate_or(std::string_view key, Rate fallback) {
  if (!has(key)) return fallback;
  const auto* n = static_cast<const toml::node*>(value(key));
  if (n->is_integer() || n->is_floating_point())
    fail(key, "'" + std::string(key) + "' needs a unit: write it as a string such as \"10Mbps\"");
  auto r = parse_rate(required_string(key, "\"10Mbps\""));
  if (!r) fail(key, r.error());
  return *r;
}

QueueLimit TableReader::queue_limit_or(std::string_view key, QueueLimit fallback) {
  if (!has(key)) return fallback;
  const auto* n = static_cast<const toml::node*>(value(key));
  if (n->is_integer())
    fail(key, "'" + std::string(key) + "' needs a unit: write \"" + std::to_string(n->as_integer()->get()) +
                  " packets\" or a size such as \"64KB\"");
  auto q = parse_queue_limit(required_string(key, "\"100 packets\""));
  if (!q) fail(key, q.error());
  return *q;
}

double TableReader::probability_or(std::string_view key, double fallback) {
  if (!has(key)) return fallback;
  const auto* n = static_cast<const toml::node*>(value(key));
  double p;
  if (n->is_floating_point() || n->is_integer()) {
    p = n->is_integer() ? static_cast<double>(n->as_integer()->get()) : n->as_floating_point()->get();
    if (!(p >= 0 && p <= 1))
      fail(key, "'" + std::string(key) + "' must be a probability from 0 to 1 (or a percentage such as \"1%\")");
  } else {
    auto r = parse_percent(required_string(key, "0.01 or \"1%\""));
    if (!r) fail(key, r.error());
    p = *r;
  }
  return p;
}

std::vector<std::string> TableReader::string_list(std::string_view key) {
  known_.emplace_back(key);
  const auto* n = static_cast<const toml::node*>(value(key));
  if (!n) fail_table(context_ + " needs '" + std::string(key) + "'");
  if (n->is_string()) return {n->as_string()->get()};
  if (!n->is_array()) fail(key, "'" + std::string(key) + "' must be a list of strings, got " + type_name(*n));
  std::vector<std::string> out;
  const auto& arr = *n->as_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    if (!arr.get(i)->is_string())
      fail_element(key, i, "'" + std::string(key) + "' must hold strings, but element " + std::to_string(i + 1) +
                               " is " + type_name(*arr.get(i)));
    out.push_back(arr.get(i)->as_string()->get());
  }
  return out;
}

std::vector<std::int64_t> TableReader::integer_list(std::string_view key, std::int64_t min, std::int64_t max) {
  known_.emplace_back(key);
  const auto* n = static_cast<const toml::node*>(value(key));
  if (!n) fail_table(context_ + " needs '" + std::string(key) + "'");
  if (n->is_integer()) return {integer(key, min, max)};
  if (!n->is_array()) fail(key, "'" + std::string(key) + "' must be an integer or a list of integers, got " + type_name(*n));
  std::vector<std::int64_t> out;
  const auto& arr = *n->as_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    if (!arr.get(i)->is_integer())
      fail_element(key, i, "'" + std::string(key) + "' must hold integers, but element " + std::to_string(i + 1) +
                               " is " + type_name(*arr.get(i)));
    const std::int64_t v = arr.get(i)->as_integer()->get();
    if (v < min || v > max)
      fail_element(key, i, "'" + std::string(key) + "' values must be from " + std::to_string(min) + " to " +
                               std::to_string(max) + ", got " + std::to_string(v));
    out.push_back(v);
  }
  if (out.empty()) fail(key, "'" + std::string(key) + "' must not be empty");
  return out;
}

std::vector<std::string> TableReader::string_list_or(std::string_view key, std::vector<std::string> fallback) {
  return has(key) ? string_list(key) : std::move(fallback);
}

Ipv4Address TableReader::address(std::string_view key) {
  const std::string text = required_string(key, "\"10.0.0.1\"");
  auto a = Ipv4Address::parse(text);
  if (!a) fail(key, "invalid IPv4 address " + quote(text) + " (expected four numbers 0-255 without leading zeros, such as \"10.0.0.1\")");
  return *a;
}

NodeId TableReader::resolve_node(std::string_view key, const std::string& name, std::optional<std::size_t> index) const {
  if (network_)
    if (auto id = network_->find_node(name)) return *id;
  std::vector<std::string> names;
  if (network_)
    for (NodeId i = 0; i < network_->node_count(); ++i) names.push_back(network_->node(i).name());
  const std::string noun = key == "host" || key == "to" ? "host" : "node";
  const std::string message = "unknown " + noun + " " + quote(name) + did_you_mean(name, names);
  if (index) fail_element(key, *index, message);
  fail(key, message);
}

NodeId TableReader::node(std::string_view key) { return resolve_node(key, required_string(key, "\"alice\"")); }

Endpoint TableReader::endpoint(std::string_view key, std::optional<std::uint16_t> default_port) {
  const std::string text = required_string(key, "\"bob:80\"");
  std::string host = text;
  std::optional<std::uint16_t> port = default_port;
  if (auto colon = text.rfind(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    const std::string digits = text.substr(colon + 1);
    char* end = nullptr;
    const long v = std::strtol(digits.c_str(), &end, 10);
    if (digits.empty() || *end != '\0' || v < 1 || v > 65535)
      fail(key, "invalid port in " + quote(text) + " (expected host:port with a port from 1 to 65535)");
    port = static_cast<std::uint16_t>(v);
  }
  if (!port) fail(key, "'" + std::string(key) + "' needs a port, as in \"" + host + ":80\"");
  if (auto a = Ipv4Address::parse(host)) return {*a, *port};
  const NodeId id = resolve_node(key, host);
  return {network_->node(id).address(), *port};
}

std::vector<std::string> TableReader::keys() {
  std::vector<std::pair<toml::source_position, std::string>> found;
  for (auto&& [k, v] : as_table(table_)) found.emplace_back(k.source().begin, std::string(k.str()));
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return a.first.line != b.first.line ? a.first.line < b.first.line : a.first.column < b.first.column;
  });
  std::vector<std::string> out;
  for (auto& [at, name] : found) {
    known_.push_back(name);
    out.push_back(std::move(name));
  }
  return out;
}

std::optional<TableReader> TableReader::subtable(std::string_view key) {
  known_.emplace_back(key);
  const auto* n = static_cast<const toml::node*>(value(key));
  if (!n) return std::nullopt;
  if (!n->is_table()) fail(key, "'" + std::string(key) + "' must be a table, got " + type_name(*n));
  return TableReader(n->as_table(), file_, "[" + std::string(key) + "]", network_);
}

}  // namespace wiresim
