#include "protocols/pop3/maildrop.hpp"

namespace wiresim::pop3 {

Maildrop::Maildrop(const mail::Folder& inbox) {
  for (const mail::StoredMessage& m : inbox.messages)
    entries_.push_back({m.uid, wire_size(m.bytes), make_uidl(inbox.uid_validity, m.uid), false});
}

std::size_t Maildrop::count() const {
  std::size_t n = 0;
  for (const MaildropEntry& e : entries_) n += e.deleted ? 0 : 1;
  return n;
}

std::size_t Maildrop::octets() const {
  std::size_t n = 0;
  for (const MaildropEntry& e : entries_) n += e.deleted ? 0 : e.size;
  return n;
}

const MaildropEntry* Maildrop::find(std::uint64_t number, std::string& why_not) const {
  if (number == 0 || number > entries_.size()) {
    why_not = "no such message, only " + std::to_string(entries_.size()) +
              (entries_.size() == 1 ? " message" : " messages") + " in maildrop";
    return nullptr;
  }
  const MaildropEntry& e = entries_[number - 1];
  if (e.deleted) {
    why_not = "message " + std::to_string(number) + " already deleted";
    return nullptr;
  }
  return &e;
}

void Maildrop::unmark_all() {
  for (MaildropEntry& e : entries_) e.deleted = false;
}

std::vector<std::uint32_t> Maildrop::deleted_uids() const {
  std::vector<std::uint32_t> uids;
  for (const MaildropEntry& e : entries_)
    if (e.deleted) uids.push_back(e.uid);
  return uids;
}

std::size_t wire_size(std::string_view bytes) {
  std::size_t size = bytes.size();
  for (std::size_t i = 0; i < bytes.size(); ++i)
    if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) ++size;
  if (!bytes.empty() && bytes.back() != '\n') size += 2;
  return size;
}

std::string top_of(std::string_view bytes, std::uint64_t lines) {
  // Find the empty line that ends the header (RFC 5322 2.1), with CRLF or bare LF line ends.
  std::size_t pos = 0;
  std::size_t body = std::string_view::npos;
  while (pos < bytes.size()) {
    std::size_t lf = bytes.find('\n', pos);
    std::string_view line = bytes.substr(pos, lf == std::string_view::npos ? std::string_view::npos : lf - pos);
    if (line.empty() || line == "\r") {
      body = lf == std::string_view::npos ? bytes.size() : lf + 1;
      break;
    }
    if (lf == std::string_view::npos) break;
    pos = lf + 1;
  }
  if (body == std::string_view::npos) return std::string(bytes);
  std::size_t end = body;
  for (std::uint64_t i = 0; i < lines && end < bytes.size(); ++i) {
    const std::size_t lf = bytes.find('\n', end);
    end = lf == std::string_view::npos ? bytes.size() : lf + 1;
  }
  return std::string(bytes.substr(0, end));
}

std::string make_uidl(std::uint32_t uid_validity, std::uint32_t uid) {
  return std::to_string(uid_validity) + "." + std::to_string(uid);
}

std::string describe_count(std::size_t messages, std::size_t octets) {
  std::string out = std::to_string(messages);
  out += messages == 1 ? " message (" : " messages (";
  out += std::to_string(octets);
  out += " octets)";
  return out;
}

}  // namespace wiresim::pop3
