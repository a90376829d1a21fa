#include "protocols/imap/date_time.hpp"

#include <charconv>

#include "protocols/mail/date.hpp"

namespace wiresim::imap {
namespace {

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
  const auto month = mail::month_number(text.substr(dash1 + 1, dash2 - dash1 - 1));
  const auto year = digits(text.substr(dash2 + 1), 4, 4);
  if (!day || !month || !year || *day < 1 || *day > 31) return std::nullopt;
  return mail::days_from_civil(*year, *month, *day);
}

}  // namespace

std::string format_date_time(Time t, std::int64_t epoch) {
  // mail writes "01-Feb-2024 ..."; RFC 3501 9 date-day-fixed allows that or " 1-Feb-2024", and
  // INTERNALDATE has always shown the space.
  std::string text = mail::format_imap_date_time(t, epoch);
  if (text.front() == '0') text.front() = ' ';
  return text;
}

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

}  // namespace wiresim::imap
