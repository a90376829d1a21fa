// The distribution-time chart: well-formed SVG with every label and marker, axes that place
// points where the scale says, and a PNG of the same layout with the series' colours.
#include <doctest/doctest.h>

#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "protocols/bittorrent/distribution_plot.hpp"

using namespace wiresim::bittorrent;

namespace {

// Tags balance, attribute quotes pair up and every '&' starts one of XML's five entities.
bool well_formed(const std::string& xml) {
  std::vector<std::string> open;
  std::size_t i = 0;
  while ((i = xml.find('<', i)) != std::string::npos) {
    const std::size_t end = xml.find('>', i);
    if (end == std::string::npos) return false;
    const std::string tag = xml.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag.empty()) return false;
    if (tag[0] == '?') continue;
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return false;
      open.pop_back();
      continue;
    }
    std::size_t quotes = 0;
    for (const char c : tag) quotes += c == '"';
    if (quotes % 2 != 0) return false;
    if (tag.back() != '/') open.push_back(tag.substr(0, tag.find(' ')));
  }
  for (std::size_t amp = xml.find('&'); amp != std::string::npos; amp = xml.find('&', amp + 1)) {
    bool entity = false;
    for (const char* name : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"}) entity = entity || xml.compare(amp, std::strlen(name), name) == 0;
    if (!entity) return false;
  }
  return open.empty() && xml.find("<svg ") != std::string::npos;
}

// The text of the <g> whose id starts with "series-<index>".
std::string series_group(const std::string& svg, std::size_t index) {
  std::string key = "id=\"series-";
  key += std::to_string(index);
  std::size_t at = svg.find(key + "\"");
  if (at == std::string::npos) at = svg.find(key + "-");
  if (at == std::string::npos) return "";
  return svg.substr(at, svg.find("</g>", at) - at);
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// Every value of attribute name="..." in text, in order.
std::vector<double> attribute_values(const std::string& text, const std::string& name) {
  std::vector<double> values;
  const std::string key = " " + name + "=\"";
  for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + 1))
    values.push_back(std::strtod(text.c_str() + at + key.size(), nullptr));
  return values;
}

PlotSeries markers(std::string label, std::uint32_t color, Marker marker, std::vector<std::pair<double, double>> points) {
  return {std::move(label), false, color, marker, std::move(points)};
}

PlotSeries line(std::string label, std::uint32_t color, std::vector<std::pair<double, double>> points) {
  return {std::move(label), true, color, Marker::Circle, std::move(points)};
}

std::string svg_of(const std::vector<PlotSeries>& series, const PlotOptions& options) {
  auto svg = plot_svg(series, options);
  REQUIRE(svg.ok());
  return *svg;
}

struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<unsigned char> rgb;
  std::uint32_t at(int x, int y) const {
    const unsigned char* p = &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
    return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
  }
  bool has_color_near(double cx, double cy, std::uint32_t color, int radius) const {
    for (int y = static_cast<int>(cy) - radius; y <= static_cast<int>(cy) + radius; ++y)
      for (int x = static_cast<int>(cx) - radius; x <= static_cast<int>(cx) + radius; ++x)
        if (x >= 0 && y >= 0 && x < width && y < height && at(x, y) == color) return true;
    return false;
  }
};

Image decode(const std::string& png) {
  Image image;
  unsigned char* pixels = stbi_load_from_memory(reinterpret_cast<const unsigned char*>(png.data()), static_cast<int>(png.size()),
                                                &image.width, &image.height, &image.channels, 3);
  REQUIRE(pixels != nullptr);
  image.rgb.assign(pixels, pixels + static_cast<std::size_t>(image.width) * image.height * 3);
  stbi_image_free(pixels);
  return image;
}

}  // namespace

TEST_CASE("the SVG is well-formed XML with the title, axis labels and every series label escaped") {
  PlotOptions options;
  options.title = "F = 15 Gbit & us = 30 Mbps";
  options.y_label = "time <s>";
  const std::string svg = svg_of({line("client-server (theory)", 0xD55E00, {{1, 7500}, {1000, 500000}}),
                                  markers("a < b & \"c\" > 'd'", 0x009E73, Marker::Circle, {{10, 8000}})},
                                 options);
  CHECK(well_formed(svg));
  CHECK(svg.find("viewBox=\"0 0 960 600\"") != std::string::npos);
  CHECK(svg.find(">F = 15 Gbit &amp; us = 30 Mbps</text>") != std::string::npos);
  CHECK(svg.find(">N (peers)</text>") != std::string::npos);
  CHECK(svg.find(">time &lt;s&gt;</text>") != std::string::npos);
  CHECK(svg.find(">client-server (theory)</text>") != std::string::npos);
  CHECK(svg.find(">a &lt; b &amp; &quot;c&quot; &gt; &apos;d&apos;</text>") != std::string::npos);
  CHECK(svg.find("id=\"series-0-client-server-theory\"") != std::string::npos);
  CHECK(svg.find("<g class=\"legend\">") != std::string::npos);
}

