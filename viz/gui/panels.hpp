// The view's panels: each draws one part of the window from the ViewState, in the space
// Dear ImGui gives it (a child region or a tab).
#pragma once

#include "viz/gui/view_state.hpp"

namespace wiresim::viz {

void draw_time_control(ViewState& state);  // play/pause, step, speed, the seek bar
void draw_canvas(ViewState& state);        // topology and packets in flight
void draw_legend(const ViewState& state);
void draw_event_list(ViewState& state);
void draw_inspector(ViewState& state);     // layer tree and hex dump of the selected packet
void draw_dialogue(ViewState& state);      // S:/C: transcript and the ladder diagram
void draw_state_panels(ViewState& state);  // the apps' state at the cursor (replayed world)
void draw_tcp_panel(ViewState& state);     // cwnd and throughput per connection
void draw_distribution(ViewState& state);  // the sweep's plot, filling in
void draw_help(ViewState& state);

// Keyboard shortcuts, handled once per frame before the panels.
void handle_shortcuts(ViewState& state);
void apply_theme(bool light);

}  // namespace wiresim::viz
