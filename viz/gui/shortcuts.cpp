// The keyboard, for an instructor who does not want to aim at buttons on a projector. Keys come
// from a queue the window's key callback fills, not from "is the key down at this frame": a
// presenter's remote (PageDown, PageUp) or a quick tap presses and releases between two frames.
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>

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

void change_text_size(ViewState& state, float by) {
  state.text_scale = std::clamp(state.text_scale + by, 0.75f, 3.0f);
  state.want_font_rebuild = true;
}

void press(ViewState& state, int key, bool ctrl) {
  if (ctrl) {
    if (key == GLFW_KEY_EQUAL || key == GLFW_KEY_KP_ADD) change_text_size(state, 0.25f);
    if (key == GLFW_KEY_MINUS || key == GLFW_KEY_KP_SUBTRACT) change_text_size(state, -0.25f);
    return;
  }
  switch (key) {
    case GLFW_KEY_SPACE: state.playing = !state.playing; break;
    case GLFW_KEY_RIGHT:
    case GLFW_KEY_PAGE_DOWN: step_forward(state); break;
    case GLFW_KEY_LEFT:
    case GLFW_KEY_PAGE_UP: step_back(state); break;
    case GLFW_KEY_HOME:
      state.playing = false;
      state.seek(Time{});
      break;
    case GLFW_KEY_END: state.seek(state.end()); break;
    case GLFW_KEY_UP: state.speed = std::min(1000.0, state.speed * 2); break;
    case GLFW_KEY_DOWN: state.speed = std::max(1e-6, state.speed / 2); break;
    case GLFW_KEY_M: state.messages_only = !state.messages_only; break;
    case GLFW_KEY_T:
      state.light = !state.light;
      apply_theme(state.light);
      break;
    case GLFW_KEY_F1:
    case GLFW_KEY_H: state.tab = Tab::Help; break;
    case GLFW_KEY_1: state.tab = Tab::Inspector; break;
    case GLFW_KEY_2: state.tab = Tab::Dialogue; break;
    case GLFW_KEY_3: state.tab = Tab::State; break;
    case GLFW_KEY_4: state.tab = Tab::Tcp; break;
    case GLFW_KEY_5: state.tab = Tab::Help; break;
    case GLFW_KEY_0:
      state.zoom = 1;
      state.pan_x = state.pan_y = 0;
      break;
    default: break;
  }
}

}  // namespace

void handle_shortcuts(ViewState& state) {
  std::vector<ViewState::KeyPress> keys;
  keys.swap(state.pending_keys);
  if (ImGui::GetIO().WantTextInput) return;  // typing in a filter box
  for (const ViewState::KeyPress& k : keys) press(state, k.key, (k.mods & GLFW_MOD_CONTROL) != 0);
}

}  // namespace wiresim::viz
