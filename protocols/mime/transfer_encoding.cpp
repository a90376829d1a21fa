#include "protocols/mime/transfer_encoding.hpp"

#include <array>
#include <vector>

#include "protocols/mail/message.hpp"

namespace wiresim::mime {

namespace {

constexpr char Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char Hex[] = "0123456789ABCDEF";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// RFC 2045 6.7 rule 2: printable ASCII but "=" stands for itself.
bool is_literal(unsigned char u) { return (u >= 33 && u <= 60) || (u >= 62 && u <= 126); }

void append_hex(std::string& out, unsigned char u) {
  out += '=';
  out += Hex[u >> 4];
  out += Hex[u & 15];
}

}  // namespace

std::string base64_encode(std::string_view data, std::size_t line_length) {
  std::string out;
  out.reserve(data.size() * 4 / 3 + data.size() / 38 + 4);
  std::size_t column = 0;
  auto put = [&](char c) {
    if (line_length != 0 && column == line_length) {
      out += "\r\n";
      column = 0;
    }
    out += c;
    ++column;
  };
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t n = (static_cast<unsigned char>(data[i]) << 16) |
                            (static_cast<unsigned char>(data[i + 1]) << 8) | static_cast<unsigned char>(data[i + 2]);
    put(Alphabet[(n >> 18) & 63]);
    put(Alphabet[(n >> 12) & 63]);
    put(Alphabet[(n >> 6) & 63]);
    put(Alphabet[n & 63]);
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<unsigned char>(data[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(data[i + 1]) << 8;
    put(Alphabet[(n >> 18) & 63]);
    put(Alphabet[(n >> 12) & 63]);
    put(rest == 2 ? Alphabet[(n >> 6) & 63] : '=');
    put('=');
  }
  return out;
}

std::string base64_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    if (c == '=') break;
    const int v = base64_value(c);
    if (v < 0) continue;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    if (++count == 4) {
      out += static_cast<char>((bits >> 16) & 0xFF);
      out += static_cast<char>((bits >> 8) & 0xFF);
      out += static_cast<char>(bits & 0xFF);
      bits = 0;
      count = 0;
    }
  }
  // RFC 2045 6.8: a final unit of 2 or 3 characters carries 1 or 2 octets; 1 carries none.
  if (count == 2) {
    out += static_cast<char>((bits >> 4) & 0xFF);
  } else if (count == 3) {
    out += static_cast<char>((bits >> 10) & 0xFF);
    out += static_cast<char>((bits >> 2) & 0xFF);
  }
  return out;
}

std::optional<std::string> base64_decode_strict(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::uint32_t group = 0;
    std::size_t padding = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        ++padding;
        group <<= 6;
        continue;
      }
      const int v = base64_value(c);
      if (v < 0 || padding > 0) return std::nullopt;  // a digit after "=" is malformed too
      group = group << 6 | static_cast<std::uint32_t>(v);
    }
    out += static_cast<char>((group >> 16) & 0xff);
    if (padding < 2) out += static_cast<char>((group >> 8) & 0xff);
    if (padding < 1) out += static_cast<char>(group & 0xff);
  }
  return out;
}

std::string qp_encode(std::string_view data, bool text) {
  std::string out;
  out.reserve(data.size() + data.size() / 8);
  std::size_t line_start = 0;
  while (line_start <= data.size()) {
    // One hard line: up to the next CRLF in text mode, the whole data otherwise.
    std::size_t line_end = data.size();
    bool hard_break = false;
    if (text) {
      const std::size_t crlf = data.find("\r\n", line_start);
      if (crlf != std::string_view::npos) {
        line_end = crlf;
        hard_break = true;
      }
    }
    std::size_t column = 0;
    for (std::size_t i = line_start; i < line_end; ++i) {
      const auto u = static_cast<unsigned char>(data[i]);
      const bool last = i + 1 == line_end;
      std::string piece;
      // Rule 3: a space or tab is literal unless it would end the encoded line.
      if (is_literal(u) || ((u == ' ' || u == '\t') && !last)) piece = static_cast<char>(u);
      else append_hex(piece, u);
      // Rule 5: at most 76 characters including the "=" of a soft break, so a piece that is not
      // the last of the line must leave room for one.
      const std::size_t room = last ? MaxEncodedLine : MaxEncodedLine - 1;
      if (column + piece.size() > room) {
        out += "=\r\n";
        column = 0;
      }
      out += piece;
      column += piece.size();
    }
    if (!hard_break) break;
    out += "\r\n";
    line_start = line_end + 2;
  }
  return out;
}

std::string qp_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t lf = text.find('\n', pos);
    const bool has_break = lf != std::string_view::npos;
    if (!has_break) lf = text.size();
    std::string_view line = text.substr(pos, lf - pos);
    pos = has_break ? lf + 1 : text.size();
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Rule 3: whitespace at the end of an encoded line was added in transport; drop it.
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    const bool soft = !line.empty() && line.back() == '=';
    if (soft) line.remove_suffix(1);
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '=' && i + 2 < line.size()) {
        const int hi = hex_value(line[i + 1]);
        const int lo = hex_value(line[i + 2]);
        if (hi >= 0 && lo >= 0) {
          out += static_cast<char>(hi * 16 + lo);
          i += 2;
          continue;
        }
      }
      out += line[i];  // a bad "=" sequence stays as it was (RFC 2045 6.7 note 1)
    }
    if (has_break && !soft) out += "\r\n";
  }
  return out;
}

std::string decode(std::string_view data, std::string_view encoding) {
  if (mail::iequals(encoding, "base64")) return base64_decode(data);
  if (mail::iequals(encoding, "quoted-printable")) return qp_decode(data);
  return std::string(data);
}

bool has_8bit(std::string_view data) {
  for (char c : data)
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  return false;
}

bool is_line_data(std::string_view data) {
  std::size_t column = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const char c = data[i];
    if (c == '\0') return false;
    if (c == '\r') {
      if (i + 1 >= data.size() || data[i + 1] != '\n') return false;
      ++i;
      column = 0;
      continue;
    }
    if (c == '\n') return false;
    if (++column > mail::MaxLineLength) return false;
  }
  return true;
}

}  // namespace wiresim::mime
