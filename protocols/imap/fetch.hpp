// FETCH (RFC 3501 6.4.5, 7.4.2): the data items a client may ask for, parsed from the command,
// and their values in the FETCH response. Body sections and partial ranges included.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocols/imap/syntax.hpp"
#include "protocols/mail/store.hpp"

namespace wiresim::imap {

// RFC 3501 6.4.5 section-spec: a part number ("1.2", "" for the whole message) and what of it.
struct Section {
  enum class Text { All, Header, HeaderFields, HeaderFieldsNot, Text, Mime };
  std::string part;
  Text text = Text::All;
  std::vector<std::string> fields;  // HEADER.FIELDS (...)

  std::string to_string() const;  // "1.HEADER.FIELDS (FROM TO)" as the response names it
};

struct FetchItem {
  enum class Kind {
    Envelope, Flags, InternalDate, Rfc822, Rfc822Header, Rfc822Size, Rfc822Text, Body, BodyStructure, Uid,
    BodySection,  // BODY[section]<partial> and BODY.PEEK[...]
  };
  Kind kind = Kind::Flags;
  Section section;
  bool peek = false;
  std::optional<std::uint32_t> partial_start, partial_count;

  // RFC 3501 6.4.5: fetching body text without PEEK sets \Seen (RFC822.HEADER is a peek).
  bool sets_seen() const;
};

// "ALL", "FAST", "FULL", one item, or a parenthesized list; nullopt with cursor.error() set.
std::optional<std::vector<FetchItem>> parse_fetch_items(Cursor& cursor);

// One message's "NAME value" pieces for the response, in the order asked. The caller adds UID
// (UID FETCH) and FLAGS (when \Seen was set) as RFC 3501 6.4.8 and 6.4.5 require.
struct FetchContext {
  const mail::StoredMessage& message;
  mail::Flags flags;      // as this session shows them (\Recent per session)
  std::int64_t epoch = 0; // calendar of INTERNALDATE
};
std::string format_fetch_item(const FetchItem& item, const FetchContext& context);

// The message's bytes a section names (nullopt: no such part).
std::optional<std::string> section_bytes(const std::string& message, const Section& section);

}  // namespace wiresim::imap
