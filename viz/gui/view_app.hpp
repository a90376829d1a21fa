// `wiresim gui FILE`: opens the desktop view on a scenario. Returns the process exit code.
#pragma once

#include "viz/gui/view_state.hpp"

namespace wiresim::viz {

int run_view(const ViewOptions& options);

}  // namespace wiresim::viz
