// Selected-state commands (RFC 3501 6.4): CHECK, CLOSE, EXPUNGE, SEARCH, FETCH, STORE, COPY and
// their UID forms. Sequence numbers are this session's view; UIDs are the store's.
#include <algorithm>

#include "protocols/imap/fetch.hpp"
#include "protocols/imap/flag_list.hpp"
#include "protocols/imap/search.hpp"
#include "protocols/imap/server_session.hpp"

namespace wiresim::imap {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ' ';
    out += item;
  }
  return out;
}

}  // namespace

std::optional<std::vector<std::uint32_t>> ServerSession::resolve_set(const Request& request, Cursor& cursor) {
  const std::size_t start = cursor.position();
  auto text = cursor.token(is_sequence_set_char, "a sequence set such as 1:* or 2,4:7");
  std::string error;
  auto set = text ? parse_sequence_set(*text, &error) : std::nullopt;
  if (!set) {
    bad(request, request.name + " " + (text ? error : cursor.error()));
    return std::nullopt;
  }
  const std::vector<std::uint32_t>& uids = view_->uids();
  std::vector<std::uint32_t> out;
  if (request.uid) {
    // RFC 3501 6.4.8: UIDs that do not exist are ignored; "*" is the largest UID.
    const std::uint32_t largest = uids.empty() ? 0 : uids.back();
    for (const std::uint32_t uid : uids)
      if (set->contains(uid, largest)) out.push_back(uid);
    return out;
  }
  const std::uint32_t exists = view_->exists();
  // RFC 3501 9: a sequence number beyond the last message is an error; "1:*" in an empty
  // mailbox names nothing.
  for (const SequenceSet::Range& r : set->ranges) {
    for (const std::uint32_t n : {r.first, r.last})
      if (n != SequenceSet::Star && n > exists) {
        cursor.set_position(start);
        bad(request, request.name + " names message " + std::to_string(n) + " but the mailbox has " +
                         std::to_string(exists) + (exists == 1 ? " message" : " messages"));
        return std::nullopt;
      }
  }
  for (std::uint32_t seq = 1; seq <= exists; ++seq)
    if (set->contains(seq, exists)) out.push_back(uids[seq - 1]);
  return out;
}

void ServerSession::check(const Request& request, Cursor& cursor) {
  if (!cursor.end()) return bad(request, "CHECK takes no arguments");
  ok(request);  // RFC 3501 6.4.1: nothing to flush; the store is always consistent
}

void ServerSession::close(const Request& request, Cursor& cursor) {
  if (!cursor.end()) return bad(request, "CLOSE takes no arguments");
  // RFC 3501 6.4.2: remove \Deleted messages silently (no EXPUNGE responses), unless read-only.
  if (!view_->read_only()) {
    const auto removed = store_.expunge(user_, view_->name());
    if (!removed.empty()) {
      Event e;
      e.kind = EventKind::MailboxChanged;
      e.mailbox = view_->name();
      e.text = "CLOSE removed " + std::to_string(removed.size()) + " deleted message(s) from " + view_->name();
      emit(std::move(e));
    }
  }
  close_view();
  ok(request);
}

void ServerSession::expunge(const Request& request, Cursor& cursor) {
  if (!cursor.end()) return bad(request, "EXPUNGE takes no arguments");
  if (view_->read_only()) return no(request, "EXPUNGE failed: the mailbox is read-only (EXAMINE)");
  for (const std::uint32_t uid : store_.expunge(user_, view_->name())) {
    const auto seq = view_->remove(uid);
    if (!seq) continue;
    const std::string line = "* " + std::to_string(*seq) + " EXPUNGE";
    send(line);
    Event e;
    e.kind = EventKind::Expunged;
    e.mailbox = view_->name();
    e.sequence = *seq;
    e.uid = uid;
    e.text = "expunged UID " + std::to_string(uid) + ": " + line;
    emit(std::move(e));
  }
  ok(request);
}

