#include "protocols/bittorrent/peer_mix.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cmath>

#include "protocols/bittorrent/theory.hpp"
#include "sim/core/suggest.hpp"
#include "sim/core/units.hpp"

namespace wiresim::bittorrent {
namespace {

constexpr const char* Example = "WHO:UPLOAD/DOWNLOAD, such as \"1:300kbps/500kbps\", \"20%:1Mbps/8Mbps\" or \"rest:2Mbps/10Mbps\"";

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// A percentage of n, rounded down; the epsilon keeps 20% of 10 at 2, not 1.9999. Never more
// than n (callers keep n far below 2^53).
std::uint64_t seats(double percent, std::uint64_t n) {
  const double exact = std::floor(percent * static_cast<double>(n) / 100 + 1e-9);
  return exact >= static_cast<double>(n) ? n : static_cast<std::uint64_t>(exact);
}

std::string amount_text(double amount) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", amount);
  return buf;
}

}  // namespace

PeerMix uniform_peers(double upload, double download) { return {PeerClass{PeerClass::Size::Rest, 0, upload, download}}; }

bool is_uniform(const PeerMix& mix) {
  return !mix.empty() && std::all_of(mix.begin(), mix.end(), [&](const PeerClass& c) {
           return c.upload == mix.front().upload && c.download == mix.front().download;
         });
}

std::vector<PeerMix> uniform_populations(double download, const std::vector<double>& uploads) {
  std::vector<PeerMix> out;
  for (const double u : uploads) out.push_back(uniform_peers(u, download));
  return out;
}

Result<PeerClass> parse_peer_class(std::string_view text) {
  const std::string what = "peer class " + quoted(text, '"');
  const std::size_t colon = text.find(':'), slash = text.find('/', colon == std::string_view::npos ? 0 : colon);
  if (colon == std::string_view::npos || slash == std::string_view::npos)
    return Error{what + ": expected " + Example};
  PeerClass c;
  const std::string_view who = trim(text.substr(0, colon));
  if (who == "rest") {
    c.size = PeerClass::Size::Rest;
  } else if (!who.empty() && who.back() == '%') {
    const std::string_view number = trim(who.substr(0, who.size() - 1));
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), c.amount);
    if (ec != std::errc{} || end != number.data() + number.size() || !(c.amount > 0) || c.amount > 100)
      return Error{what + ": \"" + std::string(who) + "\" is not a percentage above 0% and up to 100%"};
    c.size = PeerClass::Size::Percent;
  } else {
    std::uint64_t count = 0;
    const auto [end, ec] = std::from_chars(who.data(), who.data() + who.size(), count);
    if (ec != std::errc{} || end != who.data() + who.size() || count == 0 || count > 100'000)
      return Error{what + ": who is in it must be a number of peers (1 to 100000), a percentage such as "
                   "\"20%\", or \"rest\"; got \"" + std::string(who) + "\""};
    c.size = PeerClass::Size::Count;
    c.amount = static_cast<double>(count);
  }
  auto upload = parse_rate(trim(text.substr(colon + 1, slash - colon - 1)));
  if (!upload) return Error{what + ": upload: " + upload.error()};
  auto download = parse_rate(trim(text.substr(slash + 1)));
  if (!download) return Error{what + ": download: " + download.error()};
  c.upload = static_cast<double>(upload->bits_per_second);
  c.download = static_cast<double>(download->bits_per_second);
  return c;
}

std::optional<std::string> check_mix(const PeerMix& mix) {
  if (mix.empty()) return "no peer class: give at least one, such as \"rest:2Mbps/10Mbps\"";
  std::size_t rest = 0, counts = 0, percents = 0;
  double percent = 0;
  for (const PeerClass& c : mix) {
    rest += c.size == PeerClass::Size::Rest;
    counts += c.size == PeerClass::Size::Count;
    if (c.size == PeerClass::Size::Percent) ++percents, percent += c.amount;
  }
  if (rest > 1) return "only one class can be \"rest\"";
  if (percent > 100 + 1e-9) return "the classes' percentages add up to " + amount_text(percent) + "%, over 100%";
  if (rest == 0 && counts > 0 && percents > 0)
    return "numbers of peers and percentages together need a \"rest\" class for the peers they leave";
  if (rest == 0 && percents > 0 && std::abs(percent - 100) > 1e-9)
    return "the classes' percentages add up to " + amount_text(percent) + "%; make them 100%, or add a \"rest\" class";
  return std::nullopt;
}

std::optional<std::string> check_mix_fits(const PeerMix& mix, std::uint64_t n) {
  std::uint64_t taken = 0;
  bool rest = false, percents = false;
  for (const PeerClass& c : mix) {
    if (c.size == PeerClass::Size::Count) taken += static_cast<std::uint64_t>(c.amount);
    if (c.size == PeerClass::Size::Percent) taken += seats(c.amount, n), percents = true;
    rest = rest || c.size == PeerClass::Size::Rest;
  }
  if (!rest && percents) return std::nullopt;  // largest remainders fill it to n
  if (rest ? taken <= n : taken == n) return std::nullopt;
  return "the peer classes need " + std::to_string(taken) + " peers " + (rest ? "before \"rest\"" : "in all") +
         ", but N = " + std::to_string(n);
}

std::vector<PeerGroup> peer_groups(const PeerMix& mix, std::uint64_t n) {
  std::vector<std::uint64_t> counts(mix.size(), 0);
  std::uint64_t taken = 0;
  std::optional<std::size_t> rest;
  for (std::size_t k = 0; k < mix.size(); ++k) {
    const PeerClass& c = mix[k];
    if (c.size == PeerClass::Size::Rest) rest = k;
    else counts[k] = c.size == PeerClass::Size::Count ? static_cast<std::uint64_t>(c.amount) : seats(c.amount, n);
    taken += counts[k];
  }
  if (rest) {
    counts[*rest] = taken < n ? n - taken : 0;
  } else {
    // Percentages adding up to 100%: the peers their rounding down left go one each to the
    // largest remainders (the first class wins a tie).
    std::vector<std::size_t> order;
    for (std::size_t k = 0; k < mix.size(); ++k)
      if (mix[k].size == PeerClass::Size::Percent) order.push_back(k);
    auto remainder = [&](std::size_t k) { return mix[k].amount * static_cast<double>(n) / 100 - static_cast<double>(counts[k]); };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return remainder(a) > remainder(b); });
    // Percentages adding up to 100% leave fewer peers than there are classes.
    for (std::size_t i = 0; taken < n && i < order.size(); ++i, ++taken) ++counts[order[i]];
  }
  std::vector<PeerGroup> groups;
  for (std::size_t k = 0; k < mix.size(); ++k)
    if (counts[k] > 0) groups.push_back({k, counts[k], mix[k].upload, mix[k].download});
  return groups;
}

std::string mix_label(const PeerMix& mix) {
  if (is_uniform(mix)) return "u = " + rate_text(mix.front().upload);
  std::string out;
  for (const PeerClass& c : mix) {
    if (!out.empty()) out += " + ";
    out += class_who(c);
    out += " at ";
    out += rate_text(c.upload);
    out += "/";
    out += rate_text(c.download);
  }
  return out;
}

std::string class_who(const PeerClass& c) {
  switch (c.size) {
    case PeerClass::Size::Count: return amount_text(c.amount);
    case PeerClass::Size::Percent: return amount_text(c.amount) + "%";
    case PeerClass::Size::Rest: break;
  }
  return "rest";
}

}  // namespace wiresim::bittorrent
