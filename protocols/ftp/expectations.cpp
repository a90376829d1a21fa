// Facts about FTP checked when the run ends: transfers a server saw (ftp-transfer) and what its
// file tree holds (ftp-file).
#include "protocols/ftp/ftp_server.hpp"
#include "protocols/ftp/ftp_world.hpp"
#include "sim/scenario/bounds.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"

namespace wiresim::ftp {
namespace {

NodeId ftp_server(ExpectationContext& c) {
  const NodeId node = c.table.node("server");
  if (!c.world.service<FtpWorld>().server(node))
    c.table.fail("server", "'" + c.world.net.node(node).name() + "' runs no ftp-server app");
  return node;
}

// How many transfers a server saw end, filtered by client, file, direction, mode and outcome.
class TransferExpectation : public Expectation {
 public:
  explicit TransferExpectation(ExpectationContext& c) {
    server_ = c.world.net.node(ftp_server(c)).name();
    if (c.table.has("host")) host_ = c.world.net.node(c.table.node("host")).name();
    file_ = c.table.string_or("file", "");
    const std::string direction = c.table.choice("direction", {"get", "put", "list", "any"}, "any");
    direction_ = direction == "get" ? Direction::Download : direction == "put" ? Direction::Upload
               : direction == "list" ? Direction::Listing : Direction::None;
    const std::string mode = c.table.choice("mode", {"active", "passive", "any"}, "any");
    mode_ = mode == "active" ? DataMode::Active : mode == "passive" ? DataMode::Passive : DataMode::None;
    completed_ = c.table.choice("outcome", {"completed", "aborted"}, "completed") == "completed";
    if (c.table.has("bytes")) bytes_ = c.table.bytes("bytes");
    bounds_ = Bounds::read(c.table, 1);
  }
  std::string describe() const override {
    std::string d = server_ + " sees " + bounds_.text(completed_ ? "completed transfer" : "aborted transfer");
    if (direction_ != Direction::None) d += " (" + std::string(to_string(direction_)) + ")";
    if (!file_.empty()) d += " of " + file_;
    if (bytes_) d += " with " + std::to_string(*bytes_) + " bytes";
    if (mode_ != DataMode::None) d += " in " + std::string(to_string(mode_)) + " mode";
    if (host_) d += " from " + *host_;
    return d;
  }
  Verdict check(const World& world) const override {
    const FtpWorld* ftp = world.find_service<FtpWorld>();
    std::uint64_t n = 0, all = 0;
    std::string sizes;
    for (const TransferRecord& r : ftp ? ftp->transfers() : std::vector<TransferRecord>{}) {
      if (r.server != server_) continue;
      ++all;
      if (host_ && r.client != *host_) continue;
      if (!file_.empty() && r.file != file_ && name_of(r.file) != file_) continue;
      if (direction_ != Direction::None && r.direction != direction_) continue;
      if (mode_ != DataMode::None && r.mode != mode_) continue;
      if (r.completed != completed_) continue;
      if (!sizes.empty()) sizes += ", ";
      sizes += std::to_string(r.bytes);
      if (bytes_ && r.bytes != *bytes_) continue;
      ++n;
    }
    std::string detail = std::to_string(n) + " of " + std::to_string(all) + " transfers match";
    if (!sizes.empty()) detail += " (bytes: " + sizes + ")";
    return {bounds_.holds(n), detail};
  }

 private:
  std::string server_, file_;
  std::optional<std::string> host_;
  Direction direction_ = Direction::None;
  DataMode mode_ = DataMode::None;
  bool completed_ = true;
  std::optional<std::uint64_t> bytes_;
  Bounds bounds_;
};

// The server's file tree at the end: `path` exists (or not), with a size, containing a text.
class FileExpectation : public Expectation {
 public:
  explicit FileExpectation(ExpectationContext& c) {
    node_ = ftp_server(c);
    server_ = c.world.net.node(node_).name();
    path_ = c.table.string("path");
    if (path_.empty() || path_[0] != '/') c.table.fail("path", "'path' is absolute, as in \"/home/bob/report.txt\"");
    exists_ = c.table.boolean_or("exists", true);
    if (c.table.has("size")) size_ = c.table.bytes("size");
    contains_ = c.table.string_or("contains", "");
  }
  std::string describe() const override {
    if (!exists_) return server_ + " has no " + path_;
    std::string d = server_ + " has " + path_;
    if (size_) d += " of " + std::to_string(*size_) + " bytes";
    if (!contains_.empty()) d += " containing \"" + contains_ + "\"";
    return d;
  }
  Verdict check(const World& world) const override {
    const FtpWorld* ftp = world.find_service<FtpWorld>();
    const FtpServerApp* server = ftp ? ftp->server(node_) : nullptr;
    const Entry* entry = server ? server->vfs().find(path_) : nullptr;
    if (!entry) return {!exists_, "no such file or directory"};
    if (!exists_) return {false, entry->directory ? "a directory" : "a file"};
    if (entry->directory) return {!size_ && contains_.empty(), "a directory"};
    const std::uint64_t size = server->vfs().size(*entry);
    const bool has = contains_.empty() || server->vfs().content(path_).find(contains_) != std::string::npos;
    return {(!size_ || size == *size_) && has,
            std::to_string(size) + " bytes" + (contains_.empty() ? "" : has ? ", text found" : ", text not found")};
  }

 private:
  NodeId node_ = 0;
  std::string server_, path_, contains_;
  bool exists_ = true;
  std::optional<std::uint64_t> size_;
};

}  // namespace

void register_expectations(Registry& registry) {
  registry.add_expectation("ftp-transfer", {"how many transfers an ftp-server saw end (host, file, direction, mode, outcome, bytes)",
                                            [](ExpectationContext& c) { return std::make_unique<TransferExpectation>(c); }});
  registry.add_expectation("ftp-file", {"a path on an ftp-server's file tree at the end (exists, size, contains)",
                                        [](ExpectationContext& c) { return std::make_unique<FileExpectation>(c); }});
}

}  // namespace wiresim::ftp
