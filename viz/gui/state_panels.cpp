// The state panels: what every application and protocol holds at the cursor (mailboxes and
// flags, caches with their TTLs counting down, FTP sessions, piece maps), read from the replayed
// world through App::inspect; and the TCP panel: each connection's congestion window and
// throughput over time.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "sim/scenario/world.hpp"
#include "sim/transport/tcp_connection.hpp"
#include "viz/gui/panels.hpp"

namespace wiresim::viz {

namespace {

using Json = nlohmann::ordered_json;

// Brings the replayed world to the cursor; false (with a message shown) when it cannot.
bool replay_to_cursor(ViewState& state) {
  if (!state.replay) return false;
  auto done = state.replay->seek(state.now);
  if (!done) {
    ImGui::TextWrapped("Cannot replay the run: %s", done.error().c_str());
    return false;
  }
  return state.replay->world() != nullptr;
}

std::string scalar_text(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "-";
  if (v.is_array()) {  // a list of scalars, as in a cache entry's records
    std::string list;
    for (const Json& item : v) {
      if (!list.empty()) list += ", ";
      list += scalar_text(item);
    }
    return list;
  }
  return v.dump();
}

bool flat(const Json& v) {
  if (!v.is_structured()) return true;
  return v.is_array() && std::none_of(v.begin(), v.end(), [](const Json& item) { return item.is_structured(); });
}

bool is_piece_map(const std::string& key, const Json& v) {
  if (key != "pieces" || !v.is_string()) return false;
  const std::string s = v.get<std::string>();
  return !s.empty() && s.find_first_not_of("01") == std::string::npos;
}

// A piece map: one cell per piece, filled when the peer has it.
void draw_piece_map(const std::string& pieces, bool light) {
  const float width = ImGui::GetContentRegionAvail().x;
  const float cell = std::clamp(width / static_cast<float>(pieces.size()), 2.0f, 12.0f);
  const int per_row = std::max(1, static_cast<int>(width / cell));
  const int rows = (static_cast<int>(pieces.size()) + per_row - 1) / per_row;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImDrawList* d = ImGui::GetWindowDrawList();
  const ImU32 have = light ? 0xff2e7d32 : 0xff66bb6a, missing = light ? 0xffd0d0d0 : 0xff404040;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const float x = at.x + cell * static_cast<float>(static_cast<int>(i) % per_row);
    const float y = at.y + cell * static_cast<float>(static_cast<int>(i) / per_row);
    d->AddRectFilled(ImVec2(x, y), ImVec2(x + cell - 1, y + cell - 1), pieces[i] == '1' ? have : missing);
  }
  ImGui::Dummy(ImVec2(width, cell * static_cast<float>(rows) + 2));
}

bool uniform_objects(const Json& array) {
  if (!array.is_array() || array.empty() || !array.front().is_object()) return false;
  for (const Json& row : array) {
    if (!row.is_object() || row.size() != array.front().size()) return false;
    for (const auto& [key, value] : row.items())
      if (!array.front().contains(key) || !flat(value)) return false;
  }
  return true;
}

void draw_json(const std::string& key, const Json& value, bool light);

void draw_table(const std::string& id, const Json& rows) {
  const int columns = static_cast<int>(rows.front().size());
  if (columns > 63) return;
  if (!ImGui::BeginTable(id.c_str(), columns, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                                  ImGuiTableFlags_SizingFixedFit))
    return;
  for (const auto& [key, value] : rows.front().items()) ImGui::TableSetupColumn(key.c_str());
  ImGui::TableHeadersRow();
  for (const Json& row : rows) {
    ImGui::TableNextRow();
    for (const auto& [key, value] : row.items()) {
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(scalar_text(value).c_str());
    }
  }
  ImGui::EndTable();
}

void draw_json(const std::string& key, const Json& value, bool light) {
  if (is_piece_map(key, value)) {
    const std::string s = value.get<std::string>();
    ImGui::Text("pieces: %zu of %zu", static_cast<std::size_t>(std::count(s.begin(), s.end(), '1')), s.size());
    draw_piece_map(s, light);
    return;
  }
  if (!value.is_structured()) {
    ImGui::Text("%s: %s", key.c_str(), scalar_text(value).c_str());
    return;
  }
  if (value.empty()) {
    ImGui::TextDisabled("%s: (none)", key.c_str());
    return;
  }
  if (value.is_array() && !value.front().is_structured()) {
    std::string list;
    for (const Json& v : value) {
      if (!list.empty()) list += ", ";
      list += scalar_text(v);
    }
    ImGui::TextWrapped("%s: %s", key.c_str(), list.c_str());
    return;
  }
  if (!ImGui::TreeNodeEx(key.c_str(), ImGuiTreeNodeFlags_DefaultOpen, "%s (%zu)", key.c_str(), value.size())) return;
  if (uniform_objects(value)) {
    draw_table(key, value);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      std::string name = "#";
      name += std::to_string(i + 1);
      draw_json(name, value[i], light);
      ImGui::PopID();
    }
  } else {
    for (const auto& [k, v] : value.items()) draw_json(k, v, light);
  }
  ImGui::TreePop();
}

