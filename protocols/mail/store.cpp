// The store's rules: UIDs only grow within a folder, every change is logged for the sessions
// that watch the folder, and folder names follow RFC 3501's hierarchy with '/'.
#include "protocols/mail/store.hpp"

#include <algorithm>
#include <cctype>

namespace wiresim::mail {
namespace {

bool is_inbox(const std::string& name) {
  if (name.size() != 5) return false;
  for (std::size_t i = 0; i < 5; ++i)
    if (std::toupper(static_cast<unsigned char>(name[i])) != "INBOX"[i]) return false;
  return true;
}

bool is_below(const std::string& name, const std::string& parent) {
  return name.size() > parent.size() + 1 && name.compare(0, parent.size(), parent) == 0 &&
         name[parent.size()] == Store::Delimiter;
}

Result<bool> check_folder_name(const std::string& name) {
  if (name.empty()) return Error{"a folder needs a name"};
  // As real servers do (Dovecot's 255 octets per level and in all, Cyrus's 490 in all): a LIST
  // pattern is matched against every name, so names stay short.
  if (name.size() > Store::MaxFolderName)
    return Error{"a folder name may be at most " + std::to_string(Store::MaxFolderName) + " octets long"};
  if (name.front() == Store::Delimiter || name.back() == Store::Delimiter)
    return Error{"a folder name may not start or end with '/': \"" + name + "\""};
  if (name.find("//") != std::string::npos) return Error{"a folder name may not contain '//': \"" + name + "\""};
  for (const char c : name)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '*' || c == '%')
      return Error{"a folder name may not contain control characters, '*' or '%'"};
  return true;
}

}  // namespace

std::string canonical_folder(const std::string& name) { return is_inbox(name) ? "INBOX" : name; }

const StoredMessage* Folder::find(std::uint32_t uid) const {
  auto it = std::lower_bound(messages.begin(), messages.end(), uid,
                             [](const StoredMessage& m, std::uint32_t u) { return m.uid < u; });
  return it != messages.end() && it->uid == uid ? &*it : nullptr;
}

StoredMessage* Folder::find(std::uint32_t uid) {
  return const_cast<StoredMessage*>(static_cast<const Folder&>(*this).find(uid));
}

std::size_t Folder::unseen() const {
  return std::count_if(messages.begin(), messages.end(), [](const StoredMessage& m) { return !m.flags.count(Seen); });
}

std::size_t Folder::recent() const {
  return std::count_if(messages.begin(), messages.end(), [](const StoredMessage& m) { return m.flags.count(Recent) > 0; });
}

Store::Account* Store::account(const std::string& user) {
  auto it = accounts_.find(user);
  return it == accounts_.end() ? nullptr : &it->second;
}

const Store::Account* Store::account(const std::string& user) const {
  auto it = accounts_.find(user);
  return it == accounts_.end() ? nullptr : &it->second;
}

Folder& Store::make_folder(Account& account, const std::string& name) {
  Folder& f = account.folders[name];
  f.name = name;
  f.uid_validity = next_uid_validity_++;
  return f;
}

Result<bool> Store::add_user(const std::string& user, const std::string& password) {
  if (user.empty()) return Error{"a user needs a name"};
  if (accounts_.count(user)) return Error{"user '" + user + "' exists already"};
  Account& a = accounts_[user];
  a.password = password;
  make_folder(a, "INBOX");
  return true;
}

bool Store::has_user(const std::string& user) const { return account(user) != nullptr; }

bool Store::check_password(const std::string& user, const std::string& password) const {
  const Account* a = account(user);
  return a && a->password == password;
}

std::optional<std::string> Store::password(const std::string& user) const {
  const Account* a = account(user);
  if (!a) return std::nullopt;
  return a->password;
}

std::vector<std::string> Store::users() const {
  std::vector<std::string> out;
  for (const auto& [name, a] : accounts_) out.push_back(name);
  return out;
}

std::vector<std::string> Store::folder_names(const std::string& user) const {
  std::vector<std::string> out;
  const Account* a = account(user);
  if (!a) return out;
  out.push_back("INBOX");
  for (const auto& [name, f] : a->folders)
    if (name != "INBOX") out.push_back(name);
  return out;
}

const Folder* Store::folder(const std::string& user, const std::string& name) const {
  const Account* a = account(user);
  if (!a) return nullptr;
  auto it = a->folders.find(canonical_folder(name));
  return it == a->folders.end() ? nullptr : &it->second;
}

Folder* Store::folder(const std::string& user, const std::string& name) {
  return const_cast<Folder*>(static_cast<const Store&>(*this).folder(user, name));
}

Result<bool> Store::create_folder(const std::string& user, const std::string& name) {
  Account* a = account(user);
  if (!a) return Error{"no such user '" + user + "'"};
  if (auto ok = check_folder_name(name); !ok) return ok;
  const std::string full = canonical_folder(name);
  if (a->folders.count(full)) return Error{"folder \"" + full + "\" exists already"};
  make_folder(*a, full);
  return true;
}

