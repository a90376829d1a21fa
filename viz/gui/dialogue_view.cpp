// The dialogue view of one conversation (a TCP connection or a UDP exchange): the S:/C:
// transcript the lecture notes print, then the sequence (ladder) diagram with one lane per
// host, one arrow per packet. Both follow the cursor: what has not happened yet is faint.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "viz/gui/panels.hpp"

namespace wiresim::viz {

namespace {

std::string conversation_title(const Recording& rec, std::uint32_t index) {
  const Conversation& c = rec.conversations()[index];
  std::string title = c.protocol.empty() ? c.transport : c.protocol;
  title += "  ";
  title += c.client;
  title += " → ";
  title += c.server;
  title += "  (";
  title += time_text(c.first);
  title += ")";
  return title;
}

std::string node_of_endpoint(const Recording& rec, const std::string& endpoint) {
  const std::string address = endpoint.substr(0, endpoint.find(':'));
  for (const NodeInfo& n : rec.nodes())
    for (const std::string& a : n.addresses)
      if (a == address) return n.name;
  return address;
}

void draw_transcript(ViewState& state, std::uint32_t conv, const std::vector<const Journey*>& journeys) {
  const Recording& rec = *state.recording;
  ImFont* mono = ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : nullptr;
  if (mono) ImGui::PushFont(mono);
  const ImVec4 faint = ImGui::GetStyle().Colors[ImGuiCol_TextDisabled];
  bool any = false;
  for (const DialogueLine& line : rec.dialogue()) {
    if (line.conversation != conv || line.speaker.empty()) continue;
    any = true;
    const bool future = line.time > state.now;
    const std::string text = line.speaker + ": " + line.text;
    ++state.drawn.dialogue_lines;
    if (future) ImGui::TextColored(faint, "%s", text.c_str());
    else ImGui::TextColored(line.speaker == "S" ? ImVec4(0.45f, 0.75f, 1, 1) : ImGui::GetStyle().Colors[ImGuiCol_Text],
                            "%s", text.c_str());
  }
  // No application lines (a UDP exchange such as DNS): the packets' own summaries, client first.
  if (!any) {
    const Conversation& c = rec.conversations()[conv];
    const std::string client = node_of_endpoint(rec, c.client);
    for (const Journey* j : journeys) {
      const Hop& first = rec.hops()[j->first_hop];
      if (first.protocol == "TCP") continue;
      const bool from_client = rec.nodes()[j->source].name == client;
      const std::string text = std::string(from_client ? "C: " : "S: ") + first.label;
      ++state.drawn.dialogue_lines;
      if (j->sent > state.now) ImGui::TextColored(faint, "%s", text.c_str());
      else ImGui::TextUnformatted(text.c_str());
    }
  }
  if (mono) ImGui::PopFont();
}

void draw_ladder(ViewState& state, std::uint32_t conv, const std::vector<const Journey*>& journeys) {
  const Recording& rec = *state.recording;
  const Conversation& c = rec.conversations()[conv];
  const std::string lanes[2] = {node_of_endpoint(rec, c.client), node_of_endpoint(rec, c.server)};
  ImDrawList* d = ImGui::GetWindowDrawList();
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const float width = ImGui::GetContentRegionAvail().x;
  const float time_w = ImGui::CalcTextSize("00.000000 s ").x;
  const float left = ImGui::GetCursorScreenPos().x + time_w + 40, right = ImGui::GetCursorScreenPos().x + width - 40;
  ImVec2 top = ImGui::GetCursorScreenPos();
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), faint = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  // Lane headers.
  for (int i = 0; i < 2; ++i) {
    const float x = i == 0 ? left : right;
    const ImVec2 size = ImGui::CalcTextSize(lanes[i].c_str());
    d->AddText(ImVec2(x - size.x / 2, top.y), text, lanes[i].c_str());
  }
  top.y += line_h * 1.3f;
  const float row_h = line_h * 1.6f;
  const float height = row_h * static_cast<float>(journeys.size() + 1);
  d->AddLine(ImVec2(left, top.y), ImVec2(left, top.y + height), faint, 2);
  d->AddLine(ImVec2(right, top.y), ImVec2(right, top.y + height), faint, 2);
  float cursor_y = top.y;
  for (std::size_t i = 0; i < journeys.size(); ++i) {
    const Journey& j = *journeys[i];
    const Hop& first = rec.hops()[j.first_hop];
    const bool future = j.sent > state.now;
    const float y0 = top.y + row_h * static_cast<float>(i) + line_h * 0.9f, y1 = y0 + row_h * 0.6f;
    if (!future) cursor_y = y1;
    const bool from_client = rec.nodes()[j.source].name == lanes[0];
    const float x0 = from_client ? left : right, x1 = from_client ? right : left;
    const ImU32 color = future ? faint : protocol_color(first.protocol, state.light);
    // The arrow ends where the packet got to: across, or short of the lane with a cross if lost.
    const float reach = j.delivered ? 1.0f : 0.6f;
    const ImVec2 a(x0, y0), b(x0 + (x1 - x0) * reach, y0 + (y1 - y0) * reach);
    d->AddLine(a, b, color, state.selected_record == first.record ? 3.5f : 2.0f);
    ++state.drawn.ladder_arrows;
    if (j.delivered) {
      const float dir = x1 > x0 ? -1.0f : 1.0f;
      d->AddTriangleFilled(b, ImVec2(b.x + dir * 9, b.y - 5), ImVec2(b.x + dir * 9, b.y + 3), color);
    } else {
      d->AddLine(ImVec2(b.x - 5, b.y - 5), ImVec2(b.x + 5, b.y + 5), 0xff3030ff, 2);
      d->AddLine(ImVec2(b.x - 5, b.y + 5), ImVec2(b.x + 5, b.y - 5), 0xff3030ff, 2);
    }
    const std::string time = time_text(j.sent);
    d->AddText(ImVec2(top.x, y0 - line_h * 0.5f), faint, time.c_str());
    const std::string& label = first.label;
    const ImVec2 label_size = ImGui::CalcTextSize(label.c_str());
    const float mid = (left + right) / 2;
    d->AddText(ImVec2(mid - std::min(label_size.x, right - left - 20) / 2, y0 - line_h * 0.85f), future ? faint : text,
               label.c_str());
    // A click on the row selects the packet.
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    if (ImGui::IsWindowHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left) && mouse.y > y0 - line_h &&
        mouse.y < y1 && mouse.x > left && mouse.x < right)
      state.selected_record = first.record;
  }
  // The cursor: everything above the line has happened.
  d->AddLine(ImVec2(top.x, cursor_y + 3), ImVec2(right + 30, cursor_y + 3), 0xff00a0ff, 1.5f);
  ImGui::Dummy(ImVec2(width, height + line_h * 1.3f));
}

}  // namespace

