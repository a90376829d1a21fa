// Dates: RFC 5322 3.3 formatting from simulated time, IMAP dates, parsing back to days and
// instants.
#include <doctest/doctest.h>

#include "protocols/mail/date.hpp"

using namespace wiresim;
using namespace wiresim::mail;

TEST_CASE("mail date of simulated time zero is the default epoch") {
  CHECK(format_date(Time{}) == "Mon, 01 Jan 2024 09:00:00 +0000");
  CHECK(format_imap_date_time(Time{}) == "01-Jan-2024 09:00:00 +0000");
}

TEST_CASE("mail date follows simulated time across days, months and leap years") {
  CHECK(format_date(Time{} + seconds(15 * 3600 + 61) + milliseconds(999)) == "Tue, 02 Jan 2024 00:01:01 +0000");
  CHECK(format_date(Time{} + seconds(59 * 86400)) == "Thu, 29 Feb 2024 09:00:00 +0000");
  CHECK(format_date(Time{}, 0) == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(format_date(Time{} - seconds(1), 0) == "Wed, 31 Dec 1969 23:59:59 +0000");
  CHECK(format_unix_date(951782400) == "Tue, 29 Feb 2000 00:00:00 +0000");
}

TEST_CASE("mail day numbers round-trip through the civil calendar") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2024, 1, 1) == 19723);
  for (std::int64_t d = -800000; d < 800000; d += 997) {
    const CivilDate c = civil_from_days(d);
    CHECK(days_from_civil(c.year, c.month, c.day) == d);
  }
}

TEST_CASE("mail parse_day reads IMAP and RFC 5322 dates") {
  CHECK(parse_day("1-Jan-2024") == 19723);
  CHECK(parse_day("01-Jan-2024") == 19723);
  CHECK(parse_day("\"1-jan-2024\"") == 19723);
  CHECK(parse_day("Mon, 01 Jan 2024 09:00:00 +0000") == 19723);
  CHECK(parse_day("1 Jan 2024 23:59 -1200") == 19723);  // the date as written, zone disregarded
  CHECK(parse_day("Thu, 13 Feb 69 23:32 -0330 (Newfoundland Time)") == days_from_civil(1969, 2, 13));
  CHECK(parse_day("1 Jan 05 00:00 GMT") == days_from_civil(2005, 1, 1));
  CHECK(day_number(Time{}) == 19723);
}

TEST_CASE("mail parse_day rejects what is not a date") {
  CHECK(!parse_day(""));
  CHECK(!parse_day("yesterday"));
  CHECK(!parse_day("32-Jan-2024"));
  CHECK(!parse_day("29-Feb-2023"));
  CHECK(!parse_day("1-Foo-2024"));
  CHECK(!parse_day("1-Jan-2024 25:00"));
  CHECK(!parse_day("1-Jan-2024 10"));
}

TEST_CASE("mail parse_date_time applies the zone") {
  CHECK(parse_date_time("Mon, 01 Jan 2024 09:00:00 +0000") == DefaultEpoch);
  CHECK(parse_date_time("01-Jan-2024 10:30:00 +0130") == DefaultEpoch);
  CHECK(parse_date_time("17-Jul-1996 02:44:25 -0700") == 837596665);
  CHECK(parse_date_time("Mon, 01 Jan 2024 04:00:00 EST") == DefaultEpoch);
  CHECK(parse_date_time("1-Jan-1970") == 0);
  CHECK(unix_seconds(Time{} + seconds(10)) == DefaultEpoch + 10);
}
