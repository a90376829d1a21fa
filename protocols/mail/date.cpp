#include "protocols/mail/date.hpp"

#include <chrono>
#include <array>
#include <cstdio>

#include "protocols/mail/cfws.hpp"
#include "protocols/mail/message.hpp"

namespace wiresim::mail {

namespace {

constexpr std::array<const char*, 12> MonthNames = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<const char*, 7> DayNames = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01 was a Thursday

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct Parts {
  CivilDate date;
  std::int64_t seconds_of_day = 0;
  std::int64_t days = 0;
};

Parts split(std::int64_t unix) {
  Parts p;
  p.days = floor_div(unix, 86400);
  p.seconds_of_day = unix - p.days * 86400;
  p.date = civil_from_days(p.days);
  return p;
}

std::string two(std::int64_t n) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", static_cast<int>(n));
  return buf;
}

std::string clock_text(std::int64_t seconds_of_day) {
  std::string out = two(seconds_of_day / 3600);
  out += ':';
  out += two(seconds_of_day / 60 % 60);
  out += ':';
  out += two(seconds_of_day % 60);
  return out;
}

// A little scanner over the date text: numbers, words and single punctuation characters, with
// CFWS and the double quotes around an IMAP date skipped between them.
struct Scanner {
  std::string_view text;
  std::size_t pos = 0;

  void skip_space() {
    pos = skip_cfws(text, pos);
    while (pos < text.size() && text[pos] == '"') pos = skip_cfws(text, pos + 1);
  }
  bool at_end() {
    skip_space();
    return pos >= text.size();
  }
  bool punct(char c) {
    skip_space();
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  // Digits only, at most `max_digits` of them.
  std::optional<std::int64_t> number(std::size_t max_digits, std::size_t* digits = nullptr) {
    skip_space();
    std::size_t start = pos;
    std::int64_t n = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && pos - start < max_digits)
      n = n * 10 + (text[pos++] - '0');
    if (pos == start) return std::nullopt;
    if (digits) *digits = pos - start;
    return n;
  }
  std::string_view word() {
    skip_space();
    std::size_t start = pos;
    while (pos < text.size() && ((text[pos] >= 'a' && text[pos] <= 'z') || (text[pos] >= 'A' && text[pos] <= 'Z')))
      ++pos;
    return text.substr(start, pos - start);
  }
};

unsigned days_in_month(std::int64_t year, unsigned month) {
  static constexpr unsigned Days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : Days[month - 1];
}

struct DateTime {
  std::int64_t days = 0;
  std::int64_t seconds_of_day = 0;
  std::int64_t zone_seconds = 0;  // east of UTC
};

// [day-name ","] day (SP / "-") month (SP / "-") year [hour ":" minute [":" second] [zone]]
std::optional<DateTime> scan(std::string_view text) {
  Scanner s{text};
  std::size_t save = s.pos;
  const std::string_view first = s.word();
  if (!first.empty()) {
    s.punct(',');  // the day name; which day it claims is not checked
  } else {
    s.pos = save;
  }
  const auto day = s.number(2);
  if (!day) return std::nullopt;
  s.punct('-');
  const auto month = month_number(s.word());
  if (!month) return std::nullopt;
  s.punct('-');
  std::size_t digits = 0;
  auto year = s.number(4, &digits);
  if (!year) return std::nullopt;
  if (digits == 2) *year += *year < 50 ? 2000 : 1900;  // RFC 5322 4.3
  else if (digits == 3) *year += 1900;
  if (*day < 1 || *day > days_in_month(*year, *month)) return std::nullopt;
  DateTime dt;
  dt.days = days_from_civil(*year, *month, static_cast<unsigned>(*day));
  if (s.at_end()) return dt;
  const auto hour = s.number(2);
  if (!hour || !s.punct(':')) return std::nullopt;
  const auto minute = s.number(2);
  if (!minute) return std::nullopt;
  std::int64_t second = 0;
  if (s.punct(':')) {
    const auto sec = s.number(2);
    if (!sec) return std::nullopt;
    second = *sec;
  }
  if (*hour > 23 || *minute > 59 || second > 60) return std::nullopt;
  dt.seconds_of_day = *hour * 3600 + *minute * 60 + second;
  if (s.at_end()) return dt;
  // RFC 5322 3.3: zone = ("+" / "-") 4DIGIT; 4.3: obsolete names.
  const bool plus = s.punct('+');
  const bool minus = !plus && s.punct('-');
  if (plus || minus) {
    const auto zone = s.number(4);
    if (!zone) return std::nullopt;
    const std::int64_t seconds = (*zone / 100) * 3600 + (*zone % 100) * 60;
    dt.zone_seconds = minus ? -seconds : seconds;
    return dt;
  }
  const std::string_view name = s.word();
  struct Zone {
    const char* name;
    int hours;
  };
  static constexpr Zone Zones[] = {{"UT", 0},   {"GMT", 0},  {"EST", -5}, {"EDT", -4}, {"CST", -6},
                                   {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
  for (const Zone& zone : Zones)
    if (iequals(name, zone.name)) dt.zone_seconds = zone.hours * 3600;
  return dt;
}

}  // namespace

std::optional<unsigned> month_number(std::string_view name) {
  for (unsigned i = 0; i < 12; ++i)
    if (iequals(name, MonthNames[i])) return i + 1;
  return std::nullopt;
}

// The proleptic Gregorian calendar of <chrono> (C++20), counted in days from 1970-01-01.
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  using namespace std::chrono;
  const sys_days d{year_month_day{std::chrono::year{static_cast<int>(year)}, std::chrono::month{month}, std::chrono::day{day}}};
  return d.time_since_epoch().count();
}

CivilDate civil_from_days(std::int64_t days) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{std::chrono::days{days}}};
  CivilDate date;
  date.year = static_cast<int>(ymd.year());
  date.month = static_cast<unsigned>(ymd.month());
  date.day = static_cast<unsigned>(ymd.day());
  return date;
}

