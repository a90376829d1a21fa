// Authenticated-state commands (RFC 3501 6.3): SELECT, EXAMINE, CREATE, DELETE, RENAME,
// SUBSCRIBE, UNSUBSCRIBE, LIST, LSUB, STATUS and APPEND.
#include <map>

#include "protocols/imap/date_time.hpp"
#include "protocols/imap/flag_list.hpp"
#include "protocols/imap/list_pattern.hpp"
#include "protocols/imap/server_session.hpp"

namespace wiresim::imap {
namespace {

const char* const SystemFlags = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";

Event mailbox_event(EventKind kind, std::string mailbox, std::string text) {
  Event e;
  e.kind = kind;
  e.mailbox = std::move(mailbox);
  e.text = std::move(text);
  return e;
}

// RFC 3501 6.3.3: a trailing delimiter only says the client means to make children.
std::string without_trailing_delimiter(std::string name) {
  if (name.size() > 1 && name.back() == mail::Store::Delimiter) name.pop_back();
  return name;
}

}  // namespace

void ServerSession::select(const Request& request, Cursor& cursor) {
  std::optional<std::string> name;
  if (!cursor.space() || !(name = cursor.astring()) || !cursor.end())
    return bad(request, request.name + " expects a mailbox name: " + cursor.error());
  // RFC 3501 6.3.1: a new SELECT first deselects; if it fails, no mailbox stays selected.
  close_view();
  mail::Folder* folder = store_.folder(user_, *name);
  if (!folder) return no(request, request.name + " failed: no mailbox \"" + quote_for_error(*name) + "\"");
  const bool read_only = request.name == "EXAMINE";
  view_.emplace(*folder, read_only);
  state_ = ServerState::Selected;

  std::string keywords;
  std::set<std::string> seen_keywords;
  for (const mail::StoredMessage& m : folder->messages)
    for (const std::string& f : m.flags)
      if (f.empty() || f[0] != '\\') seen_keywords.insert(f);
  for (const std::string& k : seen_keywords) keywords += ' ' + k;

  untagged(std::to_string(view_->exists()) + " EXISTS");
  untagged(std::to_string(view_->recent_count()) + " RECENT");
  for (std::size_t i = 0; i < folder->messages.size(); ++i)
    if (!folder->messages[i].flags.count(mail::Seen)) {
      const std::string n = std::to_string(i + 1);
      untagged("OK [UNSEEN " + n + "] Message " + n + " is first unseen");
      break;
    }
  untagged("OK [UIDVALIDITY " + std::to_string(folder->uid_validity) + "] UIDs valid");
  untagged("OK [UIDNEXT " + std::to_string(folder->uid_next) + "] Predicted next UID");
  untagged(std::string("FLAGS (") + SystemFlags + keywords + ")");
  if (read_only) untagged("OK [PERMANENTFLAGS ()] No permanent flags permitted");
  else untagged(std::string("OK [PERMANENTFLAGS (") + SystemFlags + keywords + " \\*)] Flags permitted");

  emit(mailbox_event(EventKind::Selected, folder->name,
                     "selected " + folder->name + " (" + std::to_string(view_->exists()) + " messages, " +
                         std::to_string(view_->recent_count()) + " recent, " +
                         (read_only ? "read-only" : "read-write") + ")"));
  ok(request, read_only ? "READ-ONLY" : "READ-WRITE");
}

void ServerSession::create(const Request& request, Cursor& cursor) {
  std::optional<std::string> name;
  if (!cursor.space() || !(name = cursor.astring()) || !cursor.end())
    return bad(request, "CREATE expects a mailbox name: " + cursor.error());
  const std::string folder = without_trailing_delimiter(*name);
  if (auto created = store_.create_folder(user_, folder); !created) return no(request, "CREATE failed: " + created.error());
  emit(mailbox_event(EventKind::MailboxChanged, mail::canonical_folder(folder), "created mailbox " + folder));
  ok(request);
}

void ServerSession::delete_mailbox(const Request& request, Cursor& cursor) {
  std::optional<std::string> name;
  if (!cursor.space() || !(name = cursor.astring()) || !cursor.end())
    return bad(request, "DELETE expects a mailbox name: " + cursor.error());
  const std::string folder = mail::canonical_folder(*name);
  if (auto deleted = store_.delete_folder(user_, folder); !deleted) return no(request, "DELETE failed: " + deleted.error());
  if (view_ && view_->name() == folder) close_view();
  emit(mailbox_event(EventKind::MailboxChanged, folder, "deleted mailbox " + folder));
  ok(request);
}

void ServerSession::rename(const Request& request, Cursor& cursor) {
  std::optional<std::string> from, to;
  if (!cursor.space() || !(from = cursor.astring()) || !cursor.space() || !(to = cursor.astring()) || !cursor.end())
    return bad(request, "RENAME expects two mailbox names: " + cursor.error());
  const std::string old_name = mail::canonical_folder(*from);
  const std::string new_name = without_trailing_delimiter(*to);
  const bool renaming_selected = view_ && old_name != "INBOX" &&
                                 (view_->name() == old_name || view_->name().rfind(old_name + "/", 0) == 0);
  if (auto renamed = store_.rename_folder(user_, old_name, new_name); !renamed)
    return no(request, "RENAME failed: " + renamed.error());
  // The selected mailbox keeps its UIDVALIDITY under its new name; follow it.
  if (renaming_selected) view_->rename(new_name + view_->name().substr(old_name.size()));
  emit(mailbox_event(EventKind::MailboxChanged, new_name, "renamed mailbox " + old_name + " to " + new_name));
  ok(request);
}

void ServerSession::subscribe(const Request& request, Cursor& cursor) {
  std::optional<std::string> name;
  if (!cursor.space() || !(name = cursor.astring()) || !cursor.end())
    return bad(request, request.name + " expects a mailbox name: " + cursor.error());
  mail::Folder* folder = store_.folder(user_, *name);
  if (!folder) return no(request, request.name + " failed: no mailbox \"" + quote_for_error(*name) + "\"");
  folder->subscribed = request.name == "SUBSCRIBE";
  ok(request);
}

void ServerSession::list(const Request& request, Cursor& cursor) {
  std::optional<std::string> reference, pattern;
  if (!cursor.space() || !(reference = cursor.astring()) || !cursor.space() || !(pattern = cursor.list_mailbox()) ||
      !cursor.end())
    return bad(request, request.name + " expects a reference and a mailbox pattern: " + cursor.error());
  const bool lsub = request.name == "LSUB";
  const std::string delimiter(1, mail::Store::Delimiter);
  if (pattern->empty() && !lsub) {
    // RFC 3501 6.3.8: an empty pattern asks for the delimiter and the reference's root.
    untagged("LIST (\\Noselect) \"" + delimiter + "\" \"\"");
    return ok(request);
  }
  const std::string full = *reference + *pattern;
  // Every folder, and every parent level that holds folders without being one (\Noselect).
  std::map<std::string, bool> names;  // name -> is a real folder
  for (const std::string& name : store_.folder_names(user_)) {
    const mail::Folder* folder = store_.folder(user_, name);
    if (lsub && !folder->subscribed) continue;
    names[name] = true;
    for (std::size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1))
      names.emplace(name.substr(0, slash), false);
  }
  auto answer = [&](const std::string& name, bool real) {
    if (!matches_pattern(full, name, mail::Store::Delimiter)) return;
    if (lsub && !real) return;
    untagged(request.name + " (" + (real ? "" : "\\Noselect") + ") \"" + delimiter + "\" " + imap_string(name));
  };
  if (names.count("INBOX")) answer("INBOX", names["INBOX"]);
  for (const auto& [name, real] : names)
    if (name != "INBOX") answer(name, real);
  ok(request);
}

