// "What am I looking at": the help panel, short enough to read aloud.
#include <imgui.h>

#include "viz/gui/panels.hpp"

namespace wiresim::viz {

void draw_help(ViewState& state) {
  state.drawn.panels.push_back("Help");
  ImGui::TextWrapped("What am I looking at?");
  ImGui::Separator();
  ImGui::TextWrapped(
      "Left: the network. Hosts look like screens, servers like towers, routers like circles. A line is a link: the "
      "thicker, the faster. Each coloured bar is a packet: it grows out of the sender while its bits are put on the "
      "wire (transmission delay), then travels along the link (propagation delay). Bars stacked beside a node are "
      "packets waiting in that link's queue. A red cross is a packet dropped there.");
  ImGui::Spacing();
  ImGui::TextWrapped(
      "Bottom: every packet and event so far, like Wireshark. Click a row (or a packet on the canvas) to see its "
      "layers and bytes in the Packet tab; hover a field to light up its bytes.");
  ImGui::Spacing();
  ImGui::TextWrapped(
      "Dialogue: the conversation as the lecture notes print it (S: server, C: client) and as a ladder diagram, one "
      "lane per host. State: mailboxes, DNS caches with their TTLs counting down, FTP sessions, piece maps, at the "
      "time shown. TCP: each connection's congestion window and throughput.");
  ImGui::Spacing();
  ImGui::TextWrapped("Going back in time replays the run from the start: the state shown is exactly what the run "
                     "had at that instant.");
  ImGui::Separator();
  ImGui::TextUnformatted("Keys");
  static const char* keys[][2] = {
      {"Space", "play / pause"},        {"Right / Left, PgDn / PgUp", "next / previous event (a presenter's remote works)"},
      {"Home / End", "start / end"},    {"Up / Down", "faster / slower (x2)"},
      {"M", "application messages only"}, {"T", "light / dark theme"},
      {"Ctrl + / Ctrl -", "larger / smaller text"}, {"1 .. 5", "Packet, Dialogue, State, TCP, Help"},
      {"0", "reset pan and zoom"},     {"mouse", "wheel zooms, right button pans, drag a node to move it"},
  };
  if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_SizingFixedFit)) {
    for (const auto& k : keys) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(k[0]);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(k[1]);
    }
    ImGui::EndTable();
  }
}

}  // namespace wiresim::viz
