// SEARCH criteria (RFC 3501 6.4.4): parsed into a tree of keys and matched against one message.
// String keys match case-insensitive substrings of the raw text (no MIME decoding).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocols/imap/sequence_set.hpp"
#include "protocols/imap/syntax.hpp"
#include "protocols/mail/store.hpp"

namespace wiresim::imap {

struct SearchKey {
  enum class Kind {
    And,  // children all match (the top level and parenthesized groups)
    Or, Not,
    All, Answered, Deleted, Draft, Flagged, New, Old, Recent, Seen,
    Unanswered, Undeleted, Undraft, Unflagged, Unseen, Keyword, Unkeyword,
    Header,  // header names the field; From/To/Cc/Bcc/Subject become Header
    Body, Text,
    Before, On, Since, SentBefore, SentOn, SentSince,
    Larger, Smaller,
    Uid, Sequence,
  };
  Kind kind = Kind::All;
  std::string header, text;       // Header: field name and substring; Body/Text/Keyword: text
  std::int64_t day = 0;           // date keys: days since 1970-01-01
  std::uint32_t size = 0;         // Larger/Smaller
  SequenceSet set;                // Uid/Sequence
  std::vector<SearchKey> children;
};

// search = ["CHARSET" SP astring SP] search-key *(SP search-key); the cursor is at the first key.
// nullopt with cursor.error() set on bad syntax; *bad_charset is set for a charset we lack.
std::optional<SearchKey> parse_search(Cursor& cursor, bool* bad_charset);

struct SearchContext {
  const mail::StoredMessage& message;
  mail::Flags flags;            // as this session shows them (with its own \Recent)
  std::uint32_t sequence = 0;   // the message's sequence number
  std::uint32_t exists = 0;     // for "*" in sequence sets
  std::uint32_t largest_uid = 0;
  std::int64_t epoch = 0;
};
bool matches(const SearchKey& key, const SearchContext& context);

}  // namespace wiresim::imap
