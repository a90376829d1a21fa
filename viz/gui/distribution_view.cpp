// The distribution plot: time vs N for client-server and P2P, theory curves and simulated
// points, log axes, values under the mouse. The chart comes from the experiment itself
// (ExperimentOptions::on_charts), so the view draws what the CSV and the PNG hold.
#include "viz/gui/distribution_view.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/scenario/world.hpp"
#include "viz/gui/panels.hpp"

namespace wiresim::viz {

DistributionRun::DistributionRun(std::unique_ptr<World> world) : world_(std::move(world)) {
  description_ = world_->experiment->describe();
  thread_ = std::thread([this] {
    ExperimentOptions options;
    options.write_files = false;
    options.threads = 0;
    options.cancel = &cancel_;
    options.on_progress = [this](std::size_t done, std::size_t total) {
      done_ = done;
      total_ = total;
    };
    options.on_charts = [this](const std::vector<Chart>& charts) {
      std::lock_guard lock(mutex_);
      latest_ = charts;
      fresh_ = true;
    };
    auto outcome = world_->experiment->run(options);
    if (!outcome && !cancel_) {
      std::lock_guard lock(mutex_);
      error_ = outcome.error();
    }
    finished_ = true;
  });
}

DistributionRun::~DistributionRun() {
  cancel_ = true;
  if (thread_.joinable()) thread_.join();
}

void DistributionRun::poll() {
  std::lock_guard lock(mutex_);
  if (!fresh_) return;
  charts_ = latest_;
  fresh_ = false;
}

namespace {

ImU32 rgb(std::uint32_t color) {
  return IM_COL32((color >> 16) & 0xff, (color >> 8) & 0xff, color & 0xff, 255);
}

struct Axis {
  double lo, hi;
  bool log;
  double map(double v) const {  // 0..1
    if (log) return (std::log10(v) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
    return (v - lo) / (hi - lo);
  }
  bool drawable(double v) const { return std::isfinite(v) && (!log || v > 0); }
};

Axis axis_of(const Chart& chart, bool x) {
  double lo = 1e300, hi = -1e300;
  const bool log = x ? chart.log_x : chart.log_y;
  for (const ChartSeries& s : chart.series)
    for (const auto& [px, py] : s.points) {
      const double v = x ? px : py;
      if (!std::isfinite(v) || (log && v <= 0)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (lo > hi) lo = 1, hi = 10;
  if (log) {
    lo = std::pow(10, std::floor(std::log10(lo)));
    hi = std::pow(10, std::ceil(std::log10(hi)));
  } else {
    lo = 0;
    hi *= 1.05;
  }
  if (hi <= lo) hi = lo * 10 + 1;
  return {lo, hi, log};
}

void draw_marker(ImDrawList* d, ImVec2 p, int marker, ImU32 color, float r) {
  if (marker == 1) d->AddRectFilled(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), color);
  else if (marker == 2) d->AddTriangleFilled(ImVec2(p.x, p.y - r * 1.2f), ImVec2(p.x - r, p.y + r), ImVec2(p.x + r, p.y + r), color);
  else d->AddCircleFilled(p, r, color);
}

void draw_chart(const Chart& chart, ImVec2 size, float scale, FrameStats& drawn) {
  ImDrawList* d = ImGui::GetWindowDrawList();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(chart.title.c_str(), size);
  const bool hovered = ImGui::IsItemHovered();
  float legend_width = 0;
  for (const ChartSeries& s : chart.series) legend_width = std::max(legend_width, ImGui::CalcTextSize(s.label.c_str()).x);
  const float left = at.x + ImGui::CalcTextSize("10000000").x + 12;
  const float right = at.x + size.x - legend_width - 40 * scale;
  const float line = ImGui::GetTextLineHeight();
  const float top = at.y + line * 2.8f, bottom = at.y + size.y - line * 2.8f;
  const Axis ax = axis_of(chart, true), ay = axis_of(chart, false);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), grid = ImGui::GetColorU32(ImGuiCol_Border);
  auto to_screen = [&](double x, double y) {
    return ImVec2(left + static_cast<float>(ax.map(x)) * (right - left),
                  bottom - static_cast<float>(ay.map(y)) * (bottom - top));
  };
  d->AddText(ImVec2(left, at.y + 2), text, chart.title.c_str());
  d->AddRect(ImVec2(left, top), ImVec2(right, bottom), grid);
  // Grid lines at each decade (log) or at five steps (linear).
  auto ticks = [](const Axis& a) {
    std::vector<double> t;
    if (a.log)
      for (double v = a.lo; v <= a.hi * 1.0001; v *= 10) t.push_back(v);
    else
      for (int i = 0; i <= 5; ++i) t.push_back(a.lo + (a.hi - a.lo) * i / 5);
    return t;
  };
  char label[48];
  // "1000000" rather than "1e+06": students read the axis, not the format.
  auto number = [&label](double v) {
    if (std::abs(v) >= 1 && std::abs(v) < 1e9 && v == std::floor(v)) std::snprintf(label, sizeof label, "%.0f", v);
    else std::snprintf(label, sizeof label, "%g", v);
  };
  for (double v : ticks(ax)) {
    const float x = to_screen(v, ay.lo).x;
    d->AddLine(ImVec2(x, top), ImVec2(x, bottom), grid);
    number(v);
    d->AddText(ImVec2(x - ImGui::CalcTextSize(label).x / 2, bottom + 4), text, label);
  }
  for (double v : ticks(ay)) {
    const float y = to_screen(ax.lo, v).y;
    d->AddLine(ImVec2(left, y), ImVec2(right, y), grid);
    number(v);
    d->AddText(ImVec2(left - ImGui::CalcTextSize(label).x - 6, y - ImGui::GetTextLineHeight() / 2), text, label);
  }
  d->AddText(ImVec2((left + right) / 2 - ImGui::CalcTextSize(chart.x_label.c_str()).x / 2,
                    bottom + 6 + ImGui::GetTextLineHeight()), text, chart.x_label.c_str());
  d->AddText(ImVec2(at.x + 4, at.y + line * 1.4f), text, chart.y_label.c_str());

  // Series, the nearest point to the mouse remembered for the tooltip.
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  float best = 15 * 15;
  const ChartSeries* best_series = nullptr;
  std::pair<double, double> best_point;
  d->PushClipRect(ImVec2(left, top), ImVec2(right, bottom), true);
  for (const ChartSeries& s : chart.series) {
    ++drawn.chart_series;
    if (!s.line) drawn.chart_points += s.points.size();
    std::vector<ImVec2> line;
    for (const auto& [x, y] : s.points) {
      if (!ax.drawable(x) || !ay.drawable(y)) continue;
      const ImVec2 p = to_screen(x, y);
      if (s.line) line.push_back(p);
      else draw_marker(d, p, s.marker, rgb(s.color), 5 * scale);
      const float dx = mouse.x - p.x, dy = mouse.y - p.y;
      if (hovered && dx * dx + dy * dy < best) {
        best = dx * dx + dy * dy;
        best_series = &s;
        best_point = {x, y};
      }
    }
    if (line.size() >= 2) d->AddPolyline(line.data(), static_cast<int>(line.size()), rgb(s.color), 0, 2 * scale);
  }
  d->PopClipRect();
  // Legend, right of the plot.
  float y = top;
  for (const ChartSeries& s : chart.series) {
    const ImVec2 p(right + 16 * scale, y + ImGui::GetTextLineHeight() / 2);
    if (s.line) d->AddLine(ImVec2(p.x - 8, p.y), ImVec2(p.x + 8, p.y), rgb(s.color), 2 * scale);
    else draw_marker(d, p, s.marker, rgb(s.color), 5 * scale);
    d->AddText(ImVec2(p.x + 14 * scale, y), text, s.label.c_str());
    y += ImGui::GetTextLineHeightWithSpacing();
  }
  if (best_series) {
    ImGui::BeginTooltip();
    ImGui::Text("%s", best_series->label.c_str());
    ImGui::Text("N = %g: %.1f s", best_point.first, best_point.second);
    ImGui::EndTooltip();
  }
}

}  // namespace

void draw_distribution(ViewState& state) {
  DistributionRun& run = *state.distribution;
  state.drawn.panels.push_back("distribution plot");
  ImGui::Text("%s", run.description().c_str());
  const float fraction = run.total() ? static_cast<float>(run.done()) / static_cast<float>(run.total()) : 0.0f;
  char progress[64];
  std::snprintf(progress, sizeof progress, "%zu of %zu simulations%s", run.done(), run.total(),
                run.finished() ? " (done)" : "");
  ImGui::ProgressBar(fraction, ImVec2(-1, 0), progress);
  if (!run.error().empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", run.error().c_str());
  const auto& charts = run.charts();
  if (charts.empty()) {
    ImGui::TextUnformatted("Computing the theory lines...");
    return;
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float height = std::max(300.0f, avail.y / static_cast<float>(charts.size()) - 8);
  for (std::size_t i = 0; i < charts.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    draw_chart(charts[i], ImVec2(avail.x, height), state.text_scale, state.drawn);
    ImGui::PopID();
  }
}

}  // namespace wiresim::viz
