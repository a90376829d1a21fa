// Lays the chart out once (axes, ticks, legend, series in pixels), then writes that layout as
// SVG elements or rasterizes it into an RGB buffer that stb_image_write encodes as PNG.
#include "protocols/bittorrent/distribution_plot.hpp"

// Static, so these definitions cannot clash with libstb, which the email protocol links.
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_easy_font.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace wiresim::bittorrent {
namespace {

// Text sizes are whole multiples of stb_easy_font's glyphs so the PNG's strokes stay crisp;
// the SVG uses a font size of about the same height (capitals 7 units, descenders to 9).
constexpr int TextScale = 2;
constexpr int TitleScale = 3;
constexpr double CapHeight = 7, TextHeight = 9, LineAdvance = 12;
constexpr double FontSizePerScale = 9;

constexpr double Gap = 8;
constexpr double TickLength = 5;
constexpr double LineWidth = 2;
constexpr double MarkerRadius = 5;       // circle; squares and triangles are sized to look alike
constexpr double SquareHalf = 4.5;
constexpr double TriangleRadius = 6;
constexpr double LegendPad = 8;
constexpr double LegendSample = 28;      // length of the line drawn before each legend label
constexpr double MaxMagnitude = 1e100;
constexpr double MinMagnitude = 1e-100;
constexpr std::size_t MaxLabelChars = 120;

constexpr std::uint32_t White = 0xFFFFFF, Ink = 0x222222, FrameColor = 0x444444;
constexpr std::uint32_t MajorGrid = 0xD9D9D9, MinorGrid = 0xEEEEEE, LegendBorder = 0x999999;

struct Point {
  double x = 0, y = 0;
};

// ---- text ------------------------------------------------------------------------------------

// Valid UTF-8 without control characters, at most MaxLabelChars code points: safe in XML.
std::string clean_label(std::string_view s) {
  std::string out;
  std::size_t i = 0, chars = 0;
  while (i < s.size() && chars < MaxLabelChars) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = len > 0 && i + len <= s.size();
    std::uint32_t code = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; valid && k < len; ++k) {
      const auto next = static_cast<unsigned char>(s[i + k]);
      valid = (next & 0xC0) == 0x80;
      code = (code << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and the XML-forbidden U+FFFE/U+FFFF are not characters here.
    constexpr std::array<std::uint32_t, 5> smallest{0, 0, 0x80, 0x800, 0x10000};
    if (valid && len > 1)
      valid = code >= smallest[len] && code <= 0x10FFFF && !(code >= 0xD800 && code <= 0xDFFF) && code != 0xFFFE &&
              code != 0xFFFF;
    if (!valid) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      i += 1;
    } else if (c < 0x20 || c == 0x7F) {
      out += ' ';
      i += 1;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
    ++chars;
  }
  if (i < s.size()) out += "...";
  return out;
}

// stb_easy_font draws ASCII 32..126 only: every other code point of a clean label becomes '?'.
std::string ascii_of(const std::string& clean) {
  std::string out;
  for (const char ch : clean) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) out += ch;
    else if ((c & 0xC0) != 0x80) out += '?';
  }
  return out;
}

double text_width(const std::string& clean, int scale) {
  std::string ascii = ascii_of(clean);
  return static_cast<double>(stb_easy_font_width(ascii.data())) * scale;
}

