// One session's view of its selected mailbox (RFC 3501 2.3.1.2): the message sequence numbers
// it has told its client, the \Recent messages it owns, and the changes from the folder's log
// that it still has to report as EXPUNGE, EXISTS, RECENT and FETCH (FLAGS) (RFC 3501 7.3, 7.4).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocols/imap/events.hpp"
#include "protocols/mail/store.hpp"

namespace wiresim::imap {

class MailboxView {
 public:
  // Opens the folder: takes the \Recent flags of its messages (only this session reports them).
  MailboxView(mail::Folder& folder, bool read_only);

  const std::string& name() const { return name_; }
  void rename(std::string name) { name_ = std::move(name); }  // this session renamed it
  std::uint32_t uid_validity() const { return uid_validity_; }
  bool read_only() const { return read_only_; }
  std::uint32_t exists() const { return static_cast<std::uint32_t>(uids_.size()); }
  std::uint32_t recent_count() const { return static_cast<std::uint32_t>(recent_.size()); }
  const std::vector<std::uint32_t>& uids() const { return uids_; }  // index + 1 = sequence number
  std::optional<std::uint32_t> sequence_of(std::uint32_t uid) const;
  bool recent(std::uint32_t uid) const { return recent_.count(uid) > 0; }
  bool expunged(std::uint32_t uid) const { return pending_expunge_.count(uid) > 0; }

  // The flags a client sees: the stored ones with \Recent only if this session owns it.
  mail::Flags flags_of(const mail::StoredMessage& message) const;

  // Reads the folder's log since the last call. own = the entries were made by this session's
  // current command: its flag changes were answered already, so they are not reported again.
  void absorb(mail::Folder& folder, bool own);
  // This session expunged uid itself and told "* n EXPUNGE"; returns n.
  std::optional<std::uint32_t> remove(std::uint32_t uid);

  // Untagged responses for what absorb collected. RFC 3501 7.4.1: no EXPUNGE while answering
  // FETCH, STORE or SEARCH, so allow_expunge is false then and the expunges wait.
  struct Update {
    std::string line;
    std::optional<Event> event;  // none for RECENT, which only accompanies EXISTS
  };
  std::vector<Update> report(const mail::Folder& folder, bool allow_expunge);

 private:
  std::string name_;
  std::uint32_t uid_validity_ = 0;
  bool read_only_ = false;
  std::vector<std::uint32_t> uids_;
  std::set<std::uint32_t> recent_;
  std::set<std::uint32_t> pending_expunge_;
  std::set<std::uint32_t> flags_changed_;
  std::set<std::uint32_t> arrived_;  // appended since the last report; their flags need no FETCH
  std::size_t log_seen_ = 0;
  std::uint32_t told_exists_ = 0;
  std::uint32_t told_recent_ = 0;
};

std::string format_flags(const mail::Flags& flags);  // "(\Seen \Deleted)" in store order

}  // namespace wiresim::imap
