#include "viz/gui/view_app.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "viz/gui/distribution_view.hpp"
#include "sim/scenario/world.hpp"
#include "viz/gui/panels.hpp"

namespace wiresim::viz {
namespace {

constexpr float BaseFontSize = 16.0f;

// Fonts with the glyphs the summaries use (→, …, Σ, ✓), at the chosen size; Dear ImGui's
// built-in font when DejaVu (fonts-dejavu-core) is missing.
void build_fonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  static ImVector<ImWchar> ranges;  // the atlas keeps a pointer to it until the next build
  ranges.clear();
  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(io.Fonts->GetGlyphRangesDefault());
  for (ImWchar c : {0x2192, 0x2190, 0x2191, 0x2193, 0x2026, 0x2014, 0x2013, 0x03a3, 0x2713, 0x2717, 0x25b6, 0x23f8,
                    0x2264, 0x2265, 0x00b7, 0x00d7})
    builder.AddChar(c);
  builder.BuildRanges(&ranges);
  const char* sans = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  const char* mono = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
  const float size = BaseFontSize * scale;
  if (std::filesystem::exists(sans) && std::filesystem::exists(mono)) {
    io.Fonts->AddFontFromFileTTF(sans, size, nullptr, ranges.Data);
    io.Fonts->AddFontFromFileTTF(mono, size, nullptr, ranges.Data);  // fonts[1]: hex dump, transcripts
  } else {
    ImFontConfig config;
    config.SizePixels = 13.0f * scale;
    io.Fonts->AddFontDefault(&config);
    io.Fonts->AddFontDefault(&config);
  }
  io.Fonts->Build();
}

bool save_screenshot(const std::string& path, int width, int height) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * height * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  // OpenGL's rows start at the bottom.
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  for (int y = 0; y < height / 2; ++y)
    std::swap_ranges(pixels.begin() + y * row, pixels.begin() + (y + 1) * row, pixels.begin() + (height - 1 - y) * row);
  for (std::size_t i = 3; i < pixels.size(); i += 4) pixels[i] = 255;
  return stbi_write_png(path.c_str(), width, height, 4, pixels.data(), static_cast<int>(row)) != 0;
}

// The window: time bar on top; the canvas left, the tabbed panels right; the event list below.
void draw_frame(ViewState& state) {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  ImGui::Begin("wiresim", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoBringToFrontOnFocus |
                   ImGuiWindowFlags_NoSavedSettings);
  if (!state.load_error.empty()) {
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "Cannot open the scenario:");
    ImGui::TextWrapped("%s", state.load_error.c_str());
    ImGui::End();
    return;
  }
  if (state.distribution) {
    draw_distribution(state);
    ImGui::End();
    return;
  }
  draw_time_control(state);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float list_height = std::max(120.0f, avail.y * 0.28f);
  const float top_height = avail.y - list_height - ImGui::GetStyle().ItemSpacing.y;
  const float canvas_width = avail.x * 0.58f;
  ImGui::BeginChild("canvas", ImVec2(canvas_width, top_height), true, ImGuiWindowFlags_NoScrollbar |
                                                                        ImGuiWindowFlags_NoScrollWithMouse);
  draw_canvas(state);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("panels", ImVec2(0, top_height), true);
  if (ImGui::BeginTabBar("tabs")) {
    struct TabInfo {
      Tab tab;
      const char* name;
      void (*draw)(ViewState&);
    };
    static const TabInfo tabs[] = {{Tab::Inspector, "Packet", draw_inspector},
                                   {Tab::Dialogue, "Dialogue", draw_dialogue},
                                   {Tab::State, "State", draw_state_panels},
                                   {Tab::Tcp, "TCP", draw_tcp_panel},
                                   {Tab::Help, "Help", draw_help}};
    // A tab the program asks for (an option, a shortcut, a click in the event list) takes
    // Dear ImGui a frame or two to select; meanwhile the visible tab does not overrule it.
    int& settling = state.tab_settling;
    if (state.tab != state.shown_tab && settling == 0) settling = 3;
    std::optional<Tab> visible;
    for (const TabInfo& t : tabs) {
      const ImGuiTabItemFlags flags = settling > 0 && state.tab == t.tab ? ImGuiTabItemFlags_SetSelected : 0;
      if (ImGui::BeginTabItem(t.name, nullptr, flags)) {
        visible = t.tab;
        t.draw(state);
        ImGui::EndTabItem();
      }
    }
    if (settling > 0) {
      --settling;
      if (visible == state.tab) settling = 0;
    } else if (visible) {
      state.tab = *visible;  // the user clicked a tab
    }
    state.shown_tab = visible;
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
  ImGui::BeginChild("events", ImVec2(0, 0), true);
  draw_event_list(state);
  ImGui::EndChild();
  ImGui::End();
}

