// pcap files, one per capture point (a node's interface), as tcpdump would write them on that
// interface: packets as they start transmission and as they arrive. Nanosecond timestamps and
// LINKTYPE_RAW (bare IPv4), which Wireshark and tshark open directly.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/result.hpp"
#include "sim/core/simulator.hpp"
#include "sim/net/network.hpp"

namespace wiresim {

class PcapWriter {
 public:
  static Result<std::unique_ptr<PcapWriter>> open(const std::string& path);
  ~PcapWriter();
  void write(Time t, std::span<const std::uint8_t> packet);
  void flush();
  const std::string& path() const { return path_; }

 private:
  PcapWriter(std::FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
  std::FILE* file_;
  std::string path_;
  std::vector<std::uint8_t> buffer_;
};

struct CapturePoint {
  NodeId node;
  int interface;  // index into the node's interfaces
};

// Subscribes to the bus and writes every chosen interface's traffic to DIR/<node>-<iface>.pcap.
class CaptureSet {
 public:
  static Result<std::unique_ptr<CaptureSet>> open(Network& net, const std::vector<CapturePoint>& points,
                                                  const std::string& directory);
  void flush();
  std::vector<std::string> paths() const;

 private:
  std::map<const Interface*, std::unique_ptr<PcapWriter>> writers_;
};

}  // namespace wiresim
