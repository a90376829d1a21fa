// The event list, like a packet analyser's: one row per packet sent on a link and per
// application or protocol event, up to the cursor; filters by protocol and host; a click
// selects the row's packet (and moves the cursor there).
#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "viz/gui/panels.hpp"

namespace wiresim::viz {

namespace {

// Packet arrivals repeat what the transmission row says; they are left out.
bool listed(const TraceRecord& r) { return r.kind != "packet.rx"; }

// The legend's spelling of a protocol named in any case ("bittorrent", "smtp").
std::string canonical(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
  for (const std::string& known : legend_protocols()) {
    std::string upper = known;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    if (upper == name) return known;
  }
  return name;
}

std::string protocol_of(const Recording& rec, std::size_t index, const TraceRecord& r, const Hop* hop) {
  if (hop) return hop->protocol;
  if (r.kind == "packet.drop")
    if (const Drop* drop = rec.drop_of_record(index)) return drop->protocol;
  if (r.kind == "app.message")
    for (const TraceField& f : r.fields)
      if (f.key == "protocol") return canonical(std::get<std::string>(f.value));
  return canonical(r.layer);
}

}  // namespace

void draw_event_list(ViewState& state) {
  const Recording& rec = *state.recording;
  state.drawn.panels.push_back("events");
  ImGui::TextUnformatted("Events");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(160 * state.text_scale);
  // The filter lives in the state (the canvas and the State tab use it too); Dear ImGui edits
  // a copy while the box is active.
  char host[64];
  std::snprintf(host, sizeof host, "%s", state.host_filter.c_str());
  if (ImGui::InputTextWithHint("##host", "host filter", host, sizeof host)) state.host_filter = host;
  ImGui::SameLine();
  if (ImGui::Button("Protocols...")) ImGui::OpenPopup("protocols");
  if (ImGui::BeginPopup("protocols")) {
    for (const std::string& p : state.protocols) {
      bool shown = !state.hidden_protocols.count(p);
      if (ImGui::Checkbox(p.c_str(), &shown)) {
        if (shown) state.hidden_protocols.erase(p);
        else state.hidden_protocols.insert(p);
      }
    }
    ImGui::EndPopup();
  }
  ImGui::SameLine();
  ImGui::Checkbox("packets only", &state.packets_only);
  ImGui::SameLine();
  ImGui::Checkbox("follow", &state.follow_cursor);

  // The rows up to the cursor that pass the filters. While time only moves forward with the
  // same filters, the new records are appended; anything else rebuilds the list.
  ViewState::EventRows& rows = state.event_rows;
  const std::size_t until = rec.records_until(state.now);
  if (until < rows.built_until || rows.host_filter != state.host_filter ||
      rows.hidden_protocols != state.hidden_protocols || rows.packets_only != state.packets_only) {
    rows = {{}, 0, state.host_filter, state.hidden_protocols, state.packets_only};
  }
  const auto& records = rec.records();
  for (std::size_t i = rows.built_until; i < until; ++i) {
    const TraceRecord& r = records[i];
    if (!listed(r)) continue;
    const Hop* hop = r.kind == "packet.tx" ? rec.hop_of_record(i) : nullptr;
    if (state.packets_only && !hop) continue;
    if (state.hidden_protocols.count(protocol_of(rec, i, r, hop))) continue;
    if (!state.host_filter.empty()) {
      const bool match = r.node.find(state.host_filter) != std::string::npos ||
                         (hop && rec.nodes()[hop->to].name.find(state.host_filter) != std::string::npos);
      if (!match) continue;
    }
    rows.records.push_back(i);
  }
  rows.built_until = until;

  state.drawn.event_rows = rows.records.size();
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_Resizable;
  if (!ImGui::BeginTable("event-table", 6, flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Time", ImGuiTableColumnFlags_WidthFixed, 120 * state.text_scale);
  ImGui::TableSetupColumn("From", ImGuiTableColumnFlags_WidthFixed, 130 * state.text_scale);
  ImGui::TableSetupColumn("To", ImGuiTableColumnFlags_WidthFixed, 130 * state.text_scale);
  ImGui::TableSetupColumn("Protocol", ImGuiTableColumnFlags_WidthFixed, 90 * state.text_scale);
  ImGui::TableSetupColumn("Length", ImGuiTableColumnFlags_WidthFixed, 60 * state.text_scale);
  ImGui::TableSetupColumn("Summary", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableHeadersRow();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.records.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const std::size_t index = rows.records[static_cast<std::size_t>(i)];
      const TraceRecord& r = rec.records()[index];
      const Hop* hop = r.kind == "packet.tx" ? rec.hop_of_record(index) : nullptr;
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const bool selected = state.selected_record == index;
      const std::string time = time_text(r.time);
      ImGui::PushID(i);
      if (ImGui::Selectable(time.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns)) {
        state.selected_record = index;
        if (hop) {
          state.conversation = hop->connection;
          state.exchange.clear();
        }
        if (state.tab != Tab::Dialogue && state.tab != Tab::State) state.tab = Tab::Inspector;
      }
      ImGui::PopID();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.node.c_str());
      ImGui::TableNextColumn();
      if (hop) ImGui::TextUnformatted(rec.nodes()[hop->to].name.c_str());
      ImGui::TableNextColumn();
      const std::string protocol = protocol_of(rec, index, r, hop);
      ImGui::PushStyleColor(ImGuiCol_Text, protocol_color(protocol, state.light));
      ImGui::TextUnformatted(protocol.c_str());
      ImGui::PopStyleColor();
      ImGui::TableNextColumn();
      if (hop) ImGui::Text("%u", hop->size);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(hop ? hop->label.c_str() : r.text.c_str());
    }
  }
  // Follow the cursor: the latest rows stay in view whenever time moves.
  if (state.follow_cursor && state.event_list_followed != state.now) {
    ImGui::SetScrollHereY(1.0f);
    state.event_list_followed = state.now;
  }
  ImGui::EndTable();
}

}  // namespace wiresim::viz
