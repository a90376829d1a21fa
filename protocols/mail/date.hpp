// Dates in mail: RFC 5322 3.3 date-time for the Date field, IMAP's date and date-time (RFC 3501
// 9: "1-Jan-2024", "01-Jan-2024 09:00:00 +0000"), all from simulated time. Simulated time 0 is a
// fixed Unix instant, so a run prints the same dates every time. No leap seconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/time.hpp"

namespace wiresim::mail {

// Mon, 01 Jan 2024 09:00:00 UTC: the wall-clock instant simulated time 0 stands for.
constexpr std::int64_t DefaultEpoch = 1704099600;

// Whole Unix seconds at simulated time `t` (rounded down).
std::int64_t unix_seconds(Time t, std::int64_t epoch_unix_seconds = DefaultEpoch);

// RFC 5322 3.3: "Mon, 01 Jan 2024 09:00:00 +0000". Always UTC.
std::string format_date(Time t, std::int64_t epoch_unix_seconds = DefaultEpoch);
std::string format_unix_date(std::int64_t unix_seconds);

// RFC 3501 9 date-time, as INTERNALDATE shows it: "01-Jan-2024 09:00:00 +0000".
std::string format_imap_date_time(Time t, std::int64_t epoch_unix_seconds = DefaultEpoch);

// 1-12 for "Jan".."Dec" (RFC 5322 3.3 month names, any case); nullopt for anything else.
std::optional<unsigned> month_number(std::string_view name);

// Days since 1970-01-01 of a calendar date, and back.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
struct CivilDate {
  std::int64_t year = 1970;
  unsigned month = 1, day = 1;
};
CivilDate civil_from_days(std::int64_t days);

// The day number (days since 1970-01-01) of a date as written, time and zone disregarded as IMAP
// SEARCH SINCE/BEFORE/ON do (RFC 3501 6.4.4). Accepts "1-Jan-2024", "01-Jan-2024", the same in
// double quotes, the RFC 5322 form "Mon, 01 Jan 2024 09:00:00 +0000" (weekday optional) and
// two-digit years (RFC 5322 4.3: 00-49 are 20xx, 50-99 are 19xx). nullopt if it is not a date.
std::optional<std::int64_t> parse_day(std::string_view text);

// The instant a date-time stands for, in Unix seconds, the zone applied: the RFC 5322 form, or
// IMAP's "17-Jul-1996 02:44:25 -0700". A date with no time is midnight UTC. Obsolete zone names
// (UT, GMT, EST...) are understood; military zones count as +0000 (RFC 5322 4.3).
std::optional<std::int64_t> parse_date_time(std::string_view text);

// The day number of simulated time `t` (UTC).
std::int64_t day_number(Time t, std::int64_t epoch_unix_seconds = DefaultEpoch);

}  // namespace wiresim::mail