TEST_CASE("each series group holds one marker per point, and a theory line none") {
  const std::string svg = svg_of({line("theory", 0x0072B2, {{1, 1}, {2, 2}, {3, 3}, {4, 4}}),
                                  markers("circles", 0x009E73, Marker::Circle, {{1, 2}, {2, 3}, {3, 4}}),
                                  markers("squares", 0xD55E00, Marker::Square, {{1, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}}),
                                  markers("triangles", 0x56B4E9, Marker::Triangle, {{5, 5}, {6, 6}})},
                                 {});
  CHECK(count(series_group(svg, 0), "class=\"marker\"") == 0);
  CHECK(count(series_group(svg, 0), "<path ") == 1);
  CHECK(count(series_group(svg, 1), "<circle class=\"marker\"") == 3);
  CHECK(count(series_group(svg, 2), "<rect class=\"marker\"") == 5);
  CHECK(count(series_group(svg, 3), "<polygon class=\"marker\"") == 2);
  // The legend shows each series once: a sample line or marker and its label.
  CHECK(count(svg, ">circles</text>") == 1);
  CHECK(count(svg, "class=\"marker\"") == 3 + 5 + 2 + 3);
}

TEST_CASE("a log x axis puts N = 10 exactly midway between N = 1 and N = 100") {
  PlotOptions options;
  options.log_x = true;
  const std::string group = series_group(svg_of({markers("p", 0x009E73, Marker::Circle, {{1, 5}, {10, 5}, {100, 5}})}, options), 0);
  const std::vector<double> cx = attribute_values(group, "cx");
  REQUIRE(cx.size() == 3);
  CHECK(cx[1] - cx[0] > 100);
  CHECK(std::fabs((cx[0] + cx[2]) / 2 - cx[1]) <= 0.011);  // the SVG keeps two decimals
}

TEST_CASE("a linear axis places values in proportion, from zero") {
  const std::string group = series_group(svg_of({markers("p", 0x009E73, Marker::Circle, {{250, 10}, {500, 20}, {1000, 40}})}, {}), 0);
  const std::vector<double> cx = attribute_values(group, "cx");
  const std::vector<double> cy = attribute_values(group, "cy");
  REQUIRE(cx.size() == 3);
  // Zero lies at x0 = 2 cx(250) - cx(500); 1000 is then twice as far from it as 500.
  const double x0 = 2 * cx[0] - cx[1];
  CHECK(std::fabs((cx[2] - x0) - 2 * (cx[1] - x0)) <= 0.02);
  const double y0 = 2 * cy[0] - cy[1];
  CHECK(std::fabs((cy[2] - y0) - 2 * (cy[1] - y0)) <= 0.02);
  CHECK(cy[2] < cy[0]);  // larger times are higher up
}

TEST_CASE("tick labels step 1-2-5 and read as grouped numbers or exponents") {
  // The y axis of a 960x600 chart is 472 pixels, room for 7 steps of 60: 500,000 s / 7 is
  // 71,429, which rounds up to 100,000; x has 789 pixels, 7 steps of 100: 143 rounds up to 200.
  const std::string linear = svg_of({line("cs", 0xD55E00, {{1, 7500}, {1000, 500000}})}, {});
  for (const char* label : {">0</text>", ">100,000</text>", ">500,000</text>", ">200</text>", ">1,000</text>"})
    CHECK(linear.find(label) != std::string::npos);
  CHECK(linear.find(">600,000</text>") == std::string::npos);
  CHECK(linear.find(">50,000</text>") == std::string::npos);

  const std::string huge = svg_of({line("big", 0xD55E00, {{1, 1.5e8}})}, {});
  // 1.5e8 / 7 is 2.1e7, which rounds up to 5e7.
  CHECK(huge.find(">5e7</text>") != std::string::npos);
  CHECK(huge.find(">1.5e8</text>") != std::string::npos);
  CHECK(huge.find(">2e8</text>") == std::string::npos);

  PlotOptions log;
  log.log_x = log.log_y = true;
  // x spans two decades (1..100): 2 and 5 are labelled; y spans three (1,000..1,000,000): not.
  const std::string svg = svg_of({line("p2p", 0x0072B2, {{1, 7500}, {100, 500000}})}, log);
  for (const char* label : {">1</text>", ">2</text>", ">5</text>", ">20</text>", ">50</text>", ">100</text>", ">1,000</text>",
                            ">1,000,000</text>"})
    CHECK(svg.find(label) != std::string::npos);
  CHECK(svg.find(">2,000</text>") == std::string::npos);
}