void ServerSession::status(const Request& request, Cursor& cursor) {
  std::optional<std::string> name;
  if (!cursor.space() || !(name = cursor.astring()) || !cursor.space() || !cursor.consume('('))
    return bad(request, "STATUS expects a mailbox name and a list of items: " + cursor.error());
  const mail::Folder* folder = store_.folder(user_, *name);
  std::string items;
  while (cursor.peek() != ')') {
    if (!items.empty() && !cursor.space()) return bad(request, "STATUS items are separated by spaces: " + cursor.error());
    const auto item = cursor.atom();
    if (!item) return bad(request, "STATUS expects MESSAGES, RECENT, UIDNEXT, UIDVALIDITY or UNSEEN: " + cursor.error());
    const std::string key = upper(*item);
    std::uint64_t value = 0;
    if (folder) {
      if (key == "MESSAGES") value = folder->messages.size();
      else if (key == "RECENT") value = folder->recent();
      else if (key == "UIDNEXT") value = folder->uid_next;
      else if (key == "UIDVALIDITY") value = folder->uid_validity;
      else if (key == "UNSEEN") value = folder->unseen();
      else return bad(request, "Unknown STATUS item " + quote_for_error(*item));
    }
    if (!items.empty()) items += ' ';
    items += key + " " + std::to_string(value);
  }
  if (!cursor.consume(')') || !cursor.end()) return bad(request, "STATUS expects \")\" at the end: " + cursor.error());
  if (!folder) return no(request, "STATUS failed: no mailbox \"" + quote_for_error(*name) + "\"");
  untagged("STATUS " + imap_string(folder->name) + " (" + items + ")");
  ok(request);
}

void ServerSession::append(const Request& request, Cursor& cursor) {
  std::optional<std::string> name;
  if (!cursor.space() || !(name = cursor.astring()) || !cursor.space())
    return bad(request, "APPEND expects a mailbox name: " + cursor.error());
  mail::Flags flags;
  if (cursor.peek() == '(') {
    auto parsed = parse_flag_list(cursor, false);
    if (!parsed || !cursor.space()) return bad(request, "APPEND has a bad flag list: " + cursor.error());
    flags = std::move(*parsed);
  }
  Time date = now_;
  if (cursor.peek() == '"') {
    const auto text = cursor.quoted();
    const auto parsed = text ? parse_date_time(*text, config_.epoch) : std::nullopt;
    if (!parsed || !cursor.space())
      return bad(request, "APPEND expects a date-time such as \"17-Jul-1996 02:44:25 -0700\": " +
                              (text ? "got \"" + quote_for_error(*text) + "\"" : cursor.error()));
    date = *parsed;
  }
  const auto message = cursor.literal();
  if (!message || !cursor.end()) return bad(request, "APPEND expects the message as a literal {n}: " + cursor.error());
  if (!store_.folder(user_, *name))
    return no(request, "[TRYCREATE] APPEND failed: no mailbox \"" + quote_for_error(*name) + "\"");
  flags.insert(mail::Recent);  // RFC 3501 6.3.11: an appended message is recent
  const auto uid = store_.append(user_, *name, *message, date, flags);
  if (!uid) return no(request, "APPEND failed: " + uid.error());
  const std::string folder = mail::canonical_folder(*name);
  emit(mailbox_event(EventKind::MailboxChanged, folder,
                     "appended message UID " + std::to_string(*uid) + " (" + std::to_string(message->size()) +
                         " octets) to " + folder));
  ok(request);
}

}  // namespace wiresim::imap
