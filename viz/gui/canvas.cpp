// The topology canvas: nodes drawn by role with their names and addresses, links as thick as
// their rate, and every packet where it is at the cursor: waiting in a queue at the link head
// (a stack), being serialised (a bar growing out of the sender) or propagating (a bar moving
// along the link). Drops are crosses where they happened. Pan with the right mouse button,
// zoom with the wheel, drag nodes with the left.
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <map>

#include "viz/gui/panels.hpp"

namespace wiresim::viz {

namespace {

struct Transform {
  ImVec2 origin;
  float zoom;
  float pan_x, pan_y;
  ImVec2 operator()(Point p) const { return ImVec2(origin.x + (p.x * zoom + pan_x), origin.y + (p.y * zoom + pan_y)); }
};

ImVec2 lerp(ImVec2 a, ImVec2 b, float f) { return ImVec2(a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f); }

float link_thickness(double rate_bps) {
  // 100 kbit/s -> 1 px ... 10 Gbit/s -> 6 px, on a log scale.
  // Whole pixels: Dear ImGui draws those with its cheap textured anti-aliasing.
  return std::clamp(std::round(static_cast<float>(std::log10(std::max(rate_bps, 1.0)) - 4.0)), 1.0f, 6.0f);
}

std::string rate_text(double bps) {
  char text[32];
  if (bps >= 1e9) std::snprintf(text, sizeof text, "%g Gbit/s", bps / 1e9);
  else if (bps >= 1e6) std::snprintf(text, sizeof text, "%g Mbit/s", bps / 1e6);
  else std::snprintf(text, sizeof text, "%g kbit/s", bps / 1e3);
  return text;
}

// Three or four letters inside a server's tower: MAIL, ROOT, TLD, AUTH (authoritative), RES
// (resolver), FTP, WEB, TRK (tracker), PEER, ATK (attacker).
const char* role_tag(Role role) {
  switch (role) {
    case Role::MailServer: return "MAIL";
    case Role::DnsRoot: return "ROOT";
    case Role::DnsTld: return "TLD";
    case Role::DnsAuthoritative: return "AUTH";
    case Role::DnsResolver: return "RES";
    case Role::FtpServer: return "FTP";
    case Role::WebServer: return "WEB";
    case Role::Tracker: return "TRK";
    case Role::Peer: return "PEER";
    case Role::Attacker: return "ATK";
    default: return "";
  }
}

// A small pictogram per role: what a student recognises at a glance.
void draw_node_shape(ImDrawList* d, ImVec2 c, float r, Role role, ImU32 fill, ImU32 line) {
  switch (role) {
    case Role::Router: {
      d->AddCircleFilled(c, r, fill);
      d->AddCircle(c, r, line, 0, 2);
      // Four arrows: it forwards.
      const float a = r * 0.55f;
      d->AddLine(ImVec2(c.x - a, c.y), ImVec2(c.x + a, c.y), line, 2);
      d->AddLine(ImVec2(c.x, c.y - a), ImVec2(c.x, c.y + a), line, 2);
      break;
    }
    case Role::Host:
    case Role::Laptop: {
      // A screen on a stand (or a laptop's base).
      const ImVec2 tl(c.x - r, c.y - r * 0.75f), br(c.x + r, c.y + r * 0.45f);
      d->AddRectFilled(tl, br, fill, 3);
      d->AddRect(tl, br, line, 3, 0, 2);
      if (role == Role::Laptop)
        d->AddRectFilled(ImVec2(c.x - r * 1.25f, c.y + r * 0.5f), ImVec2(c.x + r * 1.25f, c.y + r * 0.75f), line, 2);
      else
        d->AddRectFilled(ImVec2(c.x - r * 0.35f, c.y + r * 0.5f), ImVec2(c.x + r * 0.35f, c.y + r * 0.75f), line);
      break;
    }
    default: {
      // Servers: a tower with a short tag saying which server it is.
      const ImVec2 tl(c.x - r * 0.9f, c.y - r), br(c.x + r * 0.9f, c.y + r);
      d->AddRectFilled(tl, br, fill, 3);
      d->AddRect(tl, br, line, 3, 0, 2);
      const char* tag = role_tag(role);
      const float size = std::min(ImGui::GetFontSize(), r * 0.75f);
      const float width = ImGui::GetFont()->CalcTextSizeA(size, FLT_MAX, 0, tag).x;
      d->AddText(nullptr, size, ImVec2(c.x - width / 2, c.y - size / 2), line, tag);
      break;
    }
  }
}

ImU32 role_color(Role role, bool light) {
  switch (role) {
    case Role::Router: return light ? 0xffd8c8a0 : 0xff705838;
    case Role::MailServer: return light ? 0xffd0e8ff : 0xff2a5a80;
    case Role::DnsRoot:
    case Role::DnsTld:
    case Role::DnsAuthoritative:
    case Role::DnsResolver: return light ? 0xffffe0c0 : 0xff805028;
    case Role::FtpServer: return light ? 0xfff0c8d8 : 0xff603850;
    case Role::WebServer: return light ? 0xfff0d0f0 : 0xff703070;
    case Role::Tracker:
    case Role::Peer: return light ? 0xffe8f0c8 : 0xff507040;
    case Role::Attacker: return light ? 0xffa0a0ff : 0xff2020a0;
    default: return light ? 0xfff0f0f0 : 0xff505050;
  }
}

}  // namespace

void draw_legend(const ViewState& state) {
  ImDrawList* d = ImGui::GetWindowDrawList();
  for (const std::string& p : state.protocols) {
    if (state.hidden_protocols.count(p)) continue;
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetTextLineHeight();
    d->AddRectFilled(ImVec2(at.x, at.y + h * 0.2f), ImVec2(at.x + h * 0.9f, at.y + h * 0.8f), protocol_color(p, state.light));
    ImGui::Dummy(ImVec2(h, h));
    ImGui::SameLine(0, 2);
    ImGui::TextUnformatted(p.c_str());
    ImGui::SameLine();
  }
  ImGui::NewLine();
}

void draw_canvas(ViewState& state) {
  const Recording& rec = *state.recording;
  state.drawn.panels.push_back("canvas");
  draw_legend(state);
  ImDrawList* d = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 size = ImGui::GetContentRegionAvail();
  ImGui::InvisibleButton("canvas", ImVec2(std::max(size.x, 10.0f), std::max(size.y, 10.0f)),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight);
  const bool hovered = ImGui::IsItemHovered();
  const ImGuiIO& io = ImGui::GetIO();

  // Fit the layout box into the canvas at zoom 1.
  const float fit = std::min(size.x / LayoutWidth, size.y / LayoutHeight);
  Transform at{origin, fit * state.zoom, state.pan_x, state.pan_y};
  if (hovered && io.MouseWheel != 0) {
    const float factor = io.MouseWheel > 0 ? 1.15f : 1 / 1.15f;
    // Zoom around the mouse.
    const float mx = io.MousePos.x - origin.x, my = io.MousePos.y - origin.y;
    state.pan_x = mx - (mx - state.pan_x) * factor;
    state.pan_y = my - (my - state.pan_y) * factor;
    state.zoom = std::clamp(state.zoom * factor, 0.2f, 20.0f);
    at = Transform{origin, fit * state.zoom, state.pan_x, state.pan_y};
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Right)) {
    state.pan_x += io.MouseDelta.x;
    state.pan_y += io.MouseDelta.y;
  }
  d->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);

  const float node_r = std::clamp(14.0f * state.zoom * fit * 1.4f, 6.0f, 40.0f) * std::sqrt(state.text_scale);
  const bool dense = rec.nodes().size() > 40;
  const ImU32 text_color = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim_text = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 link_color = state.light ? 0xff9a9a9a : 0xff6a6a6a;
  // Secondary text (link rates, roles and addresses) a size smaller than names.
  const float small_text = ImGui::GetFontSize() * 0.8f;
  const float min_x = origin.x + 2;

  // Links, with rate and delay under the mouse.
  for (const LinkInfo& l : rec.links()) {
    const ImVec2 a = at(state.positions[l.ends[0]]), b = at(state.positions[l.ends[1]]);
    d->AddLine(a, b, link_color, link_thickness(l.rate_bps));
    ++state.drawn.links;
    if (!dense && state.zoom >= 0.99f) {
      const ImVec2 mid = lerp(a, b, 0.5f);
      const std::string text = rate_text(l.rate_bps);
      d->AddText(nullptr, small_text, ImVec2(mid.x + 4, mid.y), dim_text, text.c_str());
    }
  }

  // Packets. Queued ones stack at the head of their link; on the wire a packet is a bar from
  // its last bit to its first: it grows out of the sender while being serialised, then moves.
  const std::vector<const Hop*> hops = rec.hops_at(state.now);
  std::map<std::pair<LinkId, int>, int> queue_depth;
  const Hop* selected = state.selected_hop();
  const bool label_all = hops.size() <= 24;
  for (const Hop* h : hops) {
    if (!state.hidden_protocols.empty() && state.hidden_protocols.count(h->protocol)) continue;
    if (state.messages_only && (h->protocol == "TCP" || h->protocol == "UDP")) continue;
    if (!state.host_filter.empty() && rec.nodes()[h->from].name.find(state.host_filter) == std::string::npos &&
        rec.nodes()[h->to].name.find(state.host_filter) == std::string::npos)
      continue;
    const ImVec2 from = at(state.positions[h->from]), to = at(state.positions[h->to]);
    const float len = std::hypot(to.x - from.x, to.y - from.y);
    if (len < 1) continue;
    const ImVec2 dir((to.x - from.x) / len, (to.y - from.y) / len);
    const ImVec2 normal(-dir.y, dir.x);
    // Each direction of a link gets its own lane, offset to the right of travel.
    const float lane = 5.0f;
    const ImU32 color = protocol_color(h->protocol, state.light);
    const float thick = h == selected ? 9.0f : 6.0f;
    ImVec2 head, tail;
    if (state.now < h->start) {
      // The stack shows up to 16 packets, then how many more wait.
      const int depth = queue_depth[{h->link, h->from_side}]++;
      if (depth >= 16) {
        ++state.drawn.queued;
        continue;
      }
      const ImVec2 base(from.x + dir.x * (node_r + 6) + normal.x * (lane + 8 + depth * 6.0f),
                        from.y + dir.y * (node_r + 6) + normal.y * (lane + 8 + depth * 6.0f));
      d->AddRectFilled(ImVec2(base.x - 5, base.y - 2), ImVec2(base.x + 5, base.y + 2), color);
      ++state.drawn.queued;
      continue;
    }
    const double delay = static_cast<double>((h->arrival - h->tx_end).ns);
    const double span = static_cast<double>((h->arrival - h->start).ns);
    auto fraction = [&](Time since) {
      const double elapsed = static_cast<double>((state.now - since).ns);
      if (elapsed <= 0) return 0.0f;
      // Without propagation delay the whole hop is serialisation: show it crossing then.
      const double over = delay > 0 ? delay : span;
      return static_cast<float>(std::min(1.0, elapsed / std::max(over, 1.0)));
    };
    const float f_head = fraction(h->start);
    const float f_tail = delay > 0 ? fraction(h->tx_end) : std::max(0.0f, f_head - 0.08f);
    const float usable = len - 2 * node_r;
    head = ImVec2(from.x + dir.x * (node_r + usable * f_head) + normal.x * lane,
                  from.y + dir.y * (node_r + usable * f_head) + normal.y * lane);
    tail = ImVec2(from.x + dir.x * (node_r + usable * f_tail) + normal.x * lane,
                  from.y + dir.y * (node_r + usable * f_tail) + normal.y * lane);
    // A bar at least a few pixels long, so short packets stay visible.
    if (std::hypot(head.x - tail.x, head.y - tail.y) < 6) tail = ImVec2(head.x - dir.x * 6, head.y - dir.y * 6);
    d->AddLine(tail, head, color, thick);
    ++state.drawn.packets;
    if (h->lost) d->AddCircle(head, 5, 0xff3030ff, 0, 2);
    if (h == selected) d->AddCircle(head, 10, text_color, 0, 2);
    if ((label_all || h == selected) && !h->label.empty()) {
      std::string text = h->protocol;
      text += ' ';
      text += h->label;
      d->AddText(ImVec2(head.x + 6, head.y - ImGui::GetTextLineHeight()), color, text.c_str());
    }
    // Click a packet to select it.
    if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      const float dx = io.MousePos.x - head.x, dy = io.MousePos.y - head.y;
      if (dx * dx + dy * dy < 100) {
        state.selected_record = h->record;
        state.conversation = h->connection;
        state.exchange.clear();
      }
    }
  }

  // The count of every queue longer than its stack.
  for (const auto& [key, depth] : queue_depth) {
    if (depth <= 16) continue;
    const LinkInfo& l = rec.links()[key.first];
    const ImVec2 from = at(state.positions[l.ends[key.second]]), to = at(state.positions[l.ends[1 - key.second]]);
    const float len = std::max(1.0f, std::hypot(to.x - from.x, to.y - from.y));
    const ImVec2 dir((to.x - from.x) / len, (to.y - from.y) / len), normal(-dir.y, dir.x);
    const float off = 5.0f + 8 + 16 * 6.0f;
    std::string more = "+";
    more += std::to_string(depth - 16);
    more += " queued";
    d->AddText(ImVec2(from.x + dir.x * (node_r + 6) + normal.x * off, from.y + dir.y * (node_r + 6) + normal.y * off),
               text_color, more.c_str());
  }

  // Drops: a red cross where the packet died, visible for a moment of real time.
  const double visible_s = std::max(2.0 * state.speed, 1e-6);
  for (const Drop& drop : rec.drops()) {
    const double age = static_cast<double>((state.now - drop.time).ns) / 1e9;
    if (age < 0 || age > visible_s) continue;
    // Where it died: a full queue at the link's head, a loss where it would have arrived, a
    // failed link half-way, anything else (no route, TTL) at the node.
    ImVec2 p = at(state.positions[drop.node]);
    if (drop.link) {
      const LinkInfo& l = rec.links()[*drop.link];
      const NodeId other = l.ends[0] == drop.node ? l.ends[1] : l.ends[0];
      const ImVec2 far = at(state.positions[other]);
      const float len = std::max(1.0f, std::hypot(far.x - p.x, far.y - p.y));
      const float along = drop.reason == "queue-full" ? (node_r + 14) / len
                          : drop.reason == "link-down" ? 0.5f
                                                       : 1.0f - (node_r + 14) / len;
      p = lerp(p, far, std::clamp(along, 0.0f, 1.0f));
    }
    const float s = 8;
    ++state.drawn.drops;
    d->AddLine(ImVec2(p.x - s, p.y - s), ImVec2(p.x + s, p.y + s), 0xff3030ff, 3);
    d->AddLine(ImVec2(p.x - s, p.y + s), ImVec2(p.x + s, p.y - s), 0xff3030ff, 3);
    d->AddText(ImVec2(p.x + s + 2, p.y - s), 0xff3030ff, drop.reason.c_str());
  }

  // Nodes on top, with name, role and address.
  std::optional<std::size_t> node_under_mouse;
  for (std::size_t i = 0; i < rec.nodes().size(); ++i) {
    const NodeInfo& n = rec.nodes()[i];
    const ImVec2 c = at(state.positions[i]);
    draw_node_shape(d, c, node_r, n.role, role_color(n.role, state.light), text_color);
    ++state.drawn.nodes;
    const float dx = io.MousePos.x - c.x, dy = io.MousePos.y - c.y;
    if (hovered && dx * dx + dy * dy < node_r * node_r) node_under_mouse = i;
    if (dense && state.zoom < 1.5f) continue;
    const ImVec2 name_size = ImGui::CalcTextSize(n.name.c_str());
    d->AddText(ImVec2(std::max(min_x, c.x - name_size.x / 2), c.y + node_r + 2), text_color, n.name.c_str());
    std::string detail = n.role == Role::Host || n.role == Role::Router ? "" : std::string(role_name(n.role)) + " ";
    if (!n.addresses.empty()) detail += n.addresses.front();
    const float detail_width = ImGui::CalcTextSize(detail.c_str()).x * 0.8f;
    d->AddText(nullptr, small_text, ImVec2(std::max(min_x, c.x - detail_width / 2), c.y + node_r + 2 + name_size.y),
               dim_text, detail.c_str());
  }
  d->PopClipRect();

  // Drag a node to move it (the view only: the scenario keeps its own positions).
  if (ImGui::IsItemActivated() && node_under_mouse) state.dragged_node = node_under_mouse;
  if (!ImGui::IsItemActive()) state.dragged_node.reset();
  if (state.dragged_node && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
    Point& p = state.positions[*state.dragged_node];
    p.x += io.MouseDelta.x / at.zoom;
    p.y += io.MouseDelta.y / at.zoom;
  }
  if (node_under_mouse && !state.dragged_node) {
    const NodeInfo& n = rec.nodes()[*node_under_mouse];
    ImGui::BeginTooltip();
    ImGui::Text("%s (%s)", n.name.c_str(), role_name(n.role));
    for (const std::string& a : n.addresses) ImGui::Text("  %s", a.c_str());
    for (const std::string& app : n.apps) ImGui::Text("  runs %s", app.c_str());
    ImGui::EndTooltip();
  }
}

}  // namespace wiresim::viz