TEST_CASE("points a log axis cannot show are left out and break the line") {
  PlotOptions options;
  options.log_y = true;
  const double nan = std::nan(""), inf = HUGE_VAL;
  const std::string svg = svg_of({markers("m", 0x009E73, Marker::Circle, {{1, 0}, {2, -5}, {3, nan}, {4, inf}, {5, 7500}, {nan, 1}}),
                                  line("l", 0x0072B2, {{1, 10}, {2, 0}, {3, 10}, {4, 20}})},
                                 options);
  CHECK(well_formed(svg));
  CHECK(count(series_group(svg, 0), "class=\"marker\"") == 1);
  CHECK(count(series_group(svg, 1), "<path ") == 2);
  CHECK(svg.find("nan") == std::string::npos);
  CHECK(svg.find("inf") == std::string::npos);
  CHECK(plot_png({line("only zero", 0x0072B2, {{0, 0}})}, {.log_x = true, .log_y = true}).ok());
}

TEST_CASE("an empty series list draws the axes, the title and no legend") {
  const std::string svg = svg_of({}, {});
  CHECK(well_formed(svg));
  CHECK(svg.find(">Distribution time vs N</text>") != std::string::npos);
  CHECK(svg.find("<g class=\"axes\"") != std::string::npos);
  CHECK(svg.find(">0</text>") != std::string::npos);
  CHECK(svg.find(">1</text>") != std::string::npos);
  CHECK(svg.find("class=\"legend\"") == std::string::npos);
  CHECK(plot_png({}, {.log_x = true, .log_y = true}).ok());
}

TEST_CASE("one point, on log axes, sits in the middle of the plot") {
  PlotOptions options;
  options.log_x = options.log_y = true;
  const std::string svg = svg_of({markers("one", 0x009E73, Marker::Circle, {{10, 1000}})}, options);
  const std::string axes = svg.substr(svg.find("<g class=\"axes\""));
  const double left = attribute_values(axes, "x")[0], width = attribute_values(axes, "width")[0];
  const double top = attribute_values(axes, "y")[0], height = attribute_values(axes, "height")[0];
  const std::string group = series_group(svg, 0);
  // 10 on [1, 100] and 1000 on [100, 10,000]; the frame is drawn on pixel centres, 0.5 off.
  CHECK(std::fabs(attribute_values(group, "cx")[0] - (left - 0.5 + width / 2)) <= 0.011);
  CHECK(std::fabs(attribute_values(group, "cy")[0] - (top - 0.5 + height / 2)) <= 0.011);
  CHECK(svg.find(">100</text>") != std::string::npos);
  CHECK(svg.find(">10,000</text>") != std::string::npos);
}

TEST_CASE("equal values on a linear axis still give a range") {
  const std::string svg = svg_of({markers("same", 0x009E73, Marker::Circle, {{0, 0}, {0, 0}})}, {});
  CHECK(well_formed(svg));
  CHECK(count(series_group(svg, 0), "class=\"marker\"") == 2);
  CHECK(svg.find("nan") == std::string::npos);
}

TEST_CASE("labels with control characters and broken UTF-8 stay well-formed") {
  PlotOptions options;
  options.title = "caf\xC3\xA9\x01 \xFF\xC0\xAF end";
  const std::string svg = svg_of({line("\x1B[31m", 0x0072B2, {{1, 1}})}, options);
  CHECK(well_formed(svg));
  CHECK(svg.find(">caf\xC3\xA9  \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end</text>") != std::string::npos);
  CHECK(svg.find('\x01') == std::string::npos);
  CHECK(svg.find('\x1B') == std::string::npos);
  CHECK(plot_png({line("\x1B[31m \xFF", 0x0072B2, {{1, 1}})}, options).ok());
}

