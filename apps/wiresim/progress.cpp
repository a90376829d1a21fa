#include "apps/wiresim/progress.hpp"

#include <algorithm>
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

bool ProgressBar::due() {
  if (!enabled_) return false;
  const auto wall = std::chrono::steady_clock::now();
  if (wall - started_ < std::chrono::seconds(1) || wall - last_draw_ < std::chrono::milliseconds(100)) return false;
  last_draw_ = wall;
  drawn_ = true;
  return true;
}

void ProgressBar::draw_bar(double fraction, const char* detail) {
  constexpr int Width = 30;
  const int filled = static_cast<int>(std::min(1.0, fraction) * Width);
  std::fprintf(stderr, "\r[%.*s%*s] %3d%%  %s", filled, "##############################", Width - filled, "",
               static_cast<int>(std::min(1.0, fraction) * 100), detail);
  std::fflush(stderr);
}

void ProgressBar::update(Time now, std::optional<Time> end) {
  if (!due()) return;
  char detail[96];
  if (end && end->ns > 0) {
    std::snprintf(detail, sizeof detail, "%.3f / %.3f s simulated", now.seconds(), end->seconds());
    draw_bar(now.seconds() / end->seconds(), detail);
  } else {
    std::fprintf(stderr, "\r%.3f s simulated", now.seconds());
    std::fflush(stderr);
  }
}

void ProgressBar::update_count(std::size_t done, std::size_t total) {
  if (!due() || total == 0) return;
  char detail[96];
  std::snprintf(detail, sizeof detail, "%zu / %zu simulations", done, total);
  draw_bar(static_cast<double>(done) / static_cast<double>(total), detail);
}

}  // namespace wiresim::cli
