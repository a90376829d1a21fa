// The keyboard, for an instructor who does not want to aim at buttons on a projector.
// Dear ImGui 1.86 indexes keys by the GLFW backend's key codes.
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "viz/gui/panels.hpp"

namespace wiresim::viz {

namespace {

void step_forward(ViewState& state) {
  if (!state.recording) return;
  state.playing = false;
  if (auto t = state.recording->next_event_after(state.now)) state.seek(*t);
}

void step_back(ViewState& state) {
  if (!state.recording) return;
  state.playing = false;
  if (auto t = state.recording->previous_event_before(state.now)) state.seek(*t);
}

}  // namespace

void handle_shortcuts(ViewState& state) {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return;  // typing in a filter box
  if (ImGui::IsKeyPressed(GLFW_KEY_SPACE, false)) state.playing = !state.playing;
  if (ImGui::IsKeyPressed(GLFW_KEY_RIGHT)) step_forward(state);
  if (ImGui::IsKeyPressed(GLFW_KEY_LEFT)) step_back(state);
  if (ImGui::IsKeyPressed(GLFW_KEY_HOME, false)) {
    state.playing = false;
    state.seek(Time{});
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_END, false)) state.seek(state.end());
  if (ImGui::IsKeyPressed(GLFW_KEY_UP)) state.speed = std::min(1000.0, state.speed * 2);
  if (ImGui::IsKeyPressed(GLFW_KEY_DOWN)) state.speed = std::max(1e-6, state.speed / 2);
  if (ImGui::IsKeyPressed(GLFW_KEY_M, false)) state.messages_only = !state.messages_only;
  if (ImGui::IsKeyPressed(GLFW_KEY_T, false)) {
    state.light = !state.light;
    apply_theme(state.light);
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_F1, false) || ImGui::IsKeyPressed(GLFW_KEY_H, false)) state.tab = Tab::Help;
  const bool ctrl = io.KeyCtrl;
  if (ctrl && ImGui::IsKeyPressed(GLFW_KEY_EQUAL, false)) {
    state.text_scale = std::min(3.0f, state.text_scale + 0.25f);
    state.want_font_rebuild = true;
  }
  if (ctrl && ImGui::IsKeyPressed(GLFW_KEY_MINUS, false)) {
    state.text_scale = std::max(0.75f, state.text_scale - 0.25f);
    state.want_font_rebuild = true;
  }
  if (!ctrl) {
    const int digits[] = {GLFW_KEY_1, GLFW_KEY_2, GLFW_KEY_3, GLFW_KEY_4, GLFW_KEY_5};
    const Tab tabs[] = {Tab::Inspector, Tab::Dialogue, Tab::State, Tab::Tcp, Tab::Help};
    for (int i = 0; i < 5; ++i)
      if (ImGui::IsKeyPressed(digits[i], false)) state.tab = tabs[i];
  }
  if (ImGui::IsKeyPressed(GLFW_KEY_0, false)) {
    state.zoom = 1;
    state.pan_x = state.pan_y = 0;
  }
}

}  // namespace wiresim::viz