TEST_CASE("a canvas outside the size limits is an error") {
  PlotOptions options;
  options.width = 100;
  const auto svg = plot_svg({}, options);
  REQUIRE_FALSE(svg.ok());
  CHECK(svg.error() == "plot: the canvas must be 320..4096 by 240..4096 pixels, got 100x600");
  options.width = 960;
  options.height = 100000;
  CHECK_FALSE(plot_png({}, options).ok());
}

TEST_CASE("the PNG decodes to the canvas size, mostly white, with each series' colour at its points") {
  PlotOptions options;
  options.log_x = options.log_y = true;
  const std::vector<PlotSeries> series{line("cs", 0xD55E00, {{1, 7500}, {15, 7500}, {1000, 500000}}),
                                       markers("bt", 0x009E73, Marker::Circle, {{10, 20000}, {300, 30000}}),
                                       markers("ideal", 0x0072B2, Marker::Triangle, {{100, 2000}}),
                                       markers("sq", 0xE69F00, Marker::Square, {{3, 100000}})};
  const auto png = plot_png(series, options);
  REQUIRE(png.ok());
  REQUIRE(png->size() > 8);
  CHECK(png->compare(0, 8, "\x89PNG\r\n\x1A\n") == 0);
  const Image image = decode(*png);
  CHECK(image.width == 960);
  CHECK(image.height == 600);
  CHECK(image.channels == 3);

  std::size_t white = 0;
  for (int y = 0; y < image.height; ++y)
    for (int x = 0; x < image.width; ++x) white += image.at(x, y) == 0xFFFFFF;
  CHECK(white > image.rgb.size() / 3 * 7 / 10);

  // The SVG of the same input says where each point is drawn.
  const std::string svg = svg_of(series, options);
  const std::string line_path = series_group(svg, 0);
  const std::size_t d = line_path.find(" d=\"M") + 5;
  const double line_x = std::strtod(line_path.c_str() + d, nullptr);
  const double line_y = std::strtod(line_path.c_str() + line_path.find(' ', d) + 1, nullptr);
  CHECK(image.at(static_cast<int>(line_x), static_cast<int>(line_y)) == 0xD55E00);
  for (std::size_t i = 1; i < series.size(); ++i) {
    const std::string group = series_group(svg, i);
    std::vector<double> xs = attribute_values(group, "cx"), ys = attribute_values(group, "cy");
    if (series[i].marker == Marker::Square) {
      xs = attribute_values(group, "x");
      ys = attribute_values(group, "y");
      for (double& x : xs) x += 4.5;
      for (double& y : ys) y += 4.5;
    }
    if (series[i].marker == Marker::Triangle) {  // the first corner is the apex, 6 above the point
      const std::size_t at = group.find("points=\"") + 8;
      xs = {std::strtod(group.c_str() + at, nullptr)};
      ys = {std::strtod(group.c_str() + group.find(',', at) + 1, nullptr) + 6};
    }
    REQUIRE(xs.size() == series[i].points.size());
    for (std::size_t k = 0; k < xs.size(); ++k) {
      CHECK(image.at(static_cast<int>(xs[k]), static_cast<int>(ys[k])) == series[i].color);
      CHECK(image.has_color_near(xs[k], ys[k], series[i].color, 2));
    }
  }
  // The title is drawn in dark ink in the band above the plot.
  bool dark_title = false;
  for (int y = 0; y < 50 && !dark_title; ++y)
    for (int x = 0; x < image.width; ++x)
      if (image.at(x, y) == 0x222222) dark_title = true;
  CHECK(dark_title);
}

TEST_CASE("each mode keeps its colours and marker") {
  CHECK(mode_color("client-server", 0) == 0xD55E00);
  CHECK(mode_color("p2p-ideal", 0) == 0x0072B2);
  CHECK(mode_color("bittorrent", 0) == 0x009E73);
  CHECK(mode_color("bittorrent", 4) == mode_color("bittorrent", 0));
  CHECK(mode_color("bittorrent", 1) != mode_color("bittorrent", 0));
  CHECK(mode_color("carrier pigeon", 0) == 0x555555);
  CHECK(mode_marker("client-server") == Marker::Square);
  CHECK(mode_marker("p2p-ideal") == Marker::Triangle);
  CHECK(mode_marker("bittorrent") == Marker::Circle);
}

