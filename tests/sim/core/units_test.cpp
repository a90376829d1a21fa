#include <doctest/doctest.h>

#include "sim/core/suggest.hpp"
#include "sim/core/units.hpp"

using namespace wiresim;

TEST_CASE("rates parse with decimal prefixes") {
  CHECK(parse_rate("10Mbps")->bits_per_second == 10'000'000);
  CHECK(parse_rate("1.5 Gbps")->bits_per_second == 1'500'000'000);
  CHECK(parse_rate("64kbps")->bits_per_second == 64'000);
}

TEST_CASE("a misspelt rate unit gets a suggestion") {
  auto r = parse_rate("10Mbs");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() ==
        "invalid rate \"10Mbs\": unknown unit \"Mbs\", expected a number followed by bps, kbps, Mbps, Gbps or Tbps "
        "(for example \"10Mbps\"); did you mean \"10Mbps\"?");
}

TEST_CASE("bits per second said another way get our spelling") {
  for (const char* text : {"100Mbit", "100 Mbit/s", "100Mb/s", "100mbps", "100MBPS"}) {
    CAPTURE(text);
    auto r = parse_rate(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().ends_with("did you mean \"100Mbps\"?"));
  }
  CHECK(parse_rate("64 kbit/s").error().ends_with("did you mean \"64kbps\"?"));
  CHECK(parse_rate("9600bit").error().ends_with("did you mean \"9600bps\"?"));
  CHECK(parse_rate("5 furlongs").error().find("did you mean") == std::string::npos);
}

TEST_CASE("durations parse to exact nanoseconds") {
  CHECK(*parse_duration("5ms") == milliseconds(5));
  CHECK(*parse_duration("1.5s") == milliseconds(1500));
  CHECK(*parse_duration("250us") == microseconds(250));
  CHECK(*parse_duration("2min") == seconds(120));
  CHECK(parse_duration("5").error() ==
        "invalid duration \"5\": the unit is missing; expected a number followed by ns, us, ms, s, min or h (for "
        "example \"5ms\")");
}

TEST_CASE("sizes distinguish KB from KiB") {
  CHECK(*parse_bytes("64KB") == 64'000);
  CHECK(*parse_bytes("64KiB") == 65'536);
  CHECK(*parse_bytes("2MB") == 2'000'000);
  CHECK(*parse_bytes("1500") == 1500);
  CHECK_FALSE(parse_bytes("lots").ok());
}

TEST_CASE("queue limits are packets or bytes") {
  auto p = parse_queue_limit("100 packets");
  CHECK(p->unit == QueueLimit::Unit::Packets);
  CHECK(p->amount == 100);
  auto b = parse_queue_limit("64KB");
  CHECK(b->unit == QueueLimit::Unit::Bytes);
  CHECK(b->amount == 64'000);
  CHECK(parse_queue_limit("100").error() ==
        "invalid queue limit \"100\": say \"packets\" or give a size, as in \"100 packets\" or \"64KB\"");
}

TEST_CASE("percentages become probabilities") {
  CHECK(*parse_percent("1%") == doctest::Approx(0.01));
  CHECK_FALSE(parse_percent("150%").ok());
}

TEST_CASE("transmission time rounds up to the nanosecond") {
  CHECK(transmission_time(1500, Rate{10'000'000}) == microseconds(1200));
  CHECK(transmission_time(1, Rate{3}) == Duration{2'666'666'667});
}

TEST_CASE("suggestions find near misses and ignore unrelated names") {
  CHECK(did_you_mean("bobb", {"alice", "bob", "r1"}) == "; did you mean 'bob'?");
  CHECK(did_you_mean("raet", {"rate", "delay"}) == "; did you mean 'rate'?");
  CHECK(did_you_mean("zzzzzz", {"alice", "bob"}).empty());
}

TEST_CASE("file sizes in bits take bit units and byte units") {
  CHECK(*parse_bits("15Gbit") == doctest::Approx(15e9));
  CHECK(*parse_bits("300kbit") == doctest::Approx(3e5));
  CHECK(*parse_bits("2GB") == doctest::Approx(16e9));
  CHECK(parse_bits("15").error() ==
        "invalid file size \"15\": the unit is missing; expected a number followed by bit, kbit, Mbit, Gbit, Tbit, B, "
        "KB, MB, GB, TB, KiB, MiB or GiB (for example \"15Gbit\")");
}
