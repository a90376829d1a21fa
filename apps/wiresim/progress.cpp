#include "apps/wiresim/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace wiresim::cli {

ProgressBar::ProgressBar(bool enabled)
    : enabled_(enabled && isatty(STDERR_FILENO)), started_(std::chrono::steady_clock::now()) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::finish() {
  if (drawn_) std::fprintf(stderr, "\r\033[K");
  drawn_ = false;
  enabled_ = false;
}

void ProgressBar::update(Time now, std::optional<Time> end) {
  if (!enabled_) return;
  const auto wall = std::chrono::steady_clock::now();
  if (wall - started_ < std::chrono::seconds(1) || wall - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = wall;
  drawn_ = true;
  if (end && end->ns > 0) {
    const double fraction = std::min(1.0, now.seconds() / end->seconds());
    constexpr int Width = 30;
    const int filled = static_cast<int>(fraction * Width);
    std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %.3f / %.3f s simulated", filled, "##############################",
                 Width - filled, "", static_cast<int>(fraction * 100), now.seconds(), end->seconds());
  } else {
    std::fprintf(stderr, "\r%.3f s simulated", now.seconds());
  }
  std::fflush(stderr);
}

}  // namespace wiresim::cli
