#include "protocols/ftp/vfs.hpp"

#include <chrono>
#include <array>
#include <cstdio>

namespace wiresim::ftp {
namespace {

struct Civil {
  int year, month, day, hour, minute, second;
};

// Seconds since 1970-01-01 to a proleptic Gregorian date and time, with <chrono>'s calendar.
Civil to_civil(std::int64_t unix_seconds) {
  using namespace std::chrono;
  const sys_seconds t{std::chrono::seconds{unix_seconds}};
  const sys_days days = floor<std::chrono::days>(t);
  const auto rest = static_cast<int>((t - days).count());
  const year_month_day ymd{days};
  return Civil{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
               static_cast<int>(static_cast<unsigned>(ymd.day())), rest / 3600, rest / 60 % 60, rest % 60};
}

std::int64_t unix_seconds(Time t) {
  std::int64_t s = t.ns / 1'000'000'000;
  if (t.ns < 0 && t.ns % 1'000'000'000 != 0) --s;
  return EpochUnixSeconds + s;
}

std::string pad_right(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string pad_left(std::string text, std::size_t width) {
  if (text.size() < width) text.insert(0, width - text.size(), ' ');
  return text;
}

bool is_inside(std::string_view path, std::string_view directory) {
  if (directory == "/") return path.size() > 1;
  return path.size() > directory.size() && path.substr(0, directory.size()) == directory &&
         path[directory.size()] == '/';
}

}  // namespace

std::string format_mdtm(Time modified) {
  const Civil c = to_civil(unix_seconds(modified));
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02d%02d%02d%02d%02d", c.year, c.month, c.day, c.hour, c.minute,
                c.second);
  return text;
}

std::string resolve_path(std::string_view cwd, std::string_view path) {
  std::vector<std::string> parts;
  auto walk = [&parts](std::string_view text) {
    while (!text.empty()) {
      const std::size_t slash = text.find('/');
      const std::string_view part = text.substr(0, slash);
      if (part == "..") {
        if (!parts.empty()) parts.pop_back();
      } else if (!part.empty() && part != ".") {
        parts.emplace_back(part);
      }
      if (slash == std::string_view::npos) break;
      text.remove_prefix(slash + 1);
    }
  };
  if (path.empty() || path.front() != '/') walk(cwd);
  walk(path);
  std::string out;
  for (const std::string& part : parts) out += "/" + part;
  return out.empty() ? "/" : out;
}

std::string parent_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string name_of(std::string_view path) {
  if (path == "/") return "/";
  const std::size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

Vfs::Vfs() {
  Entry root;
  root.directory = true;
  root.owner = "root";
  entries_.emplace("/", std::move(root));
}

Result<bool> Vfs::add_entry(std::string_view path, Entry entry) {
  if (path.empty() || path.front() != '/')
    return Error{"ftp vfs: expected an absolute path, got \"" + std::string(path) + "\""};
  const std::string normal = resolve_path("/", path);
  if (normal == "/" || entries_.contains(normal))
    return Error{"ftp vfs: \"" + normal + "\" already exists; choose another name"};
  if (!is_directory(parent_of(normal)))
    return Error{"ftp vfs: the directory \"" + parent_of(normal) + "\" does not exist; add it first"};
  entries_.emplace(normal, std::move(entry));
  return true;
}

Result<bool> Vfs::add_directory(std::string_view path, std::string_view owner, Time modified) {
  Entry entry;
  entry.directory = true;
  entry.owner = std::string(owner);
  entry.modified = modified;
  return add_entry(path, std::move(entry));
}

Result<bool> Vfs::add_file(std::string_view path, std::string content, std::string_view owner, Time modified) {
  Entry entry;
  entry.owner = std::string(owner);
  entry.content = std::move(content);
  entry.modified = modified;
  return add_entry(path, std::move(entry));
}

Result<bool> Vfs::add_generated_file(std::string_view path, std::uint64_t size, std::string_view owner,
                                     Time modified) {
  if (size > MaxGeneratedSize)
    return Error{"ftp vfs: a generated file holds at most " + std::to_string(MaxGeneratedSize) + " octets, not " +
                 std::to_string(size)};
  Entry entry;
  entry.owner = std::string(owner);
  entry.generated_size = size;
  entry.modified = modified;
  return add_entry(path, std::move(entry));
}

Result<bool> Vfs::set_others_can_read(std::string_view path, bool readable) {
  const auto it = entries_.find(resolve_path("/", path));
  if (it == entries_.end()) return Error{"ftp vfs: no entry \"" + std::string(path) + "\""};
  it->second.others_can_read = readable;
  return true;
}

Result<bool> Vfs::add_account(std::string_view user, std::string_view password, std::string_view home) {
  if (user.empty() || user == "anonymous" || user == "ftp")
    return Error{"ftp vfs: \"" + std::string(user) + "\" is not a name for an account; use allow_anonymous()"};
  if (!is_directory(resolve_path("/", home)))
    return Error{"ftp vfs: the home directory \"" + std::string(home) + "\" does not exist; add it first"};
  if (accounts_.contains(user)) return Error{"ftp vfs: the account \"" + std::string(user) + "\" already exists"};
  accounts_.emplace(std::string(user),
                    Account{std::string(user), std::string(password), resolve_path("/", home), false, false});
  return true;
}

Result<bool> Vfs::allow_anonymous(std::string_view home) {
  if (!is_directory(resolve_path("/", home)))
    return Error{"ftp vfs: the home directory \"" + std::string(home) + "\" does not exist; add it first"};
  anonymous_ = Account{"anonymous", "", resolve_path("/", home), true, true};
  return true;
}

const Account* Vfs::find_account(std::string_view user) const {
  if (user == "anonymous" || user == "ftp") return anonymous_ ? &*anonymous_ : nullptr;
  const auto it = accounts_.find(user);
  return it == accounts_.end() ? nullptr : &it->second;
}

const Entry* Vfs::find(std::string_view path) const {
  const auto it = entries_.find(path);
  return it == entries_.end() ? nullptr : &it->second;
}

bool Vfs::is_directory(std::string_view path) const {
  const Entry* entry = find(path);
  return entry && entry->directory;
}

bool Vfs::is_file(std::string_view path) const {
  const Entry* entry = find(path);
  return entry && !entry->directory;
}

std::vector<std::string> Vfs::children(std::string_view directory) const {
  std::vector<std::string> names;
  const std::string prefix = directory == "/" ? "/" : std::string(directory) + "/";
  for (auto it = entries_.lower_bound(prefix); it != entries_.end() && it->first.starts_with(prefix); ++it) {
    const std::string_view rest = std::string_view(it->first).substr(prefix.size());
    if (!rest.empty() && rest.find('/') == std::string_view::npos) names.emplace_back(rest);
  }
  return names;
}

std::string Vfs::content(std::string_view path) const {
  const Entry* entry = find(path);
  if (!entry || entry->directory) return {};
  return entry->generated_size ? generated_content(*entry->generated_size, path) : entry->content;
}

std::uint64_t Vfs::size(const Entry& entry) const {
  if (entry.directory) return 4096;
  return entry.generated_size ? *entry.generated_size : entry.content.size();
}

bool Vfs::can_read(const Entry& entry, const Account& account) const {
  return entry.others_can_read || (!account.anonymous && entry.owner == account.user);
}

bool Vfs::can_write(std::string_view path, const Account& account) const {
  if (account.read_only || account.anonymous) return false;
  const Entry* parent = find(parent_of(path));
  if (!parent || !parent->directory || parent->owner != account.user) return false;
  const Entry* entry = find(path);
  return !entry || entry->owner == account.user;
}

bool Vfs::write_file(std::string_view path, std::string content, std::string_view owner, Time now) {
  if (!is_directory(parent_of(path)) || is_directory(path) || path == "/") return false;
  Entry& entry = entries_[std::string(path)];
  entry.directory = false;
  entry.owner = std::string(owner);
  entry.content = std::move(content);
  entry.generated_size.reset();
  entry.modified = now;
  return true;
}

bool Vfs::make_directory(std::string_view path, std::string_view owner, Time now) {
  if (find(path) || !is_directory(parent_of(path))) return false;
  Entry entry;
  entry.directory = true;
  entry.owner = std::string(owner);
  entry.modified = now;
  entries_.emplace(std::string(path), std::move(entry));
  return true;
}

bool Vfs::remove_file(std::string_view path) {
  const auto it = entries_.find(path);
  if (it == entries_.end() || it->second.directory) return false;
  entries_.erase(it);
  return true;
}

bool Vfs::remove_directory(std::string_view path) {
  const auto it = entries_.find(path);
  if (it == entries_.end() || !it->second.directory || path == "/" || !children(path).empty()) return false;
  entries_.erase(it);
  return true;
}

bool Vfs::rename(std::string_view from, std::string_view to, Time now) {
  // A directory cannot move into itself, and nothing may land on an existing name.
  if (from == "/" || !find(from) || find(to) || !is_directory(parent_of(to)) || is_inside(to, from)) return false;
  std::vector<std::pair<std::string, Entry>> moved;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->first == from || is_inside(it->first, from)) {
      moved.emplace_back(std::string(to) + it->first.substr(from.size()), std::move(it->second));
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [path, entry] : moved) entries_.emplace(std::move(path), std::move(entry));
  entries_[std::string(to)].modified = now;
  return true;
}

std::string Vfs::list_line(std::string_view path, Time now) const {
  static constexpr std::array<const char*, 12> Months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const Entry* entry = find(path);
  if (!entry) return {};
  std::string line = entry->directory ? "drwx" : "-rw-";
  if (entry->directory) {
    line += entry->others_can_read ? "r-xr-x" : "------";
  } else {
    line += entry->others_can_read ? "r--r--" : "------";
  }
  line += pad_left(entry->directory ? "2" : "1", 5) + " ";
  line += pad_right(entry->owner, 8) + " " + pad_right(entry->owner, 8) + " ";
  line += pad_left(std::to_string(size(*entry)), 8) + " ";
  const std::int64_t age = unix_seconds(now) - unix_seconds(entry->modified);
  const Civil c = to_civil(unix_seconds(entry->modified));
  char date[32];
  // ls(1): entries more than six months old, or in the future, show the year.
  if (age < 0 || age > 15'778'476) {
    std::snprintf(date, sizeof date, "%s %02d  %04d", Months[static_cast<std::size_t>(c.month - 1)], c.day,
                  c.year);
  } else {
    std::snprintf(date, sizeof date, "%s %02d %02d:%02d", Months[static_cast<std::size_t>(c.month - 1)], c.day,
                  c.hour, c.minute);
  }
  line += date;
  line += ' ';
  line += name_of(path);
  return line;
}

}  // namespace wiresim::ftp
