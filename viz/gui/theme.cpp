// Dark for a screen, light for a projector in a bright lecture hall.
#include <imgui.h>

#include "viz/gui/panels.hpp"

namespace wiresim::viz {

void apply_theme(bool light) {
  if (light) {
    ImGui::StyleColorsLight();
  } else {
    ImGui::StyleColorsDark();
  }
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 0;
  style.ChildRounding = 4;
  style.FrameRounding = 3;
  style.TabRounding = 3;
}

}  // namespace wiresim::viz