Result<bool> Store::delete_folder(const std::string& user, const std::string& name) {
  Account* a = account(user);
  if (!a) return Error{"no such user '" + user + "'"};
  const std::string full = canonical_folder(name);
  if (full == "INBOX") return Error{"INBOX cannot be deleted"};
  if (!a->folders.count(full)) return Error{"no folder \"" + full + "\""};
  // RFC 3501 6.3.4: a folder with children may not be deleted (we keep no \Noselect folders).
  for (const auto& [other, f] : a->folders)
    if (is_below(other, full)) return Error{"folder \"" + full + "\" has subfolders; delete them first"};
  a->folders.erase(full);
  return true;
}

Result<bool> Store::rename_folder(const std::string& user, const std::string& from, const std::string& to) {
  Account* a = account(user);
  if (!a) return Error{"no such user '" + user + "'"};
  const std::string old_name = canonical_folder(from);
  const std::string new_name = canonical_folder(to);
  if (!a->folders.count(old_name)) return Error{"no folder \"" + old_name + "\""};
  if (auto ok = check_folder_name(new_name); !ok) return ok;
  if (new_name == "INBOX" || a->folders.count(new_name)) return Error{"folder \"" + new_name + "\" exists already"};
  if (old_name == "INBOX") {
    // RFC 3501 6.3.5: renaming INBOX moves its messages to the new folder; INBOX stays, empty.
    Folder& target = make_folder(*a, new_name);
    Folder& inbox = a->folders["INBOX"];
    for (StoredMessage m : inbox.messages) {
      m.uid = target.uid_next++;
      target.messages.push_back(std::move(m));
      target.changes.push_back({Change::Kind::Appended, target.messages.back().uid});
    }
    for (const StoredMessage& m : inbox.messages) inbox.changes.push_back({Change::Kind::Expunged, m.uid});
    inbox.messages.clear();
    return true;
  }
  std::vector<std::string> moving{old_name};
  for (const auto& [name, f] : a->folders)
    if (is_below(name, old_name)) moving.push_back(name);
  for (const std::string& name : moving) {
    auto node = a->folders.extract(name);
    std::string renamed = new_name + name.substr(old_name.size());
    node.key() = renamed;
    node.mapped().name = renamed;
    a->folders.insert(std::move(node));
  }
  return true;
}

Result<std::uint32_t> Store::append(const std::string& user, const std::string& folder_name, std::string bytes,
                                    Time now, Flags flags) {
  Folder* f = folder(user, folder_name);
  if (!f) return Error{has_user(user) ? "no folder \"" + folder_name + "\"" : "no such user '" + user + "'"};
  StoredMessage m;
  m.uid = f->uid_next++;
  m.bytes = std::move(bytes);
  m.flags = std::move(flags);
  m.internal_date = now;
  f->messages.push_back(std::move(m));
  f->changes.push_back({Change::Kind::Appended, f->messages.back().uid});
  return f->messages.back().uid;
}

bool Store::set_flags(const std::string& user, const std::string& folder_name, std::uint32_t uid, Flags flags) {
  Folder* f = folder(user, folder_name);
  StoredMessage* m = f ? f->find(uid) : nullptr;
  if (!m) return false;
  if (m->flags == flags) return true;
  m->flags = std::move(flags);
  f->changes.push_back({Change::Kind::FlagsChanged, uid});
  return true;
}

std::vector<std::uint32_t> Store::remove(const std::string& user, const std::string& folder_name,
                                         const std::vector<std::uint32_t>& uids) {
  std::vector<std::uint32_t> removed;
  Folder* f = folder(user, folder_name);
  if (!f) return removed;
  const std::set<std::uint32_t> doomed(uids.begin(), uids.end());
  std::erase_if(f->messages, [&](const StoredMessage& m) {
    if (!doomed.count(m.uid)) return false;
    removed.push_back(m.uid);
    return true;
  });
  for (const std::uint32_t uid : removed) f->changes.push_back({Change::Kind::Expunged, uid});
  return removed;
}

std::vector<std::uint32_t> Store::expunge(const std::string& user, const std::string& folder_name) {
  std::vector<std::uint32_t> doomed;
  if (const Folder* f = folder(user, folder_name))
    for (const StoredMessage& m : f->messages)
      if (m.flags.count(Deleted)) doomed.push_back(m.uid);
  return remove(user, folder_name, doomed);
}

bool Store::lock(const std::string& user) {
  Account* a = account(user);
  if (!a || a->locked) return false;
  a->locked = true;
  return true;
}

void Store::unlock(const std::string& user) {
  if (Account* a = account(user)) a->locked = false;
}

bool Store::locked(const std::string& user) const {
  const Account* a = account(user);
  return a && a->locked;
}

}  // namespace wiresim::mail
