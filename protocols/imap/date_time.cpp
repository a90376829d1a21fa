// Calendar arithmetic after Howard Hinnant's days_from_civil / civil_from_days, so dates need
// neither the C library's time zone state nor a clock.
#include "protocols/imap/date_time.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "protocols/imap/syntax.hpp"

namespace wiresim::imap {
namespace {

constexpr std::array<std::string_view, 12> Months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month, day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

std::int64_t unix_seconds(Time t, std::int64_t epoch) { return epoch + floor_div(t.ns, 1'000'000'000); }

std::optional<unsigned> month_number(std::string_view name) {
  for (std::size_t i = 0; i < Months.size(); ++i)
    if (iequals(name, Months[i])) return static_cast<unsigned>(i + 1);
  return std::nullopt;
}

std::optional<unsigned> digits(std::string_view text, std::size_t min, std::size_t max) {
  if (text.size() < min || text.size() > max) return std::nullopt;
  unsigned n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return n;
}

// "d-Mon-yyyy" with day 1-31 (leading space allowed for date-day-fixed).
std::optional<std::int64_t> parse_day_month_year(std::string_view text) {
  if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  const std::size_t dash1 = text.find('-');
  const std::size_t dash2 = dash1 == std::string_view::npos ? dash1 : text.find('-', dash1 + 1);
  if (dash2 == std::string_view::npos) return std::nullopt;
  const auto day = digits(text.substr(0, dash1), 1, 2);
  const auto month = month_number(text.substr(dash1 + 1, dash2 - dash1 - 1));
  const auto year = digits(text.substr(dash2 + 1), 4, 4);
  if (!day || !month || !year || *day < 1 || *day > 31) return std::nullopt;
  return days_from_civil(*year, *month, *day);
}

}  // namespace

std::string format_date_time(Time t, std::int64_t epoch) {
  const std::int64_t secs = unix_seconds(t, epoch);
  const std::int64_t days = floor_div(secs, 86400);
  const std::int64_t rem = secs - days * 86400;
  const Civil c = civil_from_days(days);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%2u-%s-%04lld %02lld:%02lld:%02lld +0000", c.day, Months[c.month - 1].data(),
                static_cast<long long>(c.year), static_cast<long long>(rem / 3600),
                static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  return buf;
}

std::int64_t day_number(Time t, std::int64_t epoch) { return floor_div(unix_seconds(t, epoch), 86400); }

std::optional<std::int64_t> parse_date(std::string_view text) { return parse_day_month_year(text); }

std::optional<Time> parse_date_time(std::string_view text, std::int64_t epoch) {
  // RFC 3501 9: date-day-fixed "-" date-month "-" date-year SP time SP zone, 26 characters.
  if (text.size() != 26 || text[11] != ' ' || text[20] != ' ' || text[14] != ':' || text[17] != ':')
    return std::nullopt;
  const auto days = parse_day_month_year(text.substr(0, 11));
  const auto hh = digits(text.substr(12, 2), 2, 2), mm = digits(text.substr(15, 2), 2, 2),
             ss = digits(text.substr(18, 2), 2, 2);
  const char sign = text[21];
  const auto zh = digits(text.substr(22, 2), 2, 2), zm = digits(text.substr(24, 2), 2, 2);
  if (!days || !hh || !mm || !ss || !zh || !zm || (sign != '+' && sign != '-') || *hh > 23 || *mm > 59 || *ss > 60)
    return std::nullopt;
  std::int64_t secs = *days * 86400 + *hh * 3600 + *mm * 60 + *ss;
  const std::int64_t zone = (*zh * 60 + *zm) * 60;
  secs += sign == '+' ? -zone : zone;  // local time minus the zone offset is UTC
  return Time{(secs - epoch) * 1'000'000'000};
}

std::optional<std::int64_t> parse_header_date(std::string_view text) {
  // [day-of-week ","] day month year ...: find the first number followed by a month name.
  std::size_t i = text.find(',');
  i = i == std::string_view::npos ? 0 : i + 1;
  auto skip_spaces = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  auto word = [&] {
    skip_spaces();
    const std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    return text.substr(start, i - start);
  };
  const auto day = digits(word(), 1, 2);
  const auto month = month_number(word());
  const auto year = digits(word(), 4, 4);
  if (!day || !month || !year || *day < 1 || *day > 31) return std::nullopt;
  return days_from_civil(*year, *month, *day);
}

}  // namespace wiresim::imap
