// The dialogue view of one conversation (a TCP connection or a UDP exchange) or of a whole
// protocol's exchange (every DNS message of a resolution, say): the S:/C: transcript the
// lecture notes print, then the sequence (ladder) diagram with one lane per host and one arrow
// per packet. Both follow the cursor: what has not happened yet is faint.
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

std::string exchange_title(const std::string& protocol) {
  std::string title = "every ";
  title += protocol;
  title += " message (all hosts)";
  return title;
}

// The hosts of the ladder, in the order they first speak (the client first).
std::vector<NodeId> lanes_of(const std::vector<const Journey*>& journeys) {
  std::vector<NodeId> lanes;
  for (const Journey* j : journeys)
    for (NodeId n : {j->source, j->reached})
      if (std::find(lanes.begin(), lanes.end(), n) == lanes.end()) lanes.push_back(n);
  return lanes;
}

void draw_transcript(ViewState& state, const std::vector<const Journey*>& journeys, const std::vector<NodeId>& lanes) {
  const Recording& rec = *state.recording;
  ImFont* mono = ImGui::GetIO().Fonts->Fonts.Size > 1 ? ImGui::GetIO().Fonts->Fonts[1] : nullptr;
  if (mono) ImGui::PushFont(mono);
  const ImVec4 faint = ImGui::GetStyle().Colors[ImGuiCol_TextDisabled];
  bool any = false;
  if (state.exchange.empty()) {
    for (const DialogueLine& line : rec.dialogue()) {
      if (line.conversation != state.conversation || line.speaker.empty()) continue;
      any = true;
      ++state.drawn.dialogue_lines;
      const std::string text = line.speaker + ": " + line.text;
      if (line.time > state.now) {
        ImGui::TextColored(faint, "%s", text.c_str());
      } else {
        ImGui::TextColored(line.speaker == "S" ? ImVec4(0.45f, 0.75f, 1, 1) : ImGui::GetStyle().Colors[ImGuiCol_Text],
                           "%s", text.c_str());
        // While playing, the latest line stays in view.
        if (state.playing && state.follow_cursor) ImGui::SetScrollHereY(0.8f);
      }
    }
  }
  // No application lines (a UDP exchange such as DNS, or a whole exchange): the packets' own
  // summaries; C: for the conversation's client, else who sent it to whom.
  if (!any) {
    for (const Journey* j : journeys) {
      const Hop& first = rec.hops()[j->first_hop];
      if (first.protocol == "TCP") continue;
      std::string text;
      if (state.exchange.empty()) {
        text = j->source == lanes.front() ? "C: " : "S: ";
      } else {
        text = rec.nodes()[j->source].name;
        text += " → ";
        text += rec.nodes()[j->reached].name;
        text += ": ";
      }
      text += first.label;
      ++state.drawn.dialogue_lines;
      if (j->sent > state.now) ImGui::TextColored(faint, "%s", text.c_str());
      else ImGui::TextUnformatted(text.c_str());
    }
  }
  if (mono) ImGui::PopFont();
}

