// The packet inspector: the selected packet's layer tree (IPv4, TCP/UDP, the application's
// fields) over its hex dump; the field under the mouse or clicked is highlighted in the bytes.
#include <imgui.h>

#include <cctype>
#include <cstdio>

#include "viz/gui/panels.hpp"
#include "viz/model/dissection.hpp"

namespace wiresim::viz {

namespace {

struct Highlight {
  std::size_t offset = 0, length = 0;
};

std::size_t count_fields(const Field& f) {
  std::size_t n = 1;
  for (const Field& c : f.children) n += count_fields(c);
  return n;
}

// Draws one field and its children; returns the field the mouse is over, if any.
void draw_field(const Field& field, std::size_t& index, ViewState& state, Highlight& hover, Highlight& chosen,
                bool top_level = false, bool last = false) {
  const std::size_t my_index = index++;
  ++state.drawn.packet_fields;
  ImGuiTreeNodeFlags flags = ImGuiTreeNodeFlags_OpenOnArrow | ImGuiTreeNodeFlags_SpanAvailWidth;
  if (field.children.empty()) flags |= ImGuiTreeNodeFlags_Leaf | ImGuiTreeNodeFlags_NoTreePushOnOpen;
  if (state.selected_field == my_index) flags |= ImGuiTreeNodeFlags_Selected;
  // The application layer starts open, the others as one line each: a click opens them.
  if (top_level && last) flags |= ImGuiTreeNodeFlags_DefaultOpen;
  const bool open = ImGui::TreeNodeEx(reinterpret_cast<void*>(my_index), flags, "%s", field.text.c_str());
  if (ImGui::IsItemClicked()) state.selected_field = my_index;
  if (ImGui::IsItemHovered()) hover = {field.offset, field.length};
  if (state.selected_field == my_index) chosen = {field.offset, field.length};
  if (field.children.empty()) return;
  if (open) {
    for (const Field& child : field.children) draw_field(child, index, state, hover, chosen);
    ImGui::TreePop();
  } else {
    // Closed subtrees still count their fields, so indices stay stable.
    index += count_fields(field) - 1;
  }
}

std::size_t draw_hex_dump(const Bytes& bytes, Highlight mark, bool light) {
  ImFont* mono = ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : nullptr;
  if (mono) ImGui::PushFont(mono);
  const float char_w = ImGui::CalcTextSize("0").x;
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const ImU32 mark_color = light ? 0x8000c0ff : 0x80007fff;
  ImDrawList* d = ImGui::GetWindowDrawList();
  for (std::size_t line = 0; line < (bytes.size() + 15) / 16; ++line) {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    // Offset (4) + 2 spaces; hex from column 6, 3 chars per byte with an extra space after 8;
    // ASCII from column 6 + 49 + 1.
    for (std::size_t i = 0; i < 16 && line * 16 + i < bytes.size(); ++i) {
      const std::size_t b = line * 16 + i;
      if (b < mark.offset || b >= mark.offset + mark.length) continue;
      const float hex_x = at.x + char_w * static_cast<float>(6 + i * 3 + (i >= 8 ? 1 : 0));
      const float ascii_x = at.x + char_w * static_cast<float>(6 + 49 + 1 + i);
      d->AddRectFilled(ImVec2(hex_x - 1, at.y), ImVec2(hex_x + char_w * 2 + 1, at.y + line_h - 1), mark_color);
      d->AddRectFilled(ImVec2(ascii_x, at.y), ImVec2(ascii_x + char_w, at.y + line_h - 1), mark_color);
    }
    char text[128];
    int n = std::snprintf(text, sizeof text, "%04zx  ", line * 16);
    std::string ascii;
    for (std::size_t i = 0; i < 16; ++i) {
      const std::size_t b = line * 16 + i;
      if (b < bytes.size()) {
        n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), "%02x ", bytes[b]);
        ascii += std::isprint(bytes[b]) ? static_cast<char>(bytes[b]) : '.';
      } else {
        n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), "   ");
      }
      if (i == 7) n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), " ");
    }
    ImGui::Text("%s %s", text, ascii.c_str());
  }
  if (mono) ImGui::PopFont();
  return (bytes.size() + 15) / 16;
}

}  // namespace

void draw_inspector(ViewState& state) {
  state.drawn.panels.push_back("Packet");
  const Hop* hop = state.selected_hop();
  if (!hop) {
    if (state.selected_record) {
      const TraceRecord& r = state.recording->records()[*state.selected_record];
      ImGui::Text("%s  %s  at %s", time_text(r.time).c_str(), std::string(r.kind).c_str(), r.node.c_str());
      ImGui::TextWrapped("%s", r.text.c_str());
      for (const TraceField& f : r.fields) {
        std::string value = std::visit([](const auto& v) {
          if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) return v;
          else return std::to_string(v);
        }, f.value);
        ImGui::BulletText("%s: %s", f.key.c_str(), value.c_str());
      }
      return;
    }
    ImGui::TextWrapped("Click a packet on the canvas or a row in the event list to see its layers and bytes.");
    return;
  }
  const Recording& rec = *state.recording;
  ImGui::Text("%s → %s  on %s", rec.nodes()[hop->from].name.c_str(), rec.nodes()[hop->to].name.c_str(),
              rec.links()[hop->link].name.c_str());
  ImGui::Text("sent %s, last bit out %s, arrives %s%s", time_text(hop->start).c_str(),
              time_text(hop->tx_end).c_str(), time_text(hop->arrival).c_str(), hop->lost ? " (lost)" : "");
  if (hop->queued < hop->start) ImGui::Text("waited in the queue from %s", time_text(hop->queued).c_str());
  ImGui::Separator();
  const Bytes bytes = state.recording->bytes_of(*hop);
  const Dissection dissection = dissect(bytes);
  // A newly selected packet starts with its application layer (else its top layer) marked.
  if (state.inspected_record != state.selected_record) {
    state.inspected_record = state.selected_record;
    std::size_t first_of_last = 0;
    for (std::size_t i = 0; i + 1 < dissection.layers.size(); ++i) first_of_last += count_fields(dissection.layers[i]);
    state.selected_field = first_of_last;
  }
  Highlight hover, chosen;
  const float tree_height = ImGui::GetContentRegionAvail().y * 0.55f;
  ImGui::BeginChild("layers", ImVec2(0, tree_height), false);
  std::size_t index = 0;
  for (std::size_t i = 0; i < dissection.layers.size(); ++i)
    draw_field(dissection.layers[i], index, state, hover, chosen, true, i + 1 == dissection.layers.size());
  ImGui::EndChild();
  ImGui::Separator();
  ImGui::BeginChild("bytes", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  state.drawn.hex_lines = draw_hex_dump(bytes, hover.length ? hover : chosen, state.light);
  ImGui::EndChild();
}

}  // namespace wiresim::viz
