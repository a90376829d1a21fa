// IMAP's own date syntax, parsed as strictly as RFC 3501 9 writes it: date "1-Feb-1994" and
// date-time "17-Jul-1996 02:44:25 -0700". Calendar arithmetic and RFC 5322 Date fields are
// mail/date.hpp's. All dates printed are UTC ("+0000").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/time.hpp"

namespace wiresim::imap {

// Simulated Time 0 is this many seconds after 1970-01-01 00:00:00 UTC: 2024-01-01 at midnight,
// so an engine test's times of day read as written. The e-mail world passes mail::DefaultEpoch.
inline constexpr std::int64_t DefaultEpoch = 1'704'067'200;

// " 1-Feb-2024 09:05:00 +0000" (date-day-fixed: a space pads one-digit days), without quotes.
std::string format_date_time(Time t, std::int64_t epoch);
// "1-Feb-1994" (RFC 3501 date-text) as days since 1970-01-01.
std::optional<std::int64_t> parse_date(std::string_view text);
// "17-Jul-1996 02:44:25 -0700" (APPEND's date-time) as simulated time.
std::optional<Time> parse_date_time(std::string_view text, std::int64_t epoch);

}  // namespace wiresim::imap
