// IMAP dates (RFC 3501 9: date-time "17-Jul-1996 02:44:25 -0700", date "1-Feb-1994") and the
// mapping from simulated time to the calendar. All dates are UTC ("+0000"); no time zones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/time.hpp"

namespace wiresim::imap {

// Simulated Time 0 is this many seconds after 1970-01-01 00:00:00 UTC (default 2024-01-01).
inline constexpr std::int64_t DefaultEpoch = 1'704'067'200;

// " 1-Feb-2024 09:05:00 +0000" (date-day-fixed: a space pads one-digit days), without quotes.
std::string format_date_time(Time t, std::int64_t epoch);
// Days since 1970-01-01 of the UTC date of t.
std::int64_t day_number(Time t, std::int64_t epoch);
// "1-Feb-1994" (RFC 3501 date-text) as days since 1970-01-01.
std::optional<std::int64_t> parse_date(std::string_view text);
// "17-Jul-1996 02:44:25 -0700" (APPEND's date-time) as simulated time.
std::optional<Time> parse_date_time(std::string_view text, std::int64_t epoch);
// The date of an RFC 5322 Date header ("Tue, 2 Jan 2024 10:00:00 +0000") as days since 1970,
// for SENTBEFORE / SENTON / SENTSINCE; the zone is ignored as RFC 3501 6.4.4 allows.
std::optional<std::int64_t> parse_header_date(std::string_view text);

}  // namespace wiresim::imap
