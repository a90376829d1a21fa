// Replaying the folder's change log into one session's sequence-number view.
#include "protocols/imap/mailbox_view.hpp"

#include <algorithm>

namespace wiresim::imap {
namespace {

// \Recent belongs to the session that saw the message first (RFC 3501 2.3.2); taking it from the
// store is not a flag change other sessions hear about, so it bypasses the change log.
bool take_recent(mail::StoredMessage& message) { return message.flags.erase(mail::Recent) > 0; }

}  // namespace

std::string format_flags(const mail::Flags& flags) {
  std::string out = "(";
  for (const std::string& f : flags) {
    if (out.size() > 1) out += ' ';
    out += f;
  }
  out += ')';
  return out;
}

MailboxView::MailboxView(mail::Folder& folder, bool read_only)
    : name_(folder.name), uid_validity_(folder.uid_validity), read_only_(read_only), log_seen_(folder.changes.size()) {
  for (mail::StoredMessage& m : folder.messages) {
    uids_.push_back(m.uid);
    // RFC 3501 6.3.2: EXAMINE leaves the \Recent flags where they are.
    if (read_only ? m.flags.count(mail::Recent) > 0 : take_recent(m)) recent_.insert(m.uid);
  }
  told_exists_ = exists();
  told_recent_ = recent_count();
}

std::optional<std::uint32_t> MailboxView::sequence_of(std::uint32_t uid) const {
  const auto it = std::lower_bound(uids_.begin(), uids_.end(), uid);
  if (it == uids_.end() || *it != uid) return std::nullopt;
  return static_cast<std::uint32_t>(it - uids_.begin() + 1);
}

mail::Flags MailboxView::flags_of(const mail::StoredMessage& message) const {
  mail::Flags flags = message.flags;
  flags.erase(mail::Recent);
  if (recent(message.uid)) flags.insert(mail::Recent);
  return flags;
}

void MailboxView::absorb(mail::Folder& folder, bool own) {
  for (; log_seen_ < folder.changes.size(); ++log_seen_) {
    const mail::Change change = folder.changes[log_seen_];
    switch (change.kind) {
      case mail::Change::Kind::Appended:
        if (uids_.empty() || change.uid > uids_.back()) {
          uids_.push_back(change.uid);
          arrived_.insert(change.uid);
          mail::StoredMessage* m = folder.find(change.uid);
          if (m && !read_only_ && take_recent(*m)) recent_.insert(change.uid);
          if (!m) pending_expunge_.insert(change.uid);  // came and went before we looked
        }
        break;
      case mail::Change::Kind::Expunged:
        if (sequence_of(change.uid)) pending_expunge_.insert(change.uid);
        break;
      case mail::Change::Kind::FlagsChanged:
        if (!own && sequence_of(change.uid)) flags_changed_.insert(change.uid);
        break;
    }
  }
}

std::optional<std::uint32_t> MailboxView::remove(std::uint32_t uid) {
  const auto seq = sequence_of(uid);
  if (!seq) return std::nullopt;
  uids_.erase(uids_.begin() + (*seq - 1));
  recent_.erase(uid);
  pending_expunge_.erase(uid);
  flags_changed_.erase(uid);
  arrived_.erase(uid);
  if (told_exists_ > 0) --told_exists_;
  told_recent_ = std::min(told_recent_, recent_count());
  return seq;
}

std::vector<MailboxView::Update> MailboxView::report(const mail::Folder& folder, bool allow_expunge) {
  std::vector<Update> out;
  auto event = [&](EventKind kind, std::string text, std::uint32_t seq, std::uint32_t uid) {
    Event e;
    e.kind = kind;
    e.text = std::move(text);
    e.mailbox = name_;
    e.sequence = seq;
    e.uid = uid;
    return e;
  };
  if (allow_expunge) {
    // RFC 3501 7.4.1: each EXPUNGE renumbers the messages after it at once, so each one
    // carries the number the message has at the moment it is sent.
    const std::vector<std::uint32_t> doomed(pending_expunge_.begin(), pending_expunge_.end());
    for (const std::uint32_t uid : doomed) {
      const bool was_told = *sequence_of(uid) <= told_exists_;
      const std::uint32_t seq = *sequence_of(uid);
      if (!was_told) {  // never announced: just forget it
        uids_.erase(uids_.begin() + (seq - 1));
        recent_.erase(uid);
        pending_expunge_.erase(uid);
        flags_changed_.erase(uid);
        arrived_.erase(uid);
        continue;
      }
      remove(uid);
      std::string line = "* " + std::to_string(seq) + " EXPUNGE";
      out.push_back({line, event(EventKind::Expunged, "told another session's expunge: " + line, seq, uid)});
    }
  }
  if (exists() != told_exists_) {
    told_exists_ = exists();
    std::string line = "* " + std::to_string(told_exists_) + " EXISTS";
    out.push_back({line, event(EventKind::MailboxChanged, "told new messages: " + line, 0, 0)});
    if (recent_count() != told_recent_) {
      told_recent_ = recent_count();
      out.push_back({"* " + std::to_string(told_recent_) + " RECENT", std::nullopt});
    }
  }
  for (const std::uint32_t uid : flags_changed_) {
    const mail::StoredMessage* m = folder.find(uid);
    const auto seq = sequence_of(uid);
    if (!m || !seq || pending_expunge_.count(uid) || arrived_.count(uid)) continue;
    std::string line = "* " + std::to_string(*seq) + " FETCH (FLAGS " + format_flags(flags_of(*m)) + ")";
    out.push_back({line, event(EventKind::FlagsChanged, "told another session's flag change: " + line, *seq, uid)});
  }
  flags_changed_.clear();
  arrived_.clear();
  return out;
}

}  // namespace wiresim::imap
