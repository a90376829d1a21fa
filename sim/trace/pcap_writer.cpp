#include "sim/trace/pcap_writer.hpp"

#include <cerrno>
#include <cstring>

#include "sim/net/net_events.hpp"

namespace wiresim {
namespace {

constexpr std::uint32_t NanosecondMagic = 0xa1b23c4d;
constexpr std::uint32_t LinktypeRaw = 101;
constexpr std::uint32_t Snaplen = 65535;

void put32le(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put16le(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}

}  // namespace

Result<std::unique_ptr<PcapWriter>> PcapWriter::open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Error{"cannot write " + path + ": " + std::strerror(errno)};
  std::unique_ptr<PcapWriter> w(new PcapWriter(f, path));
  auto& b = w->buffer_;
  put32le(b, NanosecondMagic);
  put16le(b, 2);
  put16le(b, 4);
  put32le(b, 0);  // thiszone
  put32le(b, 0);  // sigfigs
  put32le(b, Snaplen);
  put32le(b, LinktypeRaw);
  return w;
}

PcapWriter::~PcapWriter() {
  flush();
  std::fclose(file_);
}

void PcapWriter::write(Time t, std::span<const std::uint8_t> packet) {
  const auto captured = static_cast<std::uint32_t>(std::min<std::size_t>(packet.size(), Snaplen));
  put32le(buffer_, static_cast<std::uint32_t>(t.ns / 1'000'000'000));
  put32le(buffer_, static_cast<std::uint32_t>(t.ns % 1'000'000'000));
  put32le(buffer_, captured);
  put32le(buffer_, static_cast<std::uint32_t>(packet.size()));
  buffer_.insert(buffer_.end(), packet.begin(), packet.begin() + captured);
  if (buffer_.size() > (1u << 20)) flush();
}

void PcapWriter::flush() {
  if (!buffer_.empty()) std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
  buffer_.clear();
  std::fflush(file_);
}

Result<std::unique_ptr<CaptureSet>> CaptureSet::open(Network& net, const std::vector<CapturePoint>& points,
                                                     const std::string& directory) {
  auto set = std::make_unique<CaptureSet>();
  for (const CapturePoint& p : points) {
    const Node& n = net.node(p.node);
    const Interface& i = n.interfaces()[p.interface];
    if (set->writers_.count(&i)) continue;
    auto w = PcapWriter::open(directory + "/" + n.name() + "-" + i.name + ".pcap");
    if (!w) return Error{w.error()};
    set->writers_.emplace(&i, std::move(*w));
  }
  CaptureSet* raw = set.get();
  Simulator& sim = net.simulator();
  sim.trace().subscribe<PacketTransmitted>([raw, &sim](const PacketTransmitted& e) {
    if (auto it = raw->writers_.find(e.interface); it != raw->writers_.end()) it->second->write(sim.now(), e.packet->bytes);
  });
  sim.trace().subscribe<PacketReceived>([raw, &sim](const PacketReceived& e) {
    if (auto it = raw->writers_.find(e.interface); it != raw->writers_.end()) it->second->write(sim.now(), e.packet->bytes);
  });
  return set;
}

void CaptureSet::flush() {
  for (auto& [i, w] : writers_) w->flush();
}

std::vector<std::string> CaptureSet::paths() const {
  std::vector<std::string> out;
  for (const auto& [i, w] : writers_) out.push_back(w->path());
  return out;
}

}  // namespace wiresim
