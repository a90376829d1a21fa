#include "protocols/bittorrent/theory.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace wiresim::bittorrent {
namespace {

// The largest of the candidate bounds; the first listed wins a tie.
Bound largest(std::initializer_list<Bound> bounds) {
  Bound best = *bounds.begin();
  for (const Bound& b : bounds)
    if (b.seconds > best.seconds) best = b;
  return best;
}

std::string cell(const Bound& b) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f s  %s", b.seconds, b.term.c_str());
  return buf;
}

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::string rate_text(double bps) {
  char buf[32];
  if (bps >= 1e9 && static_cast<std::uint64_t>(bps) % 1'000'000'000 == 0) std::snprintf(buf, sizeof buf, "%.0f Gbps", bps / 1e9);
  else if (bps >= 1e6 && static_cast<std::uint64_t>(bps) % 1'000'000 == 0) std::snprintf(buf, sizeof buf, "%.0f Mbps", bps / 1e6);
  else if (bps >= 1e3 && static_cast<std::uint64_t>(bps) % 1'000 == 0) std::snprintf(buf, sizeof buf, "%.0f kbps", bps / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f bps", bps);
  return buf;
}

std::string bits_text(double bits) {
  char buf[32];
  if (bits >= 1e9) std::snprintf(buf, sizeof buf, "%g Gbit", bits / 1e9);
  else if (bits >= 1e6) std::snprintf(buf, sizeof buf, "%g Mbit", bits / 1e6);
  else std::snprintf(buf, sizeof buf, "%g bit", bits);
  return buf;
}


Bound client_server_time(const DistributionProblem& p) {
  const double n = static_cast<double>(p.peers);
  return largest({{n * p.file_bits / p.server_upload, "N F / us"}, {p.file_bits / p.min_download, "F / dmin"}});
}

Bound p2p_time(const DistributionProblem& p) {
  const double n = static_cast<double>(p.peers);
  return largest({{p.file_bits / p.server_upload, "F / us"},
                  {p.file_bits / p.min_download, "F / dmin"},
                  {n * p.file_bits / (p.server_upload + n * p.peer_upload), p.mixed ? "N F / (us + sum ui)" : "N F / (us + N u)"}});
}

DistributionProblem problem_for(double file_bits, double server_upload, const PeerMix& mix, std::uint64_t n) {
  DistributionProblem p{file_bits, server_upload, 0, 0, n, !is_uniform(mix)};
  double upload_sum = 0;
  for (const PeerGroup& g : peer_groups(mix, n)) {
    upload_sum += static_cast<double>(g.count) * g.upload;
    p.min_download = p.min_download == 0 ? g.download : std::min(p.min_download, g.download);
  }
  p.peer_upload = n > 0 ? upload_sum / static_cast<double>(n) : 0;
  return p;
}

namespace {

// "1.998 Gbps": a sum of rates, which rate_text would print to the last bit per second.
std::string approximate_rate(double bps) {
  static constexpr std::pair<double, const char*> Units[] = {
      {1e18, "Ebps"}, {1e15, "Pbps"}, {1e12, "Tbps"}, {1e9, "Gbps"}, {1e6, "Mbps"}, {1e3, "kbps"}};
  char buf[32];
  for (const auto& [scale, unit] : Units)
    if (bps >= scale) {
      std::snprintf(buf, sizeof buf, "%.4g %s", bps / scale, unit);
      return buf;
    }
  std::snprintf(buf, sizeof buf, "%.0f bps", bps);
  return buf;
}

}  // namespace

// Uniform populations sharing one d (the textbook's), or a single mix.
std::string distribution_table(double file_bits, double server_upload, const std::vector<PeerMix>& populations,
                               const std::vector<std::uint64_t>& peers) {
  constexpr std::size_t First = 22, Width = 28;
  const bool uniform = std::all_of(populations.begin(), populations.end(), [](const PeerMix& m) { return is_uniform(m); });
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "x" + string chains.
  std::string out = "Minimum distribution time, F = ";
  out += bits_text(file_bits);
  out += ", us = ";
  out += rate_text(server_upload);
  if (uniform && !populations.empty()) {
    out += ", dmin = ";
    out += rate_text(populations.front().front().download);
  }
  out += "\n";
  for (const PeerMix& mix : populations)
    if (!is_uniform(mix)) {
      out += "Peers (upload/download): ";
      out += mix_label(mix);
      out += "\n";
    }
  out += "\n";
  std::string header = pad("", First);
  for (const std::uint64_t n : peers) {
    std::string label = "N = ";
    label += std::to_string(n);
    header += pad(std::move(label), Width);
  }
  while (!header.empty() && header.back() == ' ') header.pop_back();
  auto row = [&](const std::string& label, auto cell_of) {
    std::string line = pad(label, First);
    for (const std::uint64_t n : peers) line += pad(cell_of(n), Width);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  auto problem = [&](const PeerMix& mix, std::uint64_t n) { return problem_for(file_bits, server_upload, mix, n); };
  out += uniform ? "Client-server: D_cs = max{N F / us, F / dmin} (the same for every u)\n"
                 : "Client-server: D_cs = max{N F / us, F / dmin}\n";
  out += header;
  out += '\n';
  // Client-server does not depend on u: one row, unless the populations' dmin differ.
  std::vector<std::string> client_server_rows;
  for (const PeerMix& mix : populations) {
    std::string r = row(populations.size() > 1 && !uniform ? mix_label(mix) : "",
                        [&](std::uint64_t n) { return cell(client_server_time(problem(mix, n))); });
    if (std::find(client_server_rows.begin(), client_server_rows.end(), r) == client_server_rows.end())
      client_server_rows.push_back(std::move(r));
  }
  for (const std::string& r : client_server_rows) out += r;
  out += uniform ? "\nP2P: D_p2p = max{F / us, F / dmin, N F / (us + N u)}\n"
                 : "\nP2P: D_p2p = max{F / us, F / dmin, N F / (us + sum ui)}\n";
  out += header;
  out += '\n';
  for (const PeerMix& mix : populations) {
    if (is_uniform(mix)) {
      out += row(mix_label(mix), [&](std::uint64_t n) { return cell(p2p_time(problem(mix, n))); });
      continue;
    }
    out += row("dmin", [&](std::uint64_t n) { return rate_text(problem(mix, n).min_download); });
    out += row("sum ui", [&](std::uint64_t n) {
      const DistributionProblem p = problem(mix, n);
      return approximate_rate(p.peer_upload * static_cast<double>(n));
    });
    out += row("D_p2p", [&](std::uint64_t n) { return cell(p2p_time(problem(mix, n))); });
  }
  return out;
}

std::string distribution_csv(double file_bits, double server_upload, const std::vector<PeerMix>& populations,
                             const std::vector<std::uint64_t>& peers) {
  std::string out = "N,u_bps,mode,theory_s,bottleneck\n";
  char buf[160];
  for (const PeerMix& mix : populations)
    for (const std::uint64_t n : peers) {
      const DistributionProblem p = problem_for(file_bits, server_upload, mix, n);
      for (const auto& [mode, bound] : {std::pair{"client-server", client_server_time(p)}, std::pair{"p2p", p2p_time(p)}}) {
        std::snprintf(buf, sizeof buf, "%llu,%.0f,%s,%.3f,%s\n", static_cast<unsigned long long>(n), p.peer_upload, mode,
                      bound.seconds, bound.term.c_str());
        out += buf;
      }
    }
  return out;
}

}  // namespace wiresim::bittorrent
