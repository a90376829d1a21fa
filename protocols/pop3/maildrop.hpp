// A POP3 session's view of the maildrop (RFC 1939 5): the INBOX as it was at login, numbered
// 1..n for the whole session, with deletion marks that only QUIT (the UPDATE state) carries
// out. Holds UIDs and sizes, not bytes: the store keeps the messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/mail/store.hpp"

namespace wiresim::pop3 {

struct MaildropEntry {
  std::uint32_t uid = 0;  // the store's UID
  std::size_t size = 0;   // octets as sent by RETR, before byte-stuffing (RFC 1939 5 LIST)
  std::string uidl;       // unique-id listing (RFC 1939 7 UIDL)
  bool deleted = false;
};

class Maildrop {
 public:
  Maildrop() = default;
  explicit Maildrop(const mail::Folder& inbox);

  // RFC 1939 5: "messages marked as deleted are not counted in either total".
  std::size_t count() const;
  std::size_t octets() const;
  std::size_t size() const { return entries_.size(); }  // n, deleted ones included

  // Message `number` (1-based), or null when there is no such message or it is marked
  // deleted; `why_not` then holds the -ERR text (RFC 1939 5 examples).
  const MaildropEntry* find(std::uint64_t number, std::string& why_not) const;
  void mark_deleted(std::uint64_t number) { entries_[number - 1].deleted = true; }
  void unmark_all();  // RSET
  std::vector<std::uint32_t> deleted_uids() const;
  const std::vector<MaildropEntry>& entries() const { return entries_; }

 private:
  std::vector<MaildropEntry> entries_;
};

// The octets a client receives for `bytes` once the dot-stuffing is undone: CRLF line ends
// (a bare LF counts as CRLF) and a final CRLF, as mail::dot_stuff sends them.
std::size_t wire_size(std::string_view bytes);

// RFC 1939 7 TOP: the header, the blank line after it and the first `lines` lines of the body.
// A message without a blank line is all header, so it comes back whole.
std::string top_of(std::string_view bytes, std::uint64_t lines);

// RFC 1939 7: a unique-id is 1 to 70 characters from 0x21 to 0x7E and never changes for a
// message. The folder's UIDVALIDITY and the message's UID together give just that.
std::string make_uidl(std::uint32_t uid_validity, std::uint32_t uid);

// "2 messages (320 octets)", "1 message (369 octets)"
std::string describe_count(std::size_t messages, std::size_t octets);

}  // namespace wiresim::pop3