void ServerSession::search(const Request& request, Cursor& cursor) {
  if (!cursor.space()) return bad(request, "SEARCH expects search keys: " + cursor.error());
  bool bad_charset = false;
  const auto key = parse_search(cursor, &bad_charset);
  if (bad_charset) return no(request, "[BADCHARSET (US-ASCII UTF-8)] SEARCH supports US-ASCII and UTF-8 only");
  if (!key || !cursor.end()) return bad(request, request.name + " " + cursor.error());
  // RFC 3501 7.4.1: no EXPUNGE while answering SEARCH, the numbers would shift under the client.
  allow_expunge_ = request.uid;
  const mail::Folder* folder = selected_folder();
  const std::vector<std::uint32_t>& uids = view_->uids();
  std::string line = "SEARCH";
  for (std::size_t i = 0; i < uids.size(); ++i) {
    const mail::StoredMessage* m = folder->find(uids[i]);
    if (!m) continue;  // expunged by another session, not told yet
    const SearchContext context{*m, view_->flags_of(*m), static_cast<std::uint32_t>(i + 1), view_->exists(),
                                uids.back(), config_.epoch};
    if (matches(*key, context)) line += ' ' + std::to_string(request.uid ? uids[i] : i + 1);
  }
  untagged(line);
  ok(request);
}

void ServerSession::fetch(const Request& request, Cursor& cursor) {
  if (!cursor.space()) return bad(request, request.name + " expects a sequence set and data items");
  const auto uids = resolve_set(request, cursor);
  if (!uids) return;
  std::optional<std::vector<FetchItem>> items;
  if (!cursor.space() || !(items = parse_fetch_items(cursor)) || !cursor.end())
    return bad(request, request.name + " " + cursor.error());
  allow_expunge_ = request.uid;
  mail::Folder* folder = selected_folder();
  const bool wants_uid = std::any_of(items->begin(), items->end(), [](const FetchItem& i) { return i.kind == FetchItem::Kind::Uid; });
  const bool wants_flags = std::any_of(items->begin(), items->end(), [](const FetchItem& i) { return i.kind == FetchItem::Kind::Flags; });
  const bool sets_seen = std::any_of(items->begin(), items->end(), [](const FetchItem& i) { return i.sets_seen(); });
  for (const std::uint32_t uid : *uids) {
    mail::StoredMessage* m = folder->find(uid);
    if (!m) continue;  // expunged by another session; its EXPUNGE comes later (RFC 3501 7.4.1)
    bool seen_now = false;
    if (sets_seen && !view_->read_only() && !m->flags.count(mail::Seen)) {
      // RFC 3501 6.4.5: BODY[...] without PEEK sets \Seen; the change goes out with the data.
      mail::Flags flags = m->flags;
      flags.insert(mail::Seen);
      store_.set_flags(user_, folder->name, uid, flags);
      seen_now = true;
    }
    const FetchContext context{*m, view_->flags_of(*m), config_.epoch};
    std::vector<std::string> parts;
    // RFC 3501 6.4.8: a UID FETCH response always carries the UID.
    if (request.uid && !wants_uid) parts.push_back("UID " + std::to_string(uid));
    for (const FetchItem& item : *items) parts.push_back(format_fetch_item(item, context));
    if (seen_now && !wants_flags) parts.push_back("FLAGS " + format_flags(context.flags));
    untagged(std::to_string(*view_->sequence_of(uid)) + " FETCH (" + join(parts) + ")");
    if (seen_now) {
      Event e;
      e.kind = EventKind::FlagsChanged;
      e.mailbox = view_->name();
      e.uid = uid;
      e.sequence = *view_->sequence_of(uid);
      e.text = "FETCH set \\Seen on UID " + std::to_string(uid);
      emit(std::move(e));
    }
  }
  ok(request);
}