bool write_description(const std::string& path, const ViewState& state) {
  const FrameStats& d = state.drawn;
  nlohmann::ordered_json j;
  j["scenario"] = state.options.path;
  j["at_s"] = static_cast<double>(state.now.ns) / 1e9;
  j["end_s"] = static_cast<double>(state.end().ns) / 1e9;
  j["panels"] = d.panels;
  j["nodes"] = d.nodes;
  j["links"] = d.links;
  j["packets"] = d.packets;
  j["queued"] = d.queued;
  j["drops"] = d.drops;
  j["event_rows"] = d.event_rows;
  j["packet_fields"] = d.packet_fields;
  j["hex_lines"] = d.hex_lines;
  j["dialogue_lines"] = d.dialogue_lines;
  j["ladder_arrows"] = d.ladder_arrows;
  j["state_sections"] = d.state_sections;
  j["tcp_connections"] = d.tcp_connections;
  j["chart_series"] = d.chart_series;
  j["chart_points"] = d.chart_points;
  if (state.selected_record && state.recording) {
    const TraceRecord& r = state.recording->records()[*state.selected_record];
    const Hop* hop = state.selected_hop();
    j["selected"] = hop ? hop->protocol + " " + hop->label : r.text;
  }
  if (!state.load_error.empty()) j["error"] = state.load_error;
  if (state.replay && state.replay->world()) {
    // What the state panels read, as one digest: equal digests, equal state.
    std::string all;
    const World& world = *state.replay->world();
    for (const auto& app : world.apps) {
      nlohmann::ordered_json out;
      app->inspect(out);
      all += out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    char digest[24];
    std::snprintf(digest, sizeof digest, "%016zx", std::hash<std::string>{}(all));
    j["state_at_s"] = static_cast<double>(state.replay->now().ns) / 1e9;
    j["state_digest"] = digest;
    j["replay_reloads"] = state.replay->reloads();
  }
  std::ofstream out(path, std::ios::binary);
  out << j.dump(2) << '\n';
  return static_cast<bool>(out);
}

Tab tab_named(const std::string& name) {
  if (name == "dialogue") return Tab::Dialogue;
  if (name == "state") return Tab::State;
  if (name == "tcp") return Tab::Tcp;
  if (name == "help") return Tab::Help;
  if (name == "plot") return Tab::Plot;
  return Tab::Inspector;
}

// --select TEXT: the first packet (else any event) at or before the cursor whose text contains TEXT.
void select_named(ViewState& state) {
  if (!state.recording || state.options.select.empty()) return;
  const auto& records = state.recording->records();
  const std::size_t until = state.recording->records_until(state.now);
  std::optional<std::size_t> any;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Hop* hop = state.recording->hop_of_record(i);
    const std::string& text = hop ? hop->label : records[i].text;
    if (text.find(state.options.select) == std::string::npos) continue;
    if (hop && (i < until || !any)) {
      state.selected_record = i;
      if (i >= until) state.seek(hop->start);
      if (!state.options.conversation) state.conversation = hop->connection;
      return;
    }
    if (!any) any = i;
  }
  if (any) state.selected_record = *any;
}

}  // namespace

