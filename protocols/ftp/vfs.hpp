// The server's virtual file tree and its accounts: directories and files (stored bytes, or a size
// with generated content), an owner per entry who may write it (everyone else may only read),
// path resolution, and the LIST / NLST / MDTM forms of an entry. No groups, links, quotas or
// other permission bits than "others may read".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/result.hpp"
#include "sim/core/time.hpp"
#include "sim/core/generated_content.hpp"

namespace wiresim::ftp {

// Simulated time 0 is this instant on the wall calendar: 2024-01-01T00:00:00Z, in Unix seconds.
// Dates in LIST and MDTM are this plus the simulated time, so every run prints the same ones.
constexpr std::int64_t EpochUnixSeconds = 1'704'067'200;

// Generated files are built in memory when sent; this bounds them.
constexpr std::uint64_t MaxGeneratedSize = 64ull * 1024 * 1024;

struct Entry {
  bool directory = false;
  std::string owner;  // an account's user name; "root" for what only the scenario may change
  bool others_can_read = true;
  std::string content;                          // a file's bytes, unless generated_size is set
  std::optional<std::uint64_t> generated_size;  // content is generated_content(size)
  Time modified;
};

struct Account {
  std::string user;
  std::string password;  // ignored for the anonymous account
  std::string home;      // absolute path of an existing directory
  bool read_only = false;
  bool anonymous = false;  // "anonymous" or "ftp": any password (by custom an e-mail address)
};

// The deterministic content of a generated file (sim/core/generated_content.hpp).
using wiresim::generated_content;

// "20240101120000" (RFC 3659 2.3: YYYYMMDDHHMMSS, UTC).
std::string format_mdtm(Time modified);

// `path` made absolute against `cwd` and normalised: "." and empty parts dropped, ".." goes up
// (never above "/"). Backslashes are ordinary characters. "/pub/../etc" gives "/etc".
std::string resolve_path(std::string_view cwd, std::string_view path);
// "/pub/notes.txt" -> "/pub"; "/x" -> "/"; "/" -> "/".
std::string parent_of(std::string_view path);
// "/pub/notes.txt" -> "notes.txt"; "/" -> "/".
std::string name_of(std::string_view path);

class Vfs {
 public:
  Vfs();  // just "/", owned by root

  // Scenario set-up: misuse (a missing parent, a name taken, a relative path) is an Error.
  Result<bool> add_directory(std::string_view path, std::string_view owner, Time modified = {});
  Result<bool> add_file(std::string_view path, std::string content, std::string_view owner, Time modified = {});
  Result<bool> add_generated_file(std::string_view path, std::uint64_t size, std::string_view owner,
                                  Time modified = {});
  Result<bool> set_others_can_read(std::string_view path, bool readable);
  Result<bool> add_account(std::string_view user, std::string_view password, std::string_view home);
  // RFC 1635: "anonymous" (and "ftp") log in with any password, read-only, in `home`.
  Result<bool> allow_anonymous(std::string_view home = "/");

  // The account `user` would log in to, if any.
  const Account* find_account(std::string_view user) const;

  const Entry* find(std::string_view path) const;
  bool is_directory(std::string_view path) const;
  bool is_file(std::string_view path) const;
  std::vector<std::string> children(std::string_view directory) const;  // names, sorted
  std::string content(std::string_view path) const;  // a file's bytes, generated ones built
  std::uint64_t size(const Entry& entry) const;

  bool can_read(const Entry& entry, const Account& account) const;
  // Whether `account` may create, replace, remove or rename `path`: it must own the directory
  // that holds it, and own `path` itself if it exists.
  bool can_write(std::string_view path, const Account& account) const;

  // Changes from sessions, after they checked can_write; false when the tree forbids it
  // (a missing parent, a directory in the way, a non-empty directory).
  bool write_file(std::string_view path, std::string content, std::string_view owner, Time now);
  bool make_directory(std::string_view path, std::string_view owner, Time now);
  bool remove_file(std::string_view path);
  bool remove_directory(std::string_view path);  // only when empty
  bool rename(std::string_view from, std::string_view to, Time now);

  // One `ls -l` line: "-rw-r--r--    1 bob      bob          1234 Jan 01 00:00 notes.txt".
  // Entries older than six months (or in the future) show the year instead of the time.
  std::string list_line(std::string_view path, Time now) const;

 private:
  Result<bool> add_entry(std::string_view path, Entry entry);

  std::map<std::string, Entry, std::less<>> entries_;  // absolute path -> entry
  std::map<std::string, Account, std::less<>> accounts_;
  std::optional<Account> anonymous_;
};

}  // namespace wiresim::ftp