std::int64_t unix_seconds(Time t, std::int64_t epoch_unix_seconds) {
  return epoch_unix_seconds + floor_div(t.ns, 1'000'000'000);
}

std::string format_unix_date(std::int64_t unix) {
  const Parts p = split(unix);
  std::string out = DayNames[static_cast<std::size_t>(((p.days % 7) + 7) % 7)];
  out += ", ";
  out += two(p.date.day);
  out += ' ';
  out += MonthNames[p.date.month - 1];
  out += ' ';
  out += std::to_string(p.date.year);
  out += ' ';
  out += clock_text(p.seconds_of_day);
  out += " +0000";
  return out;
}

std::string format_date(Time t, std::int64_t epoch_unix_seconds) {
  return format_unix_date(unix_seconds(t, epoch_unix_seconds));
}

std::string format_imap_date_time(Time t, std::int64_t epoch_unix_seconds) {
  const Parts p = split(unix_seconds(t, epoch_unix_seconds));
  std::string out = two(p.date.day);
  out += '-';
  out += MonthNames[p.date.month - 1];
  out += '-';
  out += std::to_string(p.date.year);
  out += ' ';
  out += clock_text(p.seconds_of_day);
  out += " +0000";
  return out;
}

std::optional<std::int64_t> parse_day(std::string_view text) {
  const auto dt = scan(text);
  if (!dt) return std::nullopt;
  return dt->days;
}

std::optional<std::int64_t> parse_date_time(std::string_view text) {
  const auto dt = scan(text);
  if (!dt) return std::nullopt;
  return dt->days * 86400 + dt->seconds_of_day - dt->zone_seconds;
}

std::int64_t day_number(Time t, std::int64_t epoch_unix_seconds) {
  return floor_div(unix_seconds(t, epoch_unix_seconds), 86400);
}

}  // namespace wiresim::mail