int run_view(const ViewOptions& options) {
  ViewState state;
  state.options = options;
  state.light = options.light;
  state.text_scale = options.text_scale;
  state.tab = tab_named(options.tab);
  state.messages_only = options.messages_only;
  state.host_filter = options.host;
  state.exchange = options.exchange;
  open_scenario(state);
  if (!state.load_error.empty() && !options.screenshot.empty()) {
    std::fprintf(stderr, "%s\n", state.load_error.c_str());
    return 2;
  }
  // --visit: instants the cursor goes to first, one frame each, before --at (a screenshot
  // after a seek backwards shows the replayed state).
  std::vector<Time> visits = options.visits;
  if (!visits.empty()) state.seek(visits.front());
  else if (options.at) state.seek(*options.at);
  state.speed = options.speed > 0 ? options.speed
                                  : std::clamp(static_cast<double>(state.end().ns) / 1e9 / 20.0, 1e-6, 1000.0);
  if (options.conversation) state.conversation = *options.conversation;
  select_named(state);

  if (!glfwInit()) {
    std::fprintf(stderr, "wiresim gui: no display (set DISPLAY, or run it under xvfb-run)\n");
    return 2;
  }
  glfwSetErrorCallback([](int code, const char* text) { std::fprintf(stderr, "wiresim gui: GLFW error %d: %s\n", code, text); });
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWwindow* window = glfwCreateWindow(options.width, options.height, "wiresim", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "wiresim gui: cannot open an OpenGL 3 window\n");
    glfwTerminate();
    return 2;
  }
  glfwMakeContextCurrent(window);
  // Benchmarks and screenshots measure rendering, not the display's refresh.
  glfwSwapInterval(options.bench_frames > 0 || !options.screenshot.empty() ? 0 : 1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the layout is the program's, not a file's
  // High-DPI screens report a content scale (2 on a 4K laptop): text and widgets follow it.
  float dpi_x = 1, dpi_y = 1;
  glfwGetWindowContentScale(window, &dpi_x, &dpi_y);
  if (dpi_x > 1.01f) state.text_scale *= dpi_x;
  apply_theme(state.light);
  ImGui::GetStyle().ScaleAllSizes(state.text_scale);
  build_fonts(state.text_scale);
  // Our key callback first: Dear ImGui's, installed next, calls it after its own work.
  glfwSetWindowUserPointer(window, &state);
  glfwSetKeyCallback(window, [](GLFWwindow* w, int key, int, int action, int mods) {
    if (action == GLFW_PRESS || action == GLFW_REPEAT)
      static_cast<ViewState*>(glfwGetWindowUserPointer(w))->pending_keys.push_back({key, mods});
  });
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 130");

  const bool screenshot = !options.screenshot.empty();
  const int bench = options.bench_frames;
  if (bench > 0) state.playing = true;
  std::vector<double> frame_ms;
  double drawn_packets = 0;  // summed over the benchmark's frames
  int exit_code = 0;
  int frame = 0;
  auto last = std::chrono::steady_clock::now();
  const auto opened = last;
  while (!glfwWindowShouldClose(window)) {
    glfwPollEvents();
    const auto now = std::chrono::steady_clock::now();
    const double dt = std::chrono::duration<double>(now - last).count();
    last = now;
    if (state.want_font_rebuild) {
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      build_fonts(state.text_scale);
      ImGui_ImplOpenGL3_CreateFontsTexture();
      state.want_font_rebuild = false;
    }
    if (state.playing && state.recording) {
      // A benchmark advances by a fixed 1/60 s of real time per frame, so runs compare.
      const double step = (bench > 0 ? 1.0 / 60 : std::min(dt, 0.25)) * state.speed;
      state.seek(state.now + Duration{static_cast<std::int64_t>(step * 1e9)});
      if (state.now >= state.end()) state.playing = bench > 0 && (state.seek(Time{}), true);
    }
    if (state.distribution) state.distribution->poll();

    state.drawn = {};
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    if (!screenshot) handle_shortcuts(state);
    draw_frame(state);
    ImGui::Render();
    int width = 0, height = 0;
    glfwGetFramebufferSize(window, &width, &height);
    glViewport(0, 0, width, height);
    const ImVec4 clear = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(clear.x, clear.y, clear.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    ++frame;
    // Each visit lasts a few frames: a tab asked for takes a frame or two to show.
    if (!visits.empty() && frame >= 3) {
      visits.erase(visits.begin());
      state.seek(!visits.empty() ? visits.front() : options.at.value_or(Time{}));
      frame = 0;
    }
    if (screenshot) {
      // Tabs and auto-sized widgets settle over the first frames; an experiment's sweep must
      // finish before its plot is complete.
      const bool sweep_running = state.distribution && !state.distribution->finished() &&
                                 (options.max_wait_s < 0 ||
                                  std::chrono::duration<double>(now - opened).count() < options.max_wait_s);
      if (frame >= 4 && !sweep_running) {
        glFinish();
        if (!save_screenshot(options.screenshot, width, height)) {
          std::fprintf(stderr, "wiresim gui: cannot write %s\n", options.screenshot.c_str());
          exit_code = 1;
        }
        if (!options.describe.empty() && !write_description(options.describe, state)) {
          std::fprintf(stderr, "wiresim gui: cannot write %s\n", options.describe.c_str());
          exit_code = 1;
        }
        break;
      }
    }
    glfwSwapBuffers(window);
    if (bench > 0) {
      glFinish();
      const auto done = std::chrono::steady_clock::now();
      frame_ms.push_back(std::chrono::duration<double, std::milli>(done - now).count());
      drawn_packets += state.drawn.packets + state.drawn.queued;
      if (static_cast<int>(frame_ms.size()) >= bench) break;
    }
  }
  if (bench > 0 && !frame_ms.empty()) {
    std::vector<double> sorted = frame_ms;
    std::sort(sorted.begin(), sorted.end());
    double total = 0;
    for (double ms : frame_ms) total += ms;
    const double median = sorted[sorted.size() / 2];
    const double p95 = sorted[std::min(sorted.size() - 1, sorted.size() * 95 / 100)];
    std::printf("frames: %zu  mean %.2f ms  median %.2f ms  p95 %.2f ms  (%.1f fps)  nodes %zu  packets drawn per frame %.0f\n",
                frame_ms.size(), total / static_cast<double>(frame_ms.size()), median, p95, 1000.0 / median,
                state.recording ? state.recording->nodes().size() : 0, drawn_packets / static_cast<double>(frame_ms.size()));
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  // A sweep still running may be in the middle of a swarm that takes minutes: its results are
  // not wanted any more, so leave without waiting for it.
  if (state.distribution && !state.distribution->finished()) {
    std::fflush(nullptr);
    std::_Exit(exit_code);
  }
  return exit_code;
}

}  // namespace wiresim::viz