TEST_CASE("a legend that would hide a marker in every corner goes under the plot, in two columns") {
  PlotOptions options;
  options.log_x = options.log_y = true;
  // On log axes from 1 to 100 and 100 to 10,000, each point sits a little inside a corner.
  const std::vector<std::pair<double, double>> corners{{1.2, 120}, {80, 120}, {80, 8000}, {1.2, 8000}};
  const std::string svg = svg_of({markers("corners", 0x009E73, Marker::Circle, corners),
                                  markers("a second series", 0xD55E00, Marker::Square, {{10, 1000}}),
                                  markers("a third", 0x0072B2, Marker::Triangle, {{20, 2000}})},
                                 options);
  const std::string axes = svg.substr(svg.find("<g class=\"axes\""));
  const double plot_bottom = attribute_values(axes, "y")[0] + attribute_values(axes, "height")[0];
  const std::string legend = svg.substr(svg.find("<g class=\"legend\">"));
  const double legend_top = attribute_values(legend, "y")[0];
  CHECK(legend_top > plot_bottom + 40);  // under the tick labels and the axis label
  CHECK(legend_top + attribute_values(legend, "height")[0] <= 600);
  CHECK(attribute_values(legend, "x")[0] >= 0);
  CHECK(attribute_values(legend, "x")[0] + attribute_values(legend, "width")[0] <= 960);
  // Every marker stays above it.
  for (std::size_t i = 0; i < 3; ++i)
    for (double cy : attribute_values(series_group(svg, i), "cy")) CHECK(cy < legend_top);
  // Two rows a column: the third label starts a second column, level with the first.
  const auto label_tag = [&legend](const std::string& text) {
    const std::size_t end = legend.find(">" + text + "</text>");
    return legend.substr(legend.rfind("<text", end), end - legend.rfind("<text", end));
  };
  const std::string first = label_tag("corners"), second = label_tag("a second series"), third = label_tag("a third");
  CHECK(attribute_values(second, "x")[0] == attribute_values(first, "x")[0]);
  CHECK(attribute_values(second, "y")[0] > attribute_values(first, "y")[0]);
  CHECK(attribute_values(third, "x")[0] > attribute_values(first, "x")[0] + 100);
  CHECK(attribute_values(third, "y")[0] == attribute_values(first, "y")[0]);
}

// A label as long as a mix of peer classes makes the legend wider than the plot: inside, it
// would cover the y axis's labels. It goes under the plot, one column if two do not fit.
TEST_CASE("a legend wider than the plot goes under it") {
  PlotOptions options;
  options.log_x = options.log_y = true;
  const std::string wide = "p2p-ideal simulated, 1 at 300 kbps/500 kbps + 12.5% at 1 Mbps/8 Mbps + "
                           "rest at 2 Mbps/10 Mbps, and more";
  const std::string svg = svg_of({markers(wide, 0x009E73, Marker::Circle, {{10, 1000}}),
                                  markers("short", 0xD55E00, Marker::Square, {{20, 2000}})},
                                 options);
  const std::string axes = svg.substr(svg.find("<g class=\"axes\""));
  const double plot_left = attribute_values(axes, "x")[0];
  const double plot_bottom = attribute_values(axes, "y")[0] + attribute_values(axes, "height")[0];
  const std::string legend = svg.substr(svg.find("<g class=\"legend\">"));
  CHECK(attribute_values(legend, "y")[0] > plot_bottom + 40);
  CHECK(attribute_values(legend, "x")[0] >= 0);
  CHECK(attribute_values(legend, "x")[0] + attribute_values(legend, "width")[0] <= 960);
  CHECK(attribute_values(legend, "x")[0] < plot_left);  // wider than the plot itself
}

TEST_CASE("a legend with a free corner stays inside the plot") {
  PlotOptions options;
  options.log_x = options.log_y = true;
  const std::string svg = svg_of({markers("two", 0x009E73, Marker::Circle, {{1, 100}, {100, 10000}})}, options);
  const std::string axes = svg.substr(svg.find("<g class=\"axes\""));
  const double plot_right = attribute_values(axes, "x")[0] + attribute_values(axes, "width")[0];
  const std::string legend = svg.substr(svg.find("<g class=\"legend\">"));
  CHECK(attribute_values(legend, "x")[0] + attribute_values(legend, "width")[0] < plot_right);
}
