#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/trace/jsonl_writer.hpp"
#include "sim/trace/recorder.hpp"
#include "tests/support.hpp"

using namespace wiresim;

static const std::string Lossy = R"(
[scenario]
duration = "20s"
[[host]]
name = "a"
[[host]]
name = "b"
[[link]]
between = ["a", "b"]
rate = "5Mbps"
delay = "10ms"
loss = "2%"
[[app]]
type = "bulk-sink"
host = "b"
[[app]]
type = "bulk-send"
host = "a"
to = "b:5001"
bytes = "300KB"
)";

static std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Outputs {
  std::string pcap, trace, report, transcript;
};

static Outputs run_once(std::uint64_t seed, const std::string& tag) {
  LoadOptions load;
  load.seed = seed;
  auto w = test::load(Lossy, load);
  const auto dir = std::filesystem::temp_directory_path() / ("wiresim-det-" + tag);
  std::filesystem::remove_all(dir);
  std::ostringstream transcript;
  RunOptions options;
  options.pcap_directory = dir.string();
  options.trace_path = (dir / "trace.jsonl").string();
  options.report_path = (dir / "report.json").string();
  options.transcript = &transcript;
  REQUIRE(run_world(*w, options).ok());
  Outputs out{slurp(dir / "a-eth0.pcap"), slurp(dir / "trace.jsonl"), slurp(dir / "report.json"), transcript.str()};
  std::filesystem::remove_all(dir);
  return out;
}

TEST_CASE("the same scenario and seed give byte-identical captures, traces, reports and transcripts") {
  const Outputs first = run_once(5, "1"), second = run_once(5, "2");
  CHECK((first.pcap == second.pcap));
  CHECK((first.trace == second.trace));
  CHECK((first.report == second.report));
  CHECK((first.transcript == second.transcript));
  CHECK(first.pcap.size() > 300'000);
}

TEST_CASE("a different seed changes the loss pattern") {
  const Outputs first = run_once(5, "3"), other = run_once(6, "4");
  CHECK((first.pcap != other.pcap));
}

TEST_CASE("every JSONL line is one object with the common fields") {
  auto w = test::load(Lossy);
  const auto path = std::filesystem::temp_directory_path() / "wiresim-trace-test.jsonl";
  RunOptions options;
  options.trace_path = path.string();
  REQUIRE(run_world(*w, options).ok());
  std::ifstream in(path);
  std::string line;
  std::size_t lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    REQUIRE(line.front() == '{');
    REQUIRE(line.back() == '}');
    REQUIRE(line.rfind("{\"t_ns\":", 0) == 0);
    REQUIRE(line.find("\"kind\":") != std::string::npos);
  }
  CHECK(lines > 500);
  std::filesystem::remove(path);
}

TEST_CASE("the recorder keeps every event in time order and the bytes of every packet") {
  auto w = test::load(Lossy);
  Recorder recorder(w->sim);
  REQUIRE(run_world(*w, {}).ok());
  const auto& records = recorder.records();
  REQUIRE(records.size() > 500);
  for (std::size_t i = 1; i < records.size(); ++i) REQUIRE(records[i - 1].time <= records[i].time);
  const Time middle = records[records.size() / 2].time;
  const std::size_t index = recorder.index_after(middle);
  CHECK(records[index - 1].time <= middle);
  if (index < records.size()) CHECK(records[index].time > middle);
  std::size_t packets = 0;
  for (const auto& r : records) {
    if (r.kind != "packet.tx") continue;
    for (const auto& f : r.fields)
      if (f.key == "uid") REQUIRE(recorder.packet(std::get<std::int64_t>(f.value)) != nullptr);
    ++packets;
  }
  CHECK(packets > 200);
}
