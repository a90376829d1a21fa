#include "sim/core/time.hpp"

#include <cstdio>
#include <cstdlib>

namespace wiresim {

std::string format_time(Time t) {
  char buf[40];
  const char* sign = t.ns < 0 ? "-" : "";
  const std::int64_t a = std::llabs(t.ns);
  std::snprintf(buf, sizeof buf, "%s%lld.%09lld", sign, static_cast<long long>(a / 1'000'000'000),
                static_cast<long long>(a % 1'000'000'000));
  return buf;
}

std::string format_duration(Duration d) {
  struct Unit { std::int64_t ns; const char* name; };
  static constexpr Unit units[] = {{1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"}, {1, "ns"}};
  for (const Unit& u : units) {
    if (std::llabs(d.ns) < u.ns && u.ns != 1) continue;
    char buf[48];
    if (d.ns % u.ns == 0) {
      std::snprintf(buf, sizeof buf, "%lld%s", static_cast<long long>(d.ns / u.ns), u.name);
      return buf;
    }
    std::snprintf(buf, sizeof buf, "%.9f", static_cast<double>(d.ns) / static_cast<double>(u.ns));
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    return s + u.name;
  }
  return "0s";
}

}  // namespace wiresim