void draw_dialogue(ViewState& state) {
  state.drawn.panels.push_back("Dialogue");
  const Recording& rec = *state.recording;
  if (rec.conversations().size() <= 1) {
    ImGui::TextUnformatted("No conversations in this run.");
    return;
  }
  if (state.conversation == 0 || state.conversation >= rec.conversations().size()) {
    // Start with the first conversation that has an application dialogue.
    state.conversation = 1;
    for (const DialogueLine& line : rec.dialogue())
      if (line.conversation != 0 && !line.speaker.empty()) {
        state.conversation = line.conversation;
        break;
      }
  }
  ImGui::SetNextItemWidth(-1);
  const std::string current = conversation_title(rec, state.conversation);
  if (ImGui::BeginCombo("##conversation", current.c_str())) {
    for (std::uint32_t i = 1; i < rec.conversations().size(); ++i) {
      const bool selected = i == state.conversation;
      if (ImGui::Selectable(conversation_title(rec, i).c_str(), selected)) state.conversation = i;
    }
    ImGui::EndCombo();
  }
  std::vector<const Journey*> journeys;
  for (const Journey& j : rec.journeys()) {
    const Hop& first = rec.hops()[j.first_hop];
    if (first.connection != state.conversation) continue;
    if (state.messages_only && (first.protocol == "TCP" || first.protocol == "UDP")) continue;
    journeys.push_back(&j);
  }
  const float transcript_h = ImGui::GetContentRegionAvail().y * 0.45f;
  ImGui::BeginChild("transcript", ImVec2(0, transcript_h), true);
  draw_transcript(state, state.conversation, journeys);
  ImGui::EndChild();
  ImGui::BeginChild("ladder", ImVec2(0, 0), true);
  draw_ladder(state, state.conversation, journeys);
  ImGui::EndChild();
}

}  // namespace wiresim::viz
