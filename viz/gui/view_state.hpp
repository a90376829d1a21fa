// Everything the desktop view knows between two frames: the recorded run, the replayed world
// for the state panels, the time cursor and what the user has selected. Panels read it and
// change only the view's own fields (cursor, selection, filters), never the model.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/core/time.hpp"
#include "viz/model/layout.hpp"
#include "viz/model/recording.hpp"
#include "viz/model/replay.hpp"

namespace wiresim::viz {

class DistributionRun;

struct ViewOptions {
  std::string path;
  std::optional<std::uint64_t> seed;
  std::string screenshot;          // "" = interactive
  std::optional<Time> at;          // where the cursor starts (the screenshot's instant)
  std::vector<Time> visits;        // instants visited first, one frame each (seek tests)
  int bench_frames = 0;            // > 0: render this many frames while playing, print frame times
  int width = 1600, height = 900;
  float text_scale = 1.0f;         // 1.5 or 2 for the lecture hall
  bool light = false;              // light theme (projectors)
  std::string tab = "inspector";   // the right-hand panel shown first
  std::string select;              // select the first event whose summary contains this text
  std::string describe;            // write what the screenshot's frame drew to this JSON file
  double max_wait_s = -1;          // screenshots of experiments: wait at most this long (< 0: until done)
  std::optional<std::uint32_t> conversation;  // the dialogue view's conversation
  bool messages_only = false;
  std::string exchange;  // the dialogue view shows every message of this protocol ("DNS")
  std::string host;  // host filter of the event list, canvas and state panels
  double speed = 0;  // 0: the whole run plays in about 20 s of real time
};

enum class Tab { Inspector, Dialogue, State, Tcp, Plot, Help };

// What the last frame drew, for `--describe` (the screenshot tests check it) and --bench-frames.
struct FrameStats {
  std::vector<std::string> panels;  // in drawing order: "time bar", "canvas", "Packet", ...
  std::size_t nodes = 0, links = 0, packets = 0, queued = 0, drops = 0;
  std::size_t event_rows = 0, packet_fields = 0, hex_lines = 0;
  std::size_t dialogue_lines = 0, ladder_arrows = 0, state_sections = 0, tcp_connections = 0;
  std::size_t chart_series = 0, chart_points = 0;
};

struct ViewState {
  ViewOptions options;
  // The model: a recorded run (scenarios) or a sweep filling in (experiments).
  std::unique_ptr<Recording> recording;
  std::vector<Point> positions;
  std::vector<std::string> protocols;  // the legend: protocols this run's packets carry
  std::unique_ptr<Replay> replay;
  std::unique_ptr<DistributionRun> distribution;
  std::string load_error;

  // The time cursor.
  Time now;
  bool playing = false;
  double speed = 1.0;  // simulated seconds per real second

  // Selection and filters.
  std::optional<std::size_t> selected_record;  // a trace record (a packet's when it has one)
  std::optional<std::size_t> selected_field;   // index in the inspector's flattened field list
  std::optional<std::size_t> inspected_record; // the record selected_field belongs to
  std::uint32_t conversation = 0;              // dialogue view (0 = none yet)
  std::string exchange;                        // dialogue view: every message of this protocol instead
  std::set<std::string> hidden_protocols;
  std::string host_filter;
  bool messages_only = false;  // canvas granularity: application messages only
  bool follow_cursor = true;   // the event list scrolls with the cursor

  // Canvas.
  float zoom = 1.0f;
  float pan_x = 0, pan_y = 0;
  std::optional<std::size_t> dragged_node;

  // Look.
  Tab tab = Tab::Inspector;
  bool light = false;
  float text_scale = 1.0f;
  bool want_font_rebuild = false;

  FrameStats drawn;  // reset at the start of every frame

  // What the panels keep between frames: derived from the recording, never model state.
  struct EventRows {
    std::vector<std::size_t> records;  // the listed records up to built_until, filtered
    std::size_t built_until = 0;
    std::string host_filter;           // the filters they were built with
    std::set<std::string> hidden_protocols;
    bool packets_only = false;
  };
  EventRows event_rows;
  bool packets_only = false;            // the event list lists packets only
  std::optional<Time> event_list_followed;  // the cursor the event list last scrolled to
  std::vector<int> seek_ticks;          // pixel columns of the seek bar's ticks...
  int seek_ticks_width = -1;            // ...for this bar width
  std::optional<Tab> shown_tab;         // the tab Dear ImGui showed last frame
  int tab_settling = 0;                 // frames left for a requested tab to become selected

  // Keys pressed since the last frame, in order (the window's key callback adds them).
  struct KeyPress {
    int key, mods;
  };
  std::vector<KeyPress> pending_keys;

  Time end() const;
  // Moves the cursor; clamps to the run.
  void seek(Time t);
  // The hop a record belongs to, for the inspector and the canvas highlight.
  const Hop* selected_hop() const;
};

// Loads the scenario: records the run (or prepares the sweep) and lays out the topology.
void open_scenario(ViewState& state);

// Protocol colours, shared by the canvas, the legend, the event list and the ladder.
std::uint32_t protocol_color(const std::string& protocol, bool light);
const std::vector<std::string>& legend_protocols();

std::string time_text(Time t);  // "12.345678 s": microseconds, what the eye can follow

}  // namespace wiresim::viz
