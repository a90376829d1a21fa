// The time bar: play/pause, step, reset, the speed (a millionth of real time to 1000x) and a
// seek bar over the whole run that goes backwards as well as forwards.
#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "viz/gui/panels.hpp"

namespace wiresim::viz {

namespace {

std::string speed_text(double speed) {
  char text[48];
  if (speed >= 1)
    std::snprintf(text, sizeof text, "%.3gx real time", speed);
  else
    std::snprintf(text, sizeof text, "1/%g of real time", std::round(1 / speed));
  return text;
}

}  // namespace

void draw_time_control(ViewState& state) {
  const Recording& rec = *state.recording;
  state.drawn.panels.push_back("time bar");
  if (ImGui::Button(state.playing ? "Pause" : "Play ", ImVec2(70 * state.text_scale, 0))) state.playing = !state.playing;
  ImGui::SameLine();
  if (ImGui::Button("<")) {
    state.playing = false;
    if (auto t = rec.previous_event_before(state.now)) state.seek(*t);
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("previous event (left arrow)");
  ImGui::SameLine();
  if (ImGui::Button("Step >")) {
    state.playing = false;
    if (auto t = rec.next_event_after(state.now)) state.seek(*t);
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("next event (right arrow)");
  ImGui::SameLine();
  if (ImGui::Button("Reset")) {
    state.playing = false;
    state.seek(Time{});
  }
  ImGui::SameLine();
  // Speed on a log scale: 10^-6 .. 10^3 simulated seconds per real second.
  float exponent = static_cast<float>(std::log10(state.speed));
  ImGui::SetNextItemWidth(180 * state.text_scale);
  if (ImGui::SliderFloat("##speed", &exponent, -6.0f, 3.0f, speed_text(state.speed).c_str()))
    state.speed = std::pow(10.0, std::round(exponent * 4) / 4);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("speed (up/down arrows); 1/1000000 lets you watch a 5 ms link");
  ImGui::SameLine();
  ImGui::Checkbox("messages only", &state.messages_only);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("draw only packets that carry application data (M)");
  ImGui::SameLine();
  ImGui::Text("%s  / %s", time_text(state.now).c_str(), time_text(rec.end()).c_str());

  // The seek bar: drag anywhere; the view shows the exact state at that instant.
  const double end_s = static_cast<double>(rec.end().ns) / 1e9;
  double now_s = static_cast<double>(state.now.ns) / 1e9;
  ImGui::SetNextItemWidth(-1);
  const double zero = 0;
  if (ImGui::SliderScalar("##seek", ImGuiDataType_Double, &now_s, &zero, &end_s, "%.6f s"))
    state.seek(Time{static_cast<std::int64_t>(std::llround(now_s * 1e9))});
  // Tick marks where packets are sent, so the busy stretches of the run show on the bar. The
  // pixel columns are computed once per bar width: runs have hundreds of thousands of packets.
  const ImVec2 bar_min = ImGui::GetItemRectMin(), bar_max = ImGui::GetItemRectMax();
  const int width = static_cast<int>(bar_max.x - bar_min.x);
  std::vector<int>& columns = state.seek_ticks;
  if (width != state.seek_ticks_width) {
    columns.clear();
    state.seek_ticks_width = width;
    for (const Journey& j : rec.journeys()) {
      const int x = end_s > 0 ? static_cast<int>(width * (static_cast<double>(j.sent.ns) / 1e9 / end_s)) : 0;
      if (columns.empty() || x != columns.back()) columns.push_back(x);
    }
  }
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (int x : columns)
    draw->AddLine(ImVec2(bar_min.x + static_cast<float>(x), bar_max.y - 4), ImVec2(bar_min.x + static_cast<float>(x), bar_max.y),
                  ImGui::GetColorU32(ImGuiCol_PlotHistogram));
}

}  // namespace wiresim::viz
