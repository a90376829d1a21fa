#include "protocols/smtp/date.hpp"

#include <cstdint>
#include <cstdio>

namespace wiresim::smtp {

std::string format_date(Time t) {
  static const char* const weekdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::int64_t secs = t.ns / 1'000'000'000;
  if (secs < 0) secs = 0;
  const std::int64_t days = secs / 86400;
  const std::int64_t in_day = secs % 86400;
  // Days to a civil date (Howard Hinnant's algorithm), years starting in March.
  const std::int64_t z = days + 719468;
  const std::int64_t era = z / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s, %lld %s %lld %02lld:%02lld:%02lld +0000", weekdays[days % 7],
                static_cast<long long>(day), months[month - 1], static_cast<long long>(year),
                static_cast<long long>(in_day / 3600), static_cast<long long>(in_day / 60 % 60),
                static_cast<long long>(in_day % 60));
  return buffer;
}

}  // namespace wiresim::smtp
