// The message store that the MDA, POP3, IMAP and webmail share: accounts, per-user folders with
// a hierarchy, messages with UIDs, flags and UIDVALIDITY (RFC 3501 2.3.1.1), a change log that
// lets every open session see what another did, and POP3's maildrop lock (RFC 1939 8).
// Leaves out quotas, ACLs and shared folders. Holds messages as bytes; it never parses them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/core/result.hpp"
#include "sim/core/time.hpp"

namespace wiresim::mail {

// RFC 3501 2.3.2: system flags keep this spelling ("\Seen"); keywords are any atom.
using Flags = std::set<std::string>;
inline const std::string Seen = "\\Seen";
inline const std::string Answered = "\\Answered";
inline const std::string Flagged = "\\Flagged";
inline const std::string Deleted = "\\Deleted";
inline const std::string Draft = "\\Draft";
inline const std::string Recent = "\\Recent";  // set on delivery; IMAP clears it per session

struct StoredMessage {
  std::uint32_t uid = 0;
  std::string bytes;    // the RFC 5322 message as delivered, CRLF line ends
  Flags flags;
  Time internal_date;   // when it arrived (IMAP INTERNALDATE)
};

// One entry of a folder's change log. IMAP sessions replay the entries after the last one they
// saw to send EXISTS, EXPUNGE and FETCH (FLAGS) to their client (RFC 3501 7.3.1, 7.4.1, 7.4.2).
struct Change {
  enum class Kind { Appended, Expunged, FlagsChanged };
  Kind kind = Kind::Appended;
  std::uint32_t uid = 0;
};

struct Folder {
  std::string name;               // the full name: "INBOX", "Work/Projects"
  std::uint32_t uid_validity = 0;
  std::uint32_t uid_next = 1;
  std::vector<StoredMessage> messages;  // ascending UID, so index + 1 is the sequence number
  std::vector<Change> changes;          // the log; its size is the folder's version
  bool subscribed = true;

  const StoredMessage* find(std::uint32_t uid) const;
  StoredMessage* find(std::uint32_t uid);
  std::size_t unseen() const;
  std::size_t recent() const;
};

class Store {
 public:
  static constexpr char Delimiter = '/';  // the hierarchy delimiter LIST reports
  static constexpr std::size_t MaxFolderName = 255;  // octets; CREATE and RENAME refuse longer

  // Accounts. Every user has an INBOX from the start.
  Result<bool> add_user(const std::string& user, const std::string& password);
  bool has_user(const std::string& user) const;
  bool check_password(const std::string& user, const std::string& password) const;
  std::optional<std::string> password(const std::string& user) const;  // APOP needs the secret
  std::vector<std::string> users() const;

  // Folders. Names are case-sensitive except INBOX (RFC 3501 5.1). A folder's parents need not
  // exist; RENAME moves the children along; renaming INBOX moves its messages to a new folder
  // and leaves INBOX empty (RFC 3501 6.3.5).
  std::vector<std::string> folder_names(const std::string& user) const;  // sorted, INBOX first
  const Folder* folder(const std::string& user, const std::string& name) const;
  Folder* folder(const std::string& user, const std::string& name);
  Result<bool> create_folder(const std::string& user, const std::string& name);
  Result<bool> delete_folder(const std::string& user, const std::string& name);
  Result<bool> rename_folder(const std::string& user, const std::string& from, const std::string& to);

  // Messages. append returns the new UID; the message gets \Recent unless flags say otherwise.
  Result<std::uint32_t> append(const std::string& user, const std::string& folder, std::string bytes, Time now,
                               Flags flags = {Recent});
  // Replaces a message's flags; false if there is no such message.
  bool set_flags(const std::string& user, const std::string& folder, std::uint32_t uid, Flags flags);
  // Removes the given UIDs (POP3's UPDATE state); returns those that were there.
  std::vector<std::uint32_t> remove(const std::string& user, const std::string& folder,
                                    const std::vector<std::uint32_t>& uids);
  // Removes every message flagged \Deleted (IMAP EXPUNGE); returns their UIDs.
  std::vector<std::uint32_t> expunge(const std::string& user, const std::string& folder);

  // RFC 1939 8: a POP3 session holds an exclusive lock on the maildrop from PASS to QUIT.
  bool lock(const std::string& user);  // false if already locked
  void unlock(const std::string& user);
  bool locked(const std::string& user) const;

 private:
  struct Account {
    std::string password;
    std::map<std::string, Folder> folders;
    bool locked = false;
  };
  Account* account(const std::string& user);
  const Account* account(const std::string& user) const;
  Folder& make_folder(Account& account, const std::string& name);

  std::map<std::string, Account> accounts_;
  std::uint32_t next_uid_validity_ = 1;  // counts up, so a re-created folder gets a new one
};

// "INBOX" for any spelling of it, the name unchanged otherwise.
std::string canonical_folder(const std::string& name);

}  // namespace wiresim::mail
