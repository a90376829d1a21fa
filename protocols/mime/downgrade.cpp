#include "protocols/mime/downgrade.hpp"

#include "protocols/mail/message.hpp"
#include "protocols/mime/encoded_word.hpp"
#include "protocols/mime/entity.hpp"
#include "protocols/mime/transfer_encoding.hpp"

namespace wiresim::mime {

namespace {

// RFC 2045 2.7: 7bit data has no octet >= 0x80, no NUL and lines of at most 998 octets. Bare CR
// and LF are left alone here: SMTP's dot-stuffing already makes every line end CRLF.
bool is_7bit_data(std::string_view body) {
  std::size_t column = 0;
  for (char c : body) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || u == 0) return false;
    column = c == '\n' ? 0 : column + 1;
    if (column > mail::MaxLineLength + 1) return false;  // + 1: the CR of a CRLF
  }
  return true;
}

bool is_encoded(const Entity& e) { return e.transfer_encoding == "base64" || e.transfer_encoding == "quoted-printable"; }

bool leaf_needs_encoding(const Entity& e, std::string_view message) {
  return !is_encoded(e) && !is_7bit_data(e.body(message));
}

bool needs_downgrade(const Entity& e, std::string_view message) {
  if (e.parts.empty()) return leaf_needs_encoding(e, message);
  for (const Entity& child : e.parts)
    if (needs_downgrade(child, message)) return true;
  return false;
}

struct Downgrader {
  std::string_view message;

  // The entity's bytes (header section and body) made 7-bit. `is_message` for the top level and
  // an encapsulated message, which may lack MIME-Version.
  std::string rewrite(const Entity& e, bool is_message) {
    std::string header(e.header_bytes(message));
    if (!needs_downgrade(e, message)) {
      header += e.body(message);
      return header;
    }
    std::string body;
    if (e.parts.empty()) {
      const std::string_view content = e.body(message);
      // A non-MIME message is text (RFC 2045 5.2), so the default type decides this too.
      const bool text = e.content_type.type == "text";
      const std::string encoding = text ? "quoted-printable" : "base64";
      body = text ? qp_encode(content, true) : base64_encode(content);
      if (is_message && !mail::header_value(e.headers, "MIME-Version")) {
        header = mail::replace_field(header, "MIME-Version", "1.0");
        if (!mail::header_value(e.headers, "Content-Type")) {
          // RFC 1428: "unknown-8bit" names 8-bit text of a charset nobody recorded.
          const std::string charset = is_valid_utf8(content) ? "utf-8" : "unknown-8bit";
          header = mail::replace_field(header, "Content-Type", "text/plain; charset=" + charset);
        }
      }
      header = mail::replace_field(header, "Content-Transfer-Encoding", encoding);
    } else {
      // RFC 2045 6.4: a composite entity is labelled 8bit or binary only if a part is.
      if (e.transfer_encoding != "7bit")
        header = mail::replace_field(header, "Content-Transfer-Encoding", "7bit");
      if (e.is_message()) {
        body = rewrite(e.parts.front(), true);
      } else {
        // Preamble, each part, and the delimiter lines between them keep their bytes.
        body = message.substr(e.body_offset, e.parts.front().header_offset - e.body_offset);
        for (std::size_t i = 0; i < e.parts.size(); ++i) {
          body += rewrite(e.parts[i], false);
          const std::size_t next = i + 1 < e.parts.size() ? e.parts[i + 1].header_offset : e.end_offset;
          body += message.substr(e.parts[i].end_offset, next - e.parts[i].end_offset);
        }
      }
    }
    header += body;
    return header;
  }
};

}  // namespace

bool needs_7bit_downgrade(std::string_view message) { return needs_downgrade(parse(message), message); }

std::string to_7bit(std::string_view message) {
  const Entity root = parse(message);
  Downgrader downgrader{message};
  return downgrader.rewrite(root, true);
}

}  // namespace wiresim::mime
