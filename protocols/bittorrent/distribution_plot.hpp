// The chart of the distribution-time experiment (Kurose & Ross 2.5): theory lines and simulated
// points against N, as SVG text or a PNG image drawn from the same layout. No fonts beyond
// stb_easy_font's ASCII (other characters print as '?' in the PNG), no interactive features.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/core/result.hpp"

namespace wiresim::bittorrent {

enum class Marker { Circle, Square, Triangle };

struct PlotSeries {
  std::string label;              // "client-server (theory)", "BitTorrent, u = 700 kbps"
  bool line = true;               // true: a polyline (theory); false: markers (simulated points)
  std::uint32_t color = 0;        // 0xRRGGBB
  Marker marker = Marker::Circle; // the shape of each point when line is false
  std::vector<std::pair<double, double>> points;  // (N, seconds)
};

struct PlotOptions {
  std::string title = "Distribution time vs N";
  std::string x_label = "N (peers)";
  std::string y_label = "distribution time (s)";
  bool log_x = false;
  bool log_y = false;
  int width = 960;   // pixels, 320..4096
  int height = 600;  // pixels, 240..4096
};

// Points that cannot be drawn are left out, never an error: NaN, infinities, nonzero magnitudes
// outside [1e-100, 1e100], and zero or negative values on a log axis. A line breaks where a
// point is left out. Linear axes start at zero. Labels are cut to 120 characters. The only
// errors are a canvas size outside the ranges above.
Result<std::string> plot_svg(const std::vector<PlotSeries>& series, const PlotOptions& options);

// The same chart as an RGB PNG file's bytes.
Result<std::string> plot_png(const std::vector<PlotSeries>& series, const PlotOptions& options);

// The fixed colour and marker of a mode ("client-server", "p2p-ideal", "bittorrent"), so every
// plot of the experiment draws a mode alike; shade picks one of four related colours (for
// several u), wrapping around. An unknown mode gets greys and circles.
std::uint32_t mode_color(std::string_view mode, std::size_t shade);
Marker mode_marker(std::string_view mode);

}  // namespace wiresim::bittorrent
