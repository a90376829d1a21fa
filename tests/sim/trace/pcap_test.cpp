#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/support.hpp"

using namespace wiresim;

static std::vector<std::uint8_t> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

static std::uint32_t le32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}

TEST_CASE("captures are nanosecond pcap files of raw IPv4 with valid checksums") {
  auto w = test::load(test::hosts_a_b("delay = \"3ms\"\n", R"(
[[app]]
type = "echo-server"
host = "b"
[[app]]
type = "echo-client"
host = "a"
to = "b"
count = 1
)"));
  const auto dir = std::filesystem::temp_directory_path() / "wiresim-pcap-test";
  std::filesystem::remove_all(dir);
  RunOptions options;
  options.pcap_directory = dir.string();
  auto result = run_world(*w, options);
  REQUIRE(result.ok());
  CHECK(result->pcap_files == std::vector<std::string>{(dir / "a-eth0.pcap").string(), (dir / "b-eth0.pcap").string()});
  const auto bytes = read_file(dir / "a-eth0.pcap");
  REQUIRE(bytes.size() > 24);
  CHECK(le32(bytes, 0) == 0xa1b23c4d);
  CHECK(le32(bytes, 20) == 101);
  // Walk every record: lengths add up and each packet checks out.
  std::size_t at = 24, records = 0;
  while (at < bytes.size()) {
    const std::uint32_t length = le32(bytes, at + 8);
    REQUIRE(le32(bytes, at + 12) == length);
    REQUIRE(at + 16 + length <= bytes.size());
    CHECK(checksums_valid(std::span(bytes).subspan(at + 16, length)));
    at += 16 + length;
    ++records;
  }
  CHECK(at == bytes.size());
  CHECK(records >= 9);  // handshake, line, echo, ACKs and the teardown, seen from a
  std::filesystem::remove_all(dir);
}