// One app's or service's state: its counters on one wrapped line, then its structures
// (mailboxes, caches, sessions, piece maps) as trees and tables.
void draw_state(const Json& out, bool light) {
  std::string counters;
  for (const auto& [key, value] : out.items()) {
    if (key == "app" || key == "host" || value.is_structured() || is_piece_map(key, value)) continue;
    if (!counters.empty()) counters += "   ";
    counters += key;
    counters += ": ";
    counters += scalar_text(value);
  }
  if (!counters.empty()) ImGui::TextWrapped("%s", counters.c_str());
  for (const auto& [key, value] : out.items())
    if (value.is_structured() || is_piece_map(key, value)) draw_json(key, value, light);
}

bool has_structure(const Json& out) {
  for (const auto& [key, value] : out.items())
    if ((value.is_structured() && !value.empty() && !flat(value)) || is_piece_map(key, value)) return true;
  return false;
}

}  // namespace

void draw_state_panels(ViewState& state) {
  state.drawn.panels.push_back("State");
  if (!replay_to_cursor(state)) return;
  const World& world = *state.replay->world();
  ImGui::Text("State at %s (replayed)", time_text(state.now).c_str());
  ImGui::Separator();
  for (std::size_t i = 0; i < world.apps.size(); ++i) {
    Json out;
    world.apps[i]->inspect(out);
    if (out.is_null() || out.empty()) continue;
    const std::string& host = world.net.node(world.app_hosts[i]).name();
    // The host filter (shared with the event list) narrows the panel to the nodes asked for.
    if (!state.host_filter.empty() && host.find(state.host_filter) == std::string::npos) continue;
    const std::string title = host + " — " + world.app_types[i];
    ImGui::PushID(static_cast<int>(i));
    // Apps with something to look into start open; counters-only apps as one line.
    if (ImGui::CollapsingHeader(title.c_str(), has_structure(out) ? ImGuiTreeNodeFlags_DefaultOpen : 0))
      draw_state(out, state.light);
    ++state.drawn.state_sections;
    ImGui::PopID();
  }
  int index = 0;
  world.for_each_service([&](const WorldService& service) {
    Json out;
    service.inspect(out);
    ImGui::PushID(1000 + index++);
    for (const auto& [key, value] : out.items()) {
      ++state.drawn.state_sections;
      if (ImGui::CollapsingHeader(key.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) {
        if (value.is_object()) draw_state(value, state.light);
        else draw_json(key, value, state.light);
      }
    }
    ImGui::PopID();
  });
}

namespace {

// A small line chart: (time, value) points over [t0, t1], the latest value as text.
void draw_series(const char* title, const std::vector<std::pair<double, double>>& points, double t0, double t1,
                 const char* unit, ImU32 color) {
  const float width = ImGui::GetContentRegionAvail().x, height = 90;
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImDrawList* d = ImGui::GetWindowDrawList();
  d->AddRect(at, ImVec2(at.x + width, at.y + height), ImGui::GetColorU32(ImGuiCol_Border));
  double top = 1;
  for (const auto& [t, v] : points) top = std::max(top, v);
  const double span = std::max(t1 - t0, 1e-9);
  std::vector<ImVec2> line;
  for (const auto& [t, v] : points)
    line.emplace_back(at.x + static_cast<float>((t - t0) / span) * width,
                      at.y + height - 4 - static_cast<float>(v / top) * (height - 8));
  if (line.size() >= 2) d->AddPolyline(line.data(), static_cast<int>(line.size()), color, 0, 2);
  char text[96];
  std::snprintf(text, sizeof text, "%s  (max %.0f %s)", title, top, unit);
  d->AddText(ImVec2(at.x + 4, at.y + 2), ImGui::GetColorU32(ImGuiCol_Text), text);
  ImGui::Dummy(ImVec2(width, height + 4));
}

}  // namespace

void draw_tcp_panel(ViewState& state) {
  state.drawn.panels.push_back("TCP");
  if (!replay_to_cursor(state)) return;
  const World& world = *state.replay->world();
  const Recording& rec = *state.recording;
  const double now_s = static_cast<double>(state.now.ns) / 1e9;
  int shown = 0;
  for (NodeId node = 0; node < world.net.node_count(); ++node) {
    for (const auto& connection : world.stack(node).tcp.connections()) {
      const TcpConnection& c = *connection;
      const TcpStats& s = c.stats();
      // Each connection once, from the end that opened it.
      if (!s.active_open) continue;
      ++shown;
      ++state.drawn.tcp_connections;
      const std::string title = world.net.node(node).name() + "  " + c.name();
      ImGui::PushID(shown);
      if (ImGui::CollapsingHeader(title.c_str(), shown <= 2 ? ImGuiTreeNodeFlags_DefaultOpen : 0)) {
        ImGui::Text("state %s   cwnd %u B   ssthresh %s   srtt %.1f ms   rto %.0f ms", std::string(to_string(c.state())).c_str(),
                    c.cwnd(), c.ssthresh() == UINT32_MAX ? "∞" : std::to_string(c.ssthresh()).c_str(),
                    static_cast<double>(c.srtt().ns) / 1e6, static_cast<double>(c.rto().ns) / 1e6);
        ImGui::Text("sent %llu B acknowledged, received %llu B, %llu retransmissions",
                    static_cast<unsigned long long>(s.bytes_sent), static_cast<unsigned long long>(s.bytes_received),
                    static_cast<unsigned long long>(s.retransmissions));
        const double t0 = static_cast<double>(s.opened.ns) / 1e9;
        std::vector<std::pair<double, double>> cwnd;
        for (const CwndSample& sample : s.cwnd_history)
          cwnd.emplace_back(static_cast<double>(sample.time.ns) / 1e9, sample.cwnd);
        if (!cwnd.empty()) cwnd.emplace_back(now_s, c.cwnd());
        draw_series("congestion window (bytes)", cwnd, t0, now_s, "B", 0xff4fc3f7);
        // Throughput: payload bytes this end put on its first link, in 40 bins up to the cursor.
        const std::uint32_t conv = rec.find_conversation("TCP", c.local(), c.remote());
        constexpr int Bins = 40;
        std::vector<double> bytes(Bins, 0);
        const double bin = std::max((now_s - t0) / Bins, 1e-9);
        for (const Journey& j : rec.journeys()) {
          if (j.sent > state.now) break;
          const Hop& h = rec.hops()[j.first_hop];
          if (h.connection != conv || h.from != node) continue;
          const int b = std::clamp(static_cast<int>((static_cast<double>(j.sent.ns) / 1e9 - t0) / bin), 0, Bins - 1);
          bytes[static_cast<std::size_t>(b)] += h.size;
        }
        std::vector<std::pair<double, double>> rate;
        for (int b = 0; b < Bins; ++b) rate.emplace_back(t0 + (b + 0.5) * bin, bytes[static_cast<std::size_t>(b)] * 8 / bin / 1e3);
        draw_series("throughput sent (kbit/s)", rate, t0, now_s, "kbit/s", 0xff81c784);
      }
      ImGui::PopID();
    }
  }
  if (shown == 0) ImGui::TextUnformatted("No TCP connection has opened yet.");
}

}  // namespace wiresim::viz