std::string xml_escaped(const std::string& clean) {
  std::string out;
  for (const char c : clean) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string grouped(long long n) {
  const std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out = n < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Tick labels: whole numbers grouped by commas ("7,500", "500,000"), short decimals ("0.5"),
// and "1.5e7" / "1e-4" outside [0.001, 10 million).
std::string tick_text(double v) {
  if (v == 0) return "0";
  const double a = std::fabs(v);
  char buf[48];
  if (a >= 1e7 || a < 1e-3) {
    std::snprintf(buf, sizeof buf, "%.3e", v);  // "-1.500e+07"
    const std::string s = buf;
    const std::size_t e = s.find('e');
    std::string mantissa = s.substr(0, e);
    while (mantissa.back() == '0') mantissa.pop_back();
    if (mantissa.back() == '.') mantissa.pop_back();
    mantissa += 'e';
    mantissa += std::to_string(std::strtol(s.c_str() + e + 1, nullptr, 10));
    return mantissa;
  }
  if (std::fabs(v - std::round(v)) <= 1e-9 * std::max(1.0, a)) return grouped(std::llround(v));
  for (int decimals = 1; decimals <= 6; ++decimals) {
    const double scaled = v * std::pow(10.0, decimals);
    if (std::fabs(scaled - std::round(scaled)) <= 1e-6 * std::max(1.0, std::fabs(scaled))) {
      std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
      return buf;
    }
  }
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// ---- layout ----------------------------------------------------------------------------------

enum class Anchor { Start, Middle, End };

// A line of text placed by the top of its capitals; a vertical one reads bottom to top, with
// x the left edge of its glyph tops and top the anchor point along the y axis.
struct Text {
  double x = 0, top = 0;
  std::string text;  // clean UTF-8
  int scale = TextScale;
  Anchor anchor = Anchor::Start;
  bool vertical = false;
  std::string css_class;
};

struct Tick {
  double value = 0;
  double pixel = 0;
  std::string label;  // empty: a gridline without a label
  bool major = true;
};

struct Axis {
  bool log = false;
  double lo = 0, hi = 1;  // the drawn range; exponents of ten on a log axis
  double pixel_lo = 0, pixel_hi = 1;
  std::vector<Tick> ticks;

  bool usable(double v) const {
    const double a = std::fabs(v);
    return std::isfinite(v) && a <= MaxMagnitude && (v == 0 || a >= MinMagnitude) && (!log || v > 0);
  }
  double pixel(double v) const {
    const double t = ((log ? std::log10(v) : v) - lo) / (hi - lo);
    return pixel_lo + t * (pixel_hi - pixel_lo);
  }
};

struct SeriesPixels {
  std::vector<std::vector<Point>> runs;  // a line's unbroken stretches
  std::vector<Point> markers;
};

struct Legend {
  bool shown = false;
  double left = 0, top = 0, width = 0, height = 0;
  double row_height = LineAdvance * TextScale;
  std::size_t rows = SIZE_MAX;  // per column: the series fill one column, then the next
  double column_width = 0;
  Point sample_center(std::size_t index) const {
    const std::size_t column = index / rows, row = index % rows;
    return {left + LegendPad + static_cast<double>(column) * column_width + LegendSample / 2,
            top + LegendPad + (static_cast<double>(row) + 0.5) * row_height};
  }
};

struct Layout {
  int width = 0, height = 0;
  double plot_left = 0, plot_top = 0, plot_right = 0, plot_bottom = 0;
  Axis x, y;
  std::vector<Text> texts;
  std::vector<SeriesPixels> series;
  std::vector<std::string> labels;  // clean series labels
  Legend legend;
};

// The 1-2-5 step nearest above raw.
double nice_step(double raw) {
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double normalized = raw / magnitude;
  return (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10) * magnitude;
}

// Whether consecutive labels keep clear of each other along the axis.
bool labels_fit(const std::vector<Tick>& ticks, bool horizontal) {
  const Tick* previous = nullptr;
  for (const Tick& t : ticks) {
    if (t.label.empty()) continue;
    if (previous != nullptr) {
      const double room = horizontal ? (text_width(previous->label, TextScale) + text_width(t.label, TextScale)) / 2 + 12
                                     : TextHeight * TextScale + 6;
      if (std::fabs(t.pixel - previous->pixel) < room) return false;
    }
    previous = &t;
  }
  return true;
}

// A linear axis from 0 (distribution times and peer counts are never negative; the textbook's
// Figure 2.23 starts there too) to past the data, in 1-2-5 steps with readable labels.
void build_linear(Axis& axis, bool has_data, double data_lo, double data_hi, bool horizontal) {
  double lo = has_data ? std::min(data_lo, 0.0) : 0;
  double hi = has_data ? std::max(data_hi, 0.0) : 1;
  if (hi == lo) hi = lo + 1;  // every value zero
  const double length = std::fabs(axis.pixel_hi - axis.pixel_lo);
  const int most = std::clamp(static_cast<int>(length / (horizontal ? 100 : 60)), 2, 12);
  for (int target = most; target >= 1; --target) {
    const double step = nice_step((hi - lo) / target);
    axis.lo = std::floor(lo / step) * step;
    axis.hi = std::ceil(hi / step) * step;
    axis.ticks.clear();
    const long long count = std::min(std::llround((axis.hi - axis.lo) / step), 100LL);
    for (long long i = 0; i <= count; ++i) {
      double v = axis.lo + static_cast<double>(i) * step;
      if (std::fabs(v) < step * 1e-9) v = 0;
      axis.ticks.push_back({v, axis.pixel(v), tick_text(v), true});
    }
    if (labels_fit(axis.ticks, horizontal)) return;
  }
}

// A log axis over whole decades, labelled at each decade (every few when crowded), with 2 and
// 5 labelled too when it spans under three decades and faint gridlines at 2..9 up to six.
void build_log(Axis& axis, bool has_data, double data_lo, double data_hi, bool horizontal) {
  int lo = 0, hi = 1;
  if (has_data) {
    lo = static_cast<int>(std::floor(std::log10(data_lo)));
    hi = static_cast<int>(std::ceil(std::log10(data_hi)));
    if (lo == hi) {  // one value, an exact power of ten: centre it
      lo -= 1;
      hi += 1;
    }
  }
  axis.lo = lo;
  axis.hi = hi;
  const int decades = hi - lo;
  const std::array<int, 11> every_options{1, 1, 2, 3, 5, 10, 20, 50, 100, 200, 500};
  for (std::size_t option = 0; option < every_options.size(); ++option) {
    const int every = every_options[option];
    const bool minor_labels = option == 0 && decades < 3;
    axis.ticks.clear();
    for (int d = lo; d <= hi; ++d) {
      const double decade = std::pow(10.0, d);
      axis.ticks.push_back({decade, axis.pixel(decade), (d - lo) % every == 0 ? tick_text(decade) : "", true});
      if (d == hi || decades > 6) continue;
      for (int m = 2; m <= 9; ++m) {
        const double v = m * decade;
        const bool labelled = minor_labels && (m == 2 || m == 5);
        axis.ticks.push_back({v, axis.pixel(v), labelled ? tick_text(v) : "", false});
      }
    }
    if (labels_fit(axis.ticks, horizontal)) return;
  }
}

void build_axis(Axis& axis, bool has_data, double data_lo, double data_hi, bool horizontal) {
  if (axis.log) build_log(axis, has_data, data_lo, data_hi, horizontal);
  else build_linear(axis, has_data, data_lo, data_hi, horizontal);
}

// Where the legend covers the fewest drawn points: top-left first, then clockwise. Returns how
// many markers it covers there.
std::size_t place_legend(Layout& layout) {
  Legend& legend = layout.legend;
  const double inset = 10;
  const std::array<Point, 4> corners{
      Point{layout.plot_left + inset, layout.plot_top + inset},
      Point{layout.plot_right - inset - legend.width, layout.plot_top + inset},
      Point{layout.plot_right - inset - legend.width, layout.plot_bottom - inset - legend.height},
      Point{layout.plot_left + inset, layout.plot_bottom - inset - legend.height}};
  std::vector<Point> markers, drawn;
  for (const SeriesPixels& s : layout.series) {
    markers.insert(markers.end(), s.markers.begin(), s.markers.end());
    for (const auto& run : s.runs)
      for (std::size_t i = 0; i < run.size(); ++i) {
        drawn.push_back(run[i]);
        if (i + 1 == run.size()) continue;
        const double length = std::hypot(run[i + 1].x - run[i].x, run[i + 1].y - run[i].y);
        const int samples = std::min(static_cast<int>(length / 3), 4000);
        for (int k = 1; k < samples; ++k) {
          const double t = static_cast<double>(k) / samples;
          drawn.push_back({run[i].x + t * (run[i + 1].x - run[i].x), run[i].y + t * (run[i + 1].y - run[i].y)});
        }
      }
  }
  const auto covered = [&legend](const std::vector<Point>& points, Point corner) {
    std::size_t count = 0;
    for (const Point& p : points)
      if (p.x >= corner.x - 6 && p.x <= corner.x + legend.width + 6 && p.y >= corner.y - 6 &&
          p.y <= corner.y + legend.height + 6)
        ++count;
    return count;
  };
  // A hidden marker is a hidden result; a line under the legend still shows on both sides.
  std::size_t best_markers = SIZE_MAX, best_drawn = SIZE_MAX;
  for (const Point& corner : corners) {
    const std::size_t m = covered(markers, corner), d = covered(drawn, corner);
    if (m < best_markers || (m == best_markers && d < best_drawn)) {
      best_markers = m;
      best_drawn = d;
      legend.left = corner.x;
      legend.top = corner.y;
    }
  }
  return best_markers;
}

// `text` at TextScale, cut short with "..." if it is wider than `room`.
std::string fitted_text(const std::string& text, double room) {
  if (text_width(text, TextScale) <= room) return text;
  std::string cut = text;
  while (!cut.empty() && text_width(cut + "...", TextScale) > room) {
    unsigned char last = 0;
    do {  // one whole code point: its continuation bytes, then its first byte
      last = static_cast<unsigned char>(cut.back());
      cut.pop_back();
    } while (!cut.empty() && (last & 0xC0) == 0x80);
  }
  return cut + "...";
}

// The title at TitleScale, or smaller, or cut short with "..." so that it fits the canvas.
std::pair<std::string, int> fitted_title(const std::string& title, double room) {
  if (text_width(title, TitleScale) <= room) return {title, TitleScale};
  return {fitted_text(title, room), TextScale};
}

void lay_out_x(Layout& layout, const PlotOptions& options, const std::vector<PlotSeries>& series, bool has_data,
               double x_lo, double x_hi);

// The y axis for the plot area's current height; its labels' width sets the left margin.
void lay_out_y(Layout& layout, bool has_data, double y_lo, double y_hi) {
  layout.y.ticks.clear();
  layout.y.pixel_lo = layout.plot_bottom;
  layout.y.pixel_hi = layout.plot_top;
  build_axis(layout.y, has_data, y_lo, y_hi, false);
  double widest = 0;
  for (const Tick& t : layout.y.ticks) widest = std::max(widest, text_width(t.label, TextScale));
  layout.plot_left = std::round(12 + TextHeight * TextScale + Gap + widest + Gap + TickLength);
}

Result<Layout> lay_out(const std::vector<PlotSeries>& series, const PlotOptions& options) {
  if (options.width < 320 || options.width > 4096 || options.height < 240 || options.height > 4096) {
    std::string message = "plot: the canvas must be 320..4096 by 240..4096 pixels, got ";
    message += std::to_string(options.width);
    message += 'x';
    message += std::to_string(options.height);
    return Error{message};
  }
  Layout layout;
  layout.width = options.width;
  layout.height = options.height;
  layout.x.log = options.log_x;
  layout.y.log = options.log_y;

  bool has_data = false;
  double x_lo = 0, x_hi = 0, y_lo = 0, y_hi = 0;
  for (const PlotSeries& s : series)
    for (const auto& [x, y] : s.points) {
      if (!layout.x.usable(x) || !layout.y.usable(y)) continue;
      x_lo = has_data ? std::min(x_lo, x) : x;
      x_hi = has_data ? std::max(x_hi, x) : x;
      y_lo = has_data ? std::min(y_lo, y) : y;
      y_hi = has_data ? std::max(y_hi, y) : y;
      has_data = true;
    }

  // Heights are fixed, so the y axis comes first; its labels' width then sets the left margin.
  const double text_h = TextHeight * TextScale;
  const std::string title = clean_label(options.title);
  layout.plot_top = title.empty() ? 20 : 16 + TextHeight * TitleScale + 16;
  layout.plot_bottom = options.height - std::round(TickLength + Gap + text_h + Gap + text_h + 12);
  lay_out_y(layout, has_data, y_lo, y_hi);
  layout.plot_right = options.width - 40;
  if (layout.plot_right - layout.plot_left < 60 || layout.plot_bottom - layout.plot_top < 60)
    return Error{"plot: the canvas leaves no room for the plot area; make it larger"};
  lay_out_x(layout, options, series, has_data, x_lo, x_hi);

  if (!series.empty()) {
    Legend& legend = layout.legend;
    legend.shown = true;
    double widest_label = 0;
    for (const std::string& label : layout.labels) widest_label = std::max(widest_label, text_width(label, TextScale));
    legend.width = std::round(2 * LegendPad + LegendSample + Gap + widest_label);
    legend.height = std::round(2 * LegendPad + static_cast<double>(series.size()) * legend.row_height);
    // Every corner hides a marker, or the legend is wider than the plot (long labels, such as a
    // mix of peer classes): it goes under the axis label, in two columns if they fit, and the
    // plot gets shorter to make room (if enough is left of it).
    const double column_width = LegendSample + Gap + widest_label + 2 * LegendPad;
    const bool inside = legend.width + 20 <= layout.plot_right - layout.plot_left;
    const std::size_t columns = 2 * column_width + 24 <= options.width ? 2 : 1;
    const std::size_t rows = (series.size() + columns - 1) / columns;
    const double below = 2 * LegendPad + static_cast<double>(rows) * legend.row_height + Gap;
    const std::size_t hidden = place_legend(layout);
    if ((!inside || (hidden > 0 && columns == 2)) && column_width + 24 <= options.width &&
        layout.plot_bottom - below - layout.plot_top >= 120) {
      legend.rows = rows;
      legend.column_width = column_width;
      legend.width = std::round(static_cast<double>(columns) * column_width);
      legend.height = below - Gap;
      layout.plot_bottom -= below;
      lay_out_y(layout, has_data, y_lo, y_hi);
      lay_out_x(layout, options, series, has_data, x_lo, x_hi);
      legend.left = (options.width - legend.width) / 2;
      legend.top = layout.plot_bottom + TickLength + Gap + 2 * text_h + 2 * Gap;
    }
    legend.left = std::round(legend.left);
    legend.top = std::round(legend.top);
  }
  return layout;
}

// The x axis, the texts and the series in pixels, for the plot area's current width.
void lay_out_x(Layout& layout, const PlotOptions& options, const std::vector<PlotSeries>& series, bool has_data,
               double x_lo, double x_hi) {
  layout.x.ticks.clear();
  layout.texts.clear();
  layout.series.clear();
  layout.labels.clear();
  layout.x.pixel_lo = layout.plot_left;
  layout.x.pixel_hi = layout.plot_right;
  build_axis(layout.x, has_data, x_lo, x_hi, true);

  const double text_h = TextHeight * TextScale;
  const std::string title = clean_label(options.title);
  for (const Tick& t : layout.x.ticks)
    if (!t.label.empty())
      layout.texts.push_back({t.pixel, layout.plot_bottom + TickLength + Gap, t.label, TextScale, Anchor::Middle, false, "tick"});
  for (const Tick& t : layout.y.ticks)
    if (!t.label.empty())
      layout.texts.push_back({layout.plot_left - TickLength - Gap, t.pixel - CapHeight * TextScale / 2, t.label, TextScale,
                              Anchor::End, false, "tick"});
  const double plot_middle_x = (layout.plot_left + layout.plot_right) / 2;
  const auto [title_text, title_scale] = fitted_title(title, options.width - 24.0);
  layout.texts.push_back({options.width / 2.0, 16, title_text, title_scale, Anchor::Middle, false, "title"});
  layout.texts.push_back({plot_middle_x, layout.plot_bottom + TickLength + Gap + text_h + Gap, clean_label(options.x_label),
                          TextScale, Anchor::Middle, false, "axis-label"});
  layout.texts.push_back({12, (layout.plot_top + layout.plot_bottom) / 2, clean_label(options.y_label), TextScale,
                          Anchor::Middle, true, "axis-label"});

  for (const PlotSeries& s : series) {
    SeriesPixels pixels;
    std::vector<Point> run;
    for (const auto& [x, y] : s.points) {
      if (!layout.x.usable(x) || !layout.y.usable(y)) {
        if (!run.empty()) pixels.runs.push_back(std::move(run));
        run.clear();
        continue;
      }
      const Point p{layout.x.pixel(x), layout.y.pixel(y)};
      if (s.line) run.push_back(p);
      else pixels.markers.push_back(p);
    }
    if (!run.empty()) pixels.runs.push_back(std::move(run));
    layout.series.push_back(std::move(pixels));
    // A legend row fits the canvas, even under the plot.
    layout.labels.push_back(fitted_text(clean_label(s.label), options.width - 24 - 2 * LegendPad - LegendSample - Gap));
  }
}

// The centre of the pixel row or column a 1-pixel line at p covers, for crisp lines.
double crisp(double p) { return std::floor(p) + 0.5; }

std::array<Point, 3> triangle_corners(Point c) {
  const double half_base = TriangleRadius * std::sqrt(3.0) / 2;
  return {Point{c.x, c.y - TriangleRadius}, Point{c.x + half_base, c.y + TriangleRadius / 2},
          Point{c.x - half_base, c.y + TriangleRadius / 2}};
}

// ---- SVG -------------------------------------------------------------------------------------

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string hex(std::uint32_t color) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%06x", static_cast<unsigned>(color & 0xFFFFFF));
  return buf;
}

std::string slug(const std::string& label) {
  std::string out;
  for (const char c : label) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (word) out += c;
    else if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

void svg_line(std::string& out, double x1, double y1, double x2, double y2, std::uint32_t color) {
  out += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) + "\" stroke=\"";
  out += hex(color);
  out += "\"/>\n";
}

void svg_text(std::string& out, const Text& t, std::uint32_t color) {
  const char* anchor = t.anchor == Anchor::Start ? "start" : t.anchor == Anchor::Middle ? "middle" : "end";
  out += "<text class=\"" + t.css_class + "\" ";
  if (t.vertical) {
    const double baseline_x = t.x + CapHeight * t.scale;
    out += "x=\"" + num(baseline_x) + "\" y=\"" + num(t.top) + "\" transform=\"rotate(-90 ";
    out += num(baseline_x) + " " + num(t.top) + ")\"";
  } else {
    out += "x=\"" + num(t.x) + "\" y=\"" + num(t.top + CapHeight * t.scale) + "\"";
  }
  out += " font-size=\"" + num(FontSizePerScale * t.scale) + "\" text-anchor=\"";
  out += anchor;
  out += "\" fill=\"";
  out += hex(color);
  out += "\">";
  out += xml_escaped(t.text);
  out += "</text>\n";
}

void svg_marker(std::string& out, Marker marker, Point c, std::uint32_t color) {
  const std::string fill = hex(color);
  switch (marker) {
    case Marker::Circle:
      out += "<circle class=\"marker\" cx=\"" + num(c.x) + "\" cy=\"" + num(c.y) + "\" r=\"" + num(MarkerRadius);
      break;
    case Marker::Square:
      out += "<rect class=\"marker\" x=\"" + num(c.x - SquareHalf) + "\" y=\"" + num(c.y - SquareHalf) + "\" width=\"" +
             num(2 * SquareHalf) + "\" height=\"" + num(2 * SquareHalf);
      break;
    case Marker::Triangle: {
      out += "<polygon class=\"marker\" points=\"";
      for (const Point& p : triangle_corners(c)) out += num(p.x) + "," + num(p.y) + " ";
      out.pop_back();
      break;
    }
  }
  out += "\" fill=\"" + fill + "\"/>\n";
}

void svg_polyline(std::string& out, const std::vector<Point>& run, std::uint32_t color) {
  std::string d = "M" + num(run[0].x) + " " + num(run[0].y);
  // A lone point is a zero-length segment, which a round cap draws as a dot.
  for (std::size_t i = run.size() == 1 ? 0 : 1; i < run.size(); ++i) d += " L" + num(run[i].x) + " " + num(run[i].y);
  out += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + hex(color) + "\" stroke-width=\"" + num(LineWidth);
  out += "\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>\n";
}

std::string render_svg(const Layout& l, const std::vector<PlotSeries>& series) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(l.width) + "\" height=\"" +
         std::to_string(l.height) + "\" viewBox=\"0 0 " + std::to_string(l.width) + " " + std::to_string(l.height);
  out += "\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n";
  out += "<rect class=\"background\" width=\"" + std::to_string(l.width) + "\" height=\"" + std::to_string(l.height);
  out += "\" fill=\"#ffffff\"/>\n";

  out += "<g class=\"grid\" stroke-width=\"1\">\n";
  for (const bool major : {false, true}) {
    for (const Tick& t : l.x.ticks)
      if (t.major == major) svg_line(out, crisp(t.pixel), l.plot_top, crisp(t.pixel), l.plot_bottom, major ? MajorGrid : MinorGrid);
    for (const Tick& t : l.y.ticks)
      if (t.major == major) svg_line(out, l.plot_left, crisp(t.pixel), l.plot_right, crisp(t.pixel), major ? MajorGrid : MinorGrid);
  }
  out += "</g>\n<g class=\"axes\" stroke-width=\"1\">\n";
  out += "<rect x=\"" + num(crisp(l.plot_left)) + "\" y=\"" + num(crisp(l.plot_top)) + "\" width=\"" +
         num(crisp(l.plot_right) - crisp(l.plot_left)) + "\" height=\"" + num(crisp(l.plot_bottom) - crisp(l.plot_top));
  out += "\" fill=\"none\" stroke=\"" + hex(FrameColor) + "\"/>\n";
  for (const Tick& t : l.x.ticks)
    if (t.major) svg_line(out, crisp(t.pixel), l.plot_bottom, crisp(t.pixel), l.plot_bottom + TickLength, FrameColor);
  for (const Tick& t : l.y.ticks)
    if (t.major) svg_line(out, l.plot_left - TickLength, crisp(t.pixel), l.plot_left, crisp(t.pixel), FrameColor);
  out += "</g>\n";
  for (const Text& t : l.texts) svg_text(out, t, Ink);

  for (std::size_t i = 0; i < series.size(); ++i) {
    const PlotSeries& s = series[i];
    std::string id = "series-" + std::to_string(i);
    if (const std::string name = slug(l.labels[i]); !name.empty()) id += "-" + name;
    out += "<g class=\"series ";
    out += s.line ? "line" : "points";
    out += "\" id=\"" + id + "\" data-label=\"" + xml_escaped(l.labels[i]) + "\">\n";
    for (const auto& run : l.series[i].runs) svg_polyline(out, run, s.color);
    for (const Point& p : l.series[i].markers) svg_marker(out, s.marker, p, s.color);
    out += "</g>\n";
  }

  if (l.legend.shown) {
    const Legend& g = l.legend;
    out += "<g class=\"legend\">\n";
    out += "<rect x=\"" + num(crisp(g.left)) + "\" y=\"" + num(crisp(g.top)) + "\" width=\"" + num(g.width) + "\" height=\"" +
           num(g.height) + "\" fill=\"#ffffff\" stroke=\"" + hex(LegendBorder) + "\"/>\n";
    for (std::size_t i = 0; i < series.size(); ++i) {
      const Point c = g.sample_center(i);
      if (series[i].line) svg_polyline(out, {{c.x - LegendSample / 2, c.y}, {c.x + LegendSample / 2, c.y}}, series[i].color);
      else svg_marker(out, series[i].marker, c, series[i].color);
      svg_text(out, {c.x + LegendSample / 2 + Gap, c.y - CapHeight * TextScale / 2, l.labels[i], TextScale, Anchor::Start, false, "legend-label"}, Ink);
    }
    out += "</g>\n";
  }
  out += "</svg>\n";
  return out;
}

// ---- PNG -------------------------------------------------------------------------------------

// An RGB raster. Shapes are drawn into a coverage mask first (the largest coverage of any
// piece wins), then blended once, so a polyline's overlapping segments do not darken joins.
class Canvas {
 public:
  Canvas(int width, int height)
      : width_(width), height_(height), rgb_(static_cast<std::size_t>(width) * height * 3, 255),
        mask_(static_cast<std::size_t>(width) * height, 0) {}

  // Pixels whose centres lie in [x0, x1) x [y0, y1), without anti-aliasing.
  void fill_rect(double x0, double y0, double x1, double y1, std::uint32_t color) {
    const int left = std::max(0, static_cast<int>(std::ceil(x0 - 0.5)));
    const int right = std::min(width_, static_cast<int>(std::ceil(x1 - 0.5)));
    const int top = std::max(0, static_cast<int>(std::ceil(y0 - 0.5)));
    const int bottom = std::min(height_, static_cast<int>(std::ceil(y1 - 0.5)));
    for (int y = top; y < bottom; ++y)
      for (int x = left; x < right; ++x) blend(x, y, color, 1.0);
  }

  // A 1-pixel line on the pixel row or column through p, as the SVG's crisp lines.
  void hline(double x0, double x1, double y, std::uint32_t color) { fill_rect(x0, std::floor(y), x1, std::floor(y) + 1, color); }
  void vline(double x, double y0, double y1, std::uint32_t color) { fill_rect(std::floor(x), y0, std::floor(x) + 1, y1, color); }

  // Adds a shape given by its signed distance to the pixel centre (positive inside), over the
  // pixels of a bounding box; coverage rises from 0 to 1 across the edge's pixel.
  template <class Inside>
  void cover(double x0, double y0, double x1, double y1, Inside inside) {
    const int left = std::max(0, static_cast<int>(std::floor(x0)) - 1);
    const int right = std::min(width_, static_cast<int>(std::ceil(x1)) + 1);
    const int top = std::max(0, static_cast<int>(std::floor(y0)) - 1);
    const int bottom = std::min(height_, static_cast<int>(std::ceil(y1)) + 1);
    for (int y = top; y < bottom; ++y)
      for (int x = left; x < right; ++x) {
        const double coverage = std::clamp(0.5 + inside(x + 0.5, y + 0.5), 0.0, 1.0);
        auto& m = mask_[static_cast<std::size_t>(y) * width_ + x];
        m = std::max(m, static_cast<std::uint8_t>(std::lround(coverage * 255)));
      }
    if (left < right && top < bottom) {
      dirty_left_ = std::min(dirty_left_, left);
      dirty_right_ = std::max(dirty_right_, right);
      dirty_top_ = std::min(dirty_top_, top);
      dirty_bottom_ = std::max(dirty_bottom_, bottom);
    }
  }

  void flush(std::uint32_t color) {
    for (int y = dirty_top_; y < dirty_bottom_; ++y)
      for (int x = dirty_left_; x < dirty_right_; ++x) {
        auto& m = mask_[static_cast<std::size_t>(y) * width_ + x];
        if (m != 0) blend(x, y, color, m / 255.0);
        m = 0;
      }
    dirty_left_ = dirty_top_ = INT32_MAX;
    dirty_right_ = dirty_bottom_ = 0;
  }

  const std::vector<std::uint8_t>& rgb() const { return rgb_; }

 private:
  void blend(int x, int y, std::uint32_t color, double alpha) {
    std::uint8_t* p = &rgb_[(static_cast<std::size_t>(y) * width_ + x) * 3];
    for (int channel = 0; channel < 3; ++channel) {
      const double source = (color >> (16 - 8 * channel)) & 0xFF;
      p[channel] = static_cast<std::uint8_t>(std::lround(source * alpha + p[channel] * (1 - alpha)));
    }
  }

  int width_, height_;
  std::vector<std::uint8_t> rgb_;
  std::vector<std::uint8_t> mask_;
  int dirty_left_ = INT32_MAX, dirty_top_ = INT32_MAX, dirty_right_ = 0, dirty_bottom_ = 0;
};

double segment_distance(Point p, Point a, Point b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double length2 = dx * dx + dy * dy;
  const double t = length2 == 0 ? 0 : std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / length2, 0.0, 1.0);
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

void raster_run(Canvas& canvas, const std::vector<Point>& run) {
  const double half = LineWidth / 2;
  for (std::size_t i = 0; i < run.size(); ++i) {
    const Point a = run[i], b = run[i + 1 < run.size() ? i + 1 : i];
    canvas.cover(std::min(a.x, b.x) - half, std::min(a.y, b.y) - half, std::max(a.x, b.x) + half,
                 std::max(a.y, b.y) + half, [&](double x, double y) { return half - segment_distance({x, y}, a, b); });
  }
}

void raster_marker(Canvas& canvas, Marker marker, Point c) {
  const double r = TriangleRadius;
  switch (marker) {
    case Marker::Circle:
      canvas.cover(c.x - r, c.y - r, c.x + r, c.y + r,
                   [&](double x, double y) { return MarkerRadius - std::hypot(x - c.x, y - c.y); });
      break;
    case Marker::Square:
      canvas.cover(c.x - r, c.y - r, c.x + r, c.y + r, [&](double x, double y) {
        return std::min(SquareHalf - std::fabs(x - c.x), SquareHalf - std::fabs(y - c.y));
      });
      break;
    case Marker::Triangle: {
      const auto corners = triangle_corners(c);
      canvas.cover(c.x - r, c.y - r, c.x + r, c.y + r, [&](double x, double y) {
        double inside = 1e9;
        for (std::size_t k = 0; k < 3; ++k) {
          const Point a = corners[k], b = corners[(k + 1) % 3];
          // The corners run clockwise on screen, so the inside is to the right of each edge.
          const double ex = b.x - a.x, ey = b.y - a.y;
          inside = std::min(inside, (ex * (y - a.y) - ey * (x - a.x)) / std::hypot(ex, ey));
        }
        return inside;
      });
      break;
    }
  }
}

void raster_text(Canvas& canvas, const Text& t, std::uint32_t color) {
  std::string ascii = ascii_of(t.text);
  if (ascii.empty()) return;
  const double width = stb_easy_font_width(ascii.data()) * static_cast<double>(t.scale);
  const double shift = t.anchor == Anchor::Start ? 0 : t.anchor == Anchor::Middle ? width / 2 : width;
  std::vector<char> vertices(ascii.size() * 64 * 24 + 64);  // 64 bytes a quad, far fewer than 24 quads a glyph
  const int quads = stb_easy_font_print(0, 0, ascii.data(), nullptr, vertices.data(), static_cast<int>(vertices.size()));
  const double s = t.scale;
  // Whole-pixel origins keep each stroke exactly scale pixels wide.
  const double along = std::round(t.vertical ? t.top + shift : t.x - shift);
  const double across = std::round(t.vertical ? t.x : t.top);
  for (int q = 0; q < quads; ++q) {
    float corner[2][2];  // a quad's first vertex and the opposite one, 16 bytes a vertex
    std::memcpy(corner[0], vertices.data() + q * 64, sizeof corner[0]);
    std::memcpy(corner[1], vertices.data() + q * 64 + 32, sizeof corner[1]);
    const double u0 = std::min(corner[0][0], corner[1][0]) * s, u1 = std::max(corner[0][0], corner[1][0]) * s;
    const double v0 = std::min(corner[0][1], corner[1][1]) * s, v1 = std::max(corner[0][1], corner[1][1]) * s;
    if (t.vertical) canvas.fill_rect(across + v0, along - u1, across + v1, along - u0, color);
    else canvas.fill_rect(along + u0, across + v0, along + u1, across + v1, color);
  }
}

void append_bytes(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

Result<std::string> render_png(const Layout& l, const std::vector<PlotSeries>& series) {
  Canvas canvas(l.width, l.height);
  for (const bool major : {false, true}) {
    for (const Tick& t : l.x.ticks)
      if (t.major == major) canvas.vline(t.pixel, l.plot_top, l.plot_bottom, major ? MajorGrid : MinorGrid);
    for (const Tick& t : l.y.ticks)
      if (t.major == major) canvas.hline(l.plot_left, l.plot_right, t.pixel, major ? MajorGrid : MinorGrid);
  }
  canvas.hline(l.plot_left, l.plot_right + 1, l.plot_top, FrameColor);
  canvas.hline(l.plot_left, l.plot_right + 1, l.plot_bottom, FrameColor);
  canvas.vline(l.plot_left, l.plot_top, l.plot_bottom + 1, FrameColor);
  canvas.vline(l.plot_right, l.plot_top, l.plot_bottom + 1, FrameColor);
  for (const Tick& t : l.x.ticks)
    if (t.major) canvas.vline(t.pixel, l.plot_bottom, l.plot_bottom + TickLength, FrameColor);
  for (const Tick& t : l.y.ticks)
    if (t.major) canvas.hline(l.plot_left - TickLength, l.plot_left, t.pixel, FrameColor);
  for (const Text& t : l.texts) raster_text(canvas, t, Ink);

  for (std::size_t i = 0; i < series.size(); ++i) {
    for (const auto& run : l.series[i].runs) raster_run(canvas, run);
    for (const Point& p : l.series[i].markers) raster_marker(canvas, series[i].marker, p);
    canvas.flush(series[i].color);
  }

  if (l.legend.shown) {
    const Legend& g = l.legend;
    canvas.fill_rect(g.left, g.top, g.left + g.width + 1, g.top + g.height + 1, White);
    canvas.hline(g.left, g.left + g.width + 1, g.top, LegendBorder);
    canvas.hline(g.left, g.left + g.width + 1, g.top + g.height, LegendBorder);
    canvas.vline(g.left, g.top, g.top + g.height + 1, LegendBorder);
    canvas.vline(g.left + g.width, g.top, g.top + g.height + 1, LegendBorder);
    for (std::size_t i = 0; i < series.size(); ++i) {
      const Point c = g.sample_center(i);
      if (series[i].line) raster_run(canvas, {{c.x - LegendSample / 2, c.y}, {c.x + LegendSample / 2, c.y}});
      else raster_marker(canvas, series[i].marker, c);
      canvas.flush(series[i].color);
      raster_text(canvas, {c.x + LegendSample / 2 + Gap, c.y - CapHeight * TextScale / 2, l.labels[i], TextScale, Anchor::Start, false, ""}, Ink);
    }
  }

  std::string png;
  if (stbi_write_png_to_func(append_bytes, &png, l.width, l.height, 3, canvas.rgb().data(), l.width * 3) == 0)
    return Error{"plot: the PNG encoder failed"};
  return png;
}

}  // namespace

Result<std::string> plot_svg(const std::vector<PlotSeries>& series, const PlotOptions& options) {
  Result<Layout> layout = lay_out(series, options);
  if (!layout) return Error{layout.error()};
  return render_svg(*layout, series);
}

Result<std::string> plot_png(const std::vector<PlotSeries>& series, const PlotOptions& options) {
  Result<Layout> layout = lay_out(series, options);
  if (!layout) return Error{layout.error()};
  return render_png(*layout, series);
}

std::uint32_t mode_color(std::string_view mode, std::size_t shade) {
  // Okabe-Ito's colour-blind-safe vermilion, blue and bluish green, each with darker and
  // lighter companions for a second, third and fourth u.
  static constexpr std::array<std::uint32_t, 4> client_server{0xD55E00, 0x8A3B00, 0xE69F00, 0xB0306A};
  static constexpr std::array<std::uint32_t, 4> p2p_ideal{0x0072B2, 0x56B4E9, 0x003F6B, 0x6A5ACD};
  static constexpr std::array<std::uint32_t, 4> bittorrent{0x009E73, 0x005C43, 0x4CC29A, 0x7A8F00};
  static constexpr std::array<std::uint32_t, 4> other{0x555555, 0x888888, 0x222222, 0xAAAAAA};
  const auto& palette = mode == "client-server" ? client_server
                        : mode == "p2p-ideal"   ? p2p_ideal
                        : mode == "bittorrent"  ? bittorrent
                                                : other;
  return palette[shade % palette.size()];
}

Marker mode_marker(std::string_view mode) {
  if (mode == "client-server") return Marker::Square;
  if (mode == "p2p-ideal") return Marker::Triangle;
  return Marker::Circle;
}

}  // namespace wiresim::bittorrent
