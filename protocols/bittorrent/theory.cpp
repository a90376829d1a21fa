#include "protocols/bittorrent/theory.hpp"

#include <algorithm>
#include <cstdio>

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
                  {n * p.file_bits / (p.server_upload + n * p.peer_upload), "N F / (us + N u)"}});
}

std::string distribution_table(double file_bits, double server_upload, double min_download,
                               const std::vector<double>& peer_uploads, const std::vector<std::uint64_t>& peers) {
  constexpr std::size_t First = 22, Width = 28;
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "x" + string chains.
  std::string out = "Minimum distribution time, F = ";
  out += bits_text(file_bits);
  out += ", us = ";
  out += rate_text(server_upload);
  out += ", dmin = ";
  out += rate_text(min_download);
  out += "\n\n";
  std::string header = pad("", First);
  for (const std::uint64_t n : peers) {
    std::string label = "N = ";
    label += std::to_string(n);
    header += pad(std::move(label), Width);
  }
  while (!header.empty() && header.back() == ' ') header.pop_back();
  auto row = [&](const std::string& label, auto bound_of) {
    std::string line = pad(label, First);
    for (const std::uint64_t n : peers) line += pad(cell(bound_of(n)), Width);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  out += "Client-server: D_cs = max{N F / us, F / dmin} (the same for every u)\n";
  out += header;
  out += '\n';
  out += row("", [&](std::uint64_t n) { return client_server_time({file_bits, server_upload, min_download, 0, n}); });
  out += "\nP2P: D_p2p = max{F / us, F / dmin, N F / (us + N u)}\n";
  out += header;
  out += '\n';
  for (const double u : peer_uploads) {
    std::string label = "u = ";
    label += rate_text(u);
    out += row(label, [&](std::uint64_t n) { return p2p_time({file_bits, server_upload, min_download, u, n}); });
  }
  return out;
}

std::string distribution_csv(double file_bits, double server_upload, double min_download,
                             const std::vector<double>& peer_uploads, const std::vector<std::uint64_t>& peers) {
  std::string out = "N,u_bps,mode,theory_s,bottleneck\n";
  char buf[160];
  for (const double u : peer_uploads)
    for (const std::uint64_t n : peers) {
      const DistributionProblem p{file_bits, server_upload, min_download, u, n};
      for (const auto& [mode, bound] : {std::pair{"client-server", client_server_time(p)}, std::pair{"p2p", p2p_time(p)}}) {
        std::snprintf(buf, sizeof buf, "%llu,%.0f,%s,%.3f,%s\n", static_cast<unsigned long long>(n), u, mode,
                      bound.seconds, bound.term.c_str());
        out += buf;
      }
    }
  return out;
}

}  // namespace wiresim::bittorrent