void draw_ladder(ViewState& state, const std::vector<const Journey*>& journeys, const std::vector<NodeId>& lanes) {
  const Recording& rec = *state.recording;
  if (lanes.empty()) return;
  ImDrawList* d = ImGui::GetWindowDrawList();
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const float width = ImGui::GetContentRegionAvail().x;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float time_w = ImGui::CalcTextSize("00.000000 s ").x;
  const float left = origin.x + time_w + 40, right = origin.x + width - 40;
  auto lane_x = [&](NodeId n) {
    const auto i = static_cast<float>(std::find(lanes.begin(), lanes.end(), n) - lanes.begin());
    return lanes.size() == 1 ? left : left + (right - left) * i / static_cast<float>(lanes.size() - 1);
  };
  ImVec2 top = origin;
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), faint = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  // Lane names; when neighbours would overlap, every other name goes on a second line.
  float widest = 0;
  for (NodeId n : lanes) widest = std::max(widest, ImGui::CalcTextSize(rec.nodes()[n].name.c_str()).x);
  const bool stagger = lanes.size() > 1 && (right - left) / static_cast<float>(lanes.size() - 1) < widest + 8;
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    const std::string& name = rec.nodes()[lanes[i]].name;
    const ImVec2 size = ImGui::CalcTextSize(name.c_str());
    const float y = top.y + (stagger && i % 2 == 1 ? line_h : 0.0f);
    d->AddText(ImVec2(lane_x(lanes[i]) - size.x / 2, y), text, name.c_str());
  }
  top.y += line_h * (stagger ? 2.3f : 1.3f);
  const float row_h = line_h * 1.6f;
  const float height = row_h * static_cast<float>(journeys.size() + 1);
  for (NodeId n : lanes) d->AddLine(ImVec2(lane_x(n), top.y), ImVec2(lane_x(n), top.y + height), faint, 2);
  float cursor_y = top.y;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (std::size_t i = 0; i < journeys.size(); ++i) {
    const Journey& j = *journeys[i];
    const Hop& first = rec.hops()[j.first_hop];
    const bool future = j.sent > state.now;
    const float y0 = top.y + row_h * static_cast<float>(i) + line_h * 0.9f, y1 = y0 + row_h * 0.6f;
    if (!future) cursor_y = y1;
    const float x0 = lane_x(j.source), x1 = lane_x(j.reached);
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
    d->AddText(ImVec2(origin.x, y0 - line_h * 0.5f), faint, time.c_str());
    const ImVec2 label_size = ImGui::CalcTextSize(first.label.c_str());
    const float lo = std::min(x0, x1), hi = std::max(x0, x1);
    d->AddText(ImVec2((lo + hi) / 2 - std::min(label_size.x, right - left - 20) / 2, y0 - line_h * 0.85f),
               future ? faint : text, first.label.c_str());
    // A click on the row selects the packet.
    if (ImGui::IsWindowHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left) && mouse.y > y0 - line_h &&
        mouse.y < y1 && mouse.x > left && mouse.x < right)
      state.selected_record = first.record;
  }
  // The cursor: everything above the line has happened. While playing, it stays in view.
  d->AddLine(ImVec2(origin.x, cursor_y + 3), ImVec2(right + 30, cursor_y + 3), 0xff00a0ff, 1.5f);
  if (state.playing && state.follow_cursor)
    ImGui::SetScrollY(std::max(0.0f, cursor_y - origin.y - ImGui::GetWindowHeight() * 0.7f));
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
  if (state.exchange.empty() && (state.conversation == 0 || state.conversation >= rec.conversations().size())) {
    // Start with the first conversation that has an application dialogue.
    state.conversation = 1;
    for (const DialogueLine& line : rec.dialogue())
      if (line.conversation != 0 && !line.speaker.empty()) {
        state.conversation = line.conversation;
        break;
      }
  }
  ImGui::SetNextItemWidth(-1);
  const std::string current = state.exchange.empty() ? conversation_title(rec, state.conversation)
                                                     : exchange_title(state.exchange);
  if (ImGui::BeginCombo("##conversation", current.c_str())) {
    for (const std::string& p : state.protocols) {
      if (p == "TCP" || p == "UDP") continue;
      if (ImGui::Selectable(exchange_title(p).c_str(), state.exchange == p)) state.exchange = p;
    }
    ImGui::Separator();
    for (std::uint32_t i = 1; i < rec.conversations().size(); ++i) {
      const bool selected = state.exchange.empty() && i == state.conversation;
      if (ImGui::Selectable(conversation_title(rec, i).c_str(), selected)) {
        state.conversation = i;
        state.exchange.clear();
      }
    }
    ImGui::EndCombo();
  }
  std::vector<const Journey*> journeys;
  for (const Journey& j : rec.journeys()) {
    const Hop& first = rec.hops()[j.first_hop];
    if (state.exchange.empty() ? first.connection != state.conversation : first.protocol != state.exchange) continue;
    if (state.messages_only && (first.protocol == "TCP" || first.protocol == "UDP")) continue;
    journeys.push_back(&j);
  }
  std::vector<NodeId> lanes = lanes_of(journeys);
  const float transcript_h = ImGui::GetContentRegionAvail().y * 0.45f;
  ImGui::BeginChild("transcript", ImVec2(0, transcript_h), true);
  draw_transcript(state, journeys, lanes);
  ImGui::EndChild();
  ImGui::BeginChild("ladder", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
  draw_ladder(state, journeys, lanes);
  ImGui::EndChild();
}

}  // namespace wiresim::viz