void ServerSession::store_flags(const Request& request, Cursor& cursor) {
  if (!cursor.space()) return bad(request, request.name + " expects a sequence set, an action and flags");
  const auto uids = resolve_set(request, cursor);
  if (!uids) return;
  if (!cursor.space()) return bad(request, request.name + " " + cursor.error());
  // store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / (flag *(SP flag)))
  const char mode = cursor.peek() == '+' || cursor.peek() == '-' ? cursor.peek() : '=';
  if (mode != '=') cursor.consume(mode);
  bool silent = false;
  if (cursor.consume_word("FLAGS.SILENT")) silent = true;
  else if (!cursor.consume_word("FLAGS"))
    return bad(request, request.name + " expects FLAGS, +FLAGS or -FLAGS (optionally .SILENT), got \"" +
                            quote_for_error(cursor.rest()) + "\"");
  std::optional<mail::Flags> flags;
  if (!cursor.space() || !(flags = parse_flag_list(cursor, true)) || !cursor.end())
    return bad(request, request.name + " " + cursor.error());
  if (view_->read_only()) return no(request, request.name + " failed: the mailbox is read-only (EXAMINE)");
  allow_expunge_ = request.uid;
  mail::Folder* folder = selected_folder();
  for (const std::uint32_t uid : *uids) {
    const mail::StoredMessage* m = folder->find(uid);
    if (!m) continue;
    mail::Flags updated = mode == '=' ? *flags : m->flags;
    if (mode == '=' && m->flags.count(mail::Recent)) updated.insert(mail::Recent);
    for (const std::string& f : *flags) {
      if (mode == '+') updated.insert(f);
      if (mode == '-') updated.erase(f);
    }
    const bool changed = updated != m->flags;
    store_.set_flags(user_, folder->name, uid, updated);
    const std::uint32_t seq = *view_->sequence_of(uid);
    if (changed) {
      Event e;
      e.kind = EventKind::FlagsChanged;
      e.mailbox = view_->name();
      e.uid = uid;
      e.sequence = seq;
      e.text = "stored flags " + format_flags(updated) + " on UID " + std::to_string(uid);
      emit(std::move(e));
    }
    // RFC 3501 6.4.6: the new flags come back unless .SILENT; UID STORE adds the UID.
    if (!silent) {
      std::string line = std::to_string(seq) + " FETCH (";
      if (request.uid) line += "UID " + std::to_string(uid) + " ";
      line += "FLAGS " + format_flags(view_->flags_of(*folder->find(uid))) + ")";
      untagged(line);
    }
  }
  ok(request);
}

void ServerSession::copy(const Request& request, Cursor& cursor) {
  if (!cursor.space()) return bad(request, request.name + " expects a sequence set and a mailbox name");
  const auto uids = resolve_set(request, cursor);
  if (!uids) return;
  std::optional<std::string> target;
  if (!cursor.space() || !(target = cursor.astring()) || !cursor.end())
    return bad(request, request.name + " expects a mailbox name: " + cursor.error());
  if (!store_.folder(user_, *target))
    return no(request, "[TRYCREATE] " + request.name + " failed: no mailbox \"" + quote_for_error(*target) + "\"");
  const mail::Folder* folder = selected_folder();
  // Copy the messages first: appending to the selected mailbox itself grows the folder.
  std::vector<mail::StoredMessage> copies;
  for (const std::uint32_t uid : *uids)
    if (const mail::StoredMessage* m = folder->find(uid)) copies.push_back(*m);
  for (mail::StoredMessage& m : copies) {
    // RFC 3501 6.4.7: flags and internal date are kept; the copy is \Recent in its mailbox.
    m.flags.insert(mail::Recent);
    store_.append(user_, *target, std::move(m.bytes), m.internal_date, m.flags);
  }
  if (!copies.empty()) {
    Event e;
    e.kind = EventKind::MailboxChanged;
    e.mailbox = mail::canonical_folder(*target);
    e.text = "copied " + std::to_string(copies.size()) + " message(s) to " + e.mailbox;
    emit(std::move(e));
  }
  ok(request);
}

void ServerSession::uid(const Request& request, Cursor& cursor) {
  std::optional<std::string> name;
  if (!cursor.space() || !(name = cursor.atom()))
    return bad(request, "UID expects FETCH, STORE, COPY or SEARCH: " + cursor.error());
  Request inner = request;
  inner.uid = true;
  inner.name = "UID " + upper(*name);
  if (inner.name == "UID FETCH") return fetch(inner, cursor);
  if (inner.name == "UID STORE") return store_flags(inner, cursor);
  if (inner.name == "UID COPY") return copy(inner, cursor);
  if (inner.name == "UID SEARCH") return search(inner, cursor);
  bad(inner, "UID expects FETCH, STORE, COPY or SEARCH, got \"" + quote_for_error(*name) + "\"");
}

}  // namespace wiresim::imap
