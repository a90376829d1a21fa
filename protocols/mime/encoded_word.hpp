// RFC 2047 encoded words ("=?utf-8?Q?Caf=C3=A9?="): non-ASCII text in header fields. Encodes
// UTF-8; decodes UTF-8, US-ASCII, ISO-8859-1 and windows-1252 to UTF-8. Leaves out RFC 2231
// language tags beyond ignoring them.
#pragma once

#include <string>
#include <string_view>

namespace wiresim::mime {

// RFC 2047 2: an encoded word is at most 75 characters.
constexpr std::size_t MaxEncodedWord = 75;

// The text as it may appear in an unstructured field (Subject) or a phrase (display name): left
// as is when it is printable ASCII; otherwise each run of words that needs it becomes encoded
// words in UTF-8, "B" or "Q" whichever is shorter, none longer than 75 characters, none splitting
// a character, separated by spaces (which decoding drops, RFC 2047 6.2). Q uses only the
// characters RFC 2047 5(3) allows in a phrase.
std::string encode_words(std::string_view utf8_text);

// Decodes every encoded word in a field value to UTF-8. Whitespace between two adjacent encoded
// words goes (RFC 2047 6.2), other text stays. A word in a charset we do not know is left as it
// was unless its bytes are all ASCII; a malformed word is left as it was. Never fails.
std::string decode_words(std::string_view value);

// A display name ready for a header: encoded words if it needs them, else mail::quote_phrase.
std::string encode_phrase(std::string_view utf8_name);

// An address list field value ("Zoë <z@x>, b@y") with each display name made ASCII.
std::string encode_address_list(std::string_view utf8_list);

// Bytes in ISO-8859-1 / windows-1252 as UTF-8.
std::string latin1_to_utf8(std::string_view bytes, bool windows_1252 = false);
bool is_valid_utf8(std::string_view bytes);

}  // namespace wiresim::mime
