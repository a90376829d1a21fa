#include "protocols/ftp/representation.hpp"

#include <algorithm>
#include <array>

namespace wiresim::ftp {
namespace {

// Code page 037 indexed by ISO 8859-1 octet, LF (0x0A) and NEL (0x85) swapped to 0x15 and 0x25.
constexpr std::array<unsigned char, 256> ToEbcdic = {
    0x00, 0x01, 0x02, 0x03, 0x37, 0x2D, 0x2E, 0x2F, 0x16, 0x05, 0x15, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
    0x10, 0x11, 0x12, 0x13, 0x3C, 0x3D, 0x32, 0x26, 0x18, 0x19, 0x3F, 0x27, 0x1C, 0x1D, 0x1E, 0x1F,
    0x40, 0x5A, 0x7F, 0x7B, 0x5B, 0x6C, 0x50, 0x7D, 0x4D, 0x5D, 0x5C, 0x4E, 0x6B, 0x60, 0x4B, 0x61,
    0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0x7A, 0x5E, 0x4C, 0x7E, 0x6E, 0x6F,
    0x7C, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6,
    0xD7, 0xD8, 0xD9, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xBA, 0xE0, 0xBB, 0xB0, 0x6D,
    0x79, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96,
    0x97, 0x98, 0x99, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xC0, 0x4F, 0xD0, 0xA1, 0x07,
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x06, 0x17, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x09, 0x0A, 0x1B,
    0x30, 0x31, 0x1A, 0x33, 0x34, 0x35, 0x36, 0x08, 0x38, 0x39, 0x3A, 0x3B, 0x04, 0x14, 0x3E, 0xFF,
    0x41, 0xAA, 0x4A, 0xB1, 0x9F, 0xB2, 0x6A, 0xB5, 0xBD, 0xB4, 0x9A, 0x8A, 0x5F, 0xCA, 0xAF, 0xBC,
    0x90, 0x8F, 0xEA, 0xFA, 0xBE, 0xA0, 0xB6, 0xB3, 0x9D, 0xDA, 0x9B, 0x8B, 0xB7, 0xB8, 0xB9, 0xAB,
    0x64, 0x65, 0x62, 0x66, 0x63, 0x67, 0x9E, 0x68, 0x74, 0x71, 0x72, 0x73, 0x78, 0x75, 0x76, 0x77,
    0xAC, 0x69, 0xED, 0xEE, 0xEB, 0xEF, 0xEC, 0xBF, 0x80, 0xFD, 0xFE, 0xFB, 0xFC, 0xAD, 0xAE, 0x59,
    0x44, 0x45, 0x42, 0x46, 0x43, 0x47, 0x9C, 0x48, 0x54, 0x51, 0x52, 0x53, 0x58, 0x55, 0x56, 0x57,
    0x8C, 0x49, 0xCD, 0xCE, 0xCB, 0xCF, 0xCC, 0xE1, 0x70, 0xDD, 0xDE, 0xDB, 0xDC, 0x8D, 0x8E, 0xDF,
};

constexpr std::array<unsigned char, 256> invert(const std::array<unsigned char, 256>& table) {
  std::array<unsigned char, 256> inverse{};
  for (std::size_t i = 0; i < 256; ++i) inverse[table[i]] = static_cast<unsigned char>(i);
  return inverse;
}
constexpr std::array<unsigned char, 256> ToAscii = invert(ToEbcdic);

constexpr std::size_t MaxBlock = 65535;

// A decoder's "nothing": says why in `error`, if asked.
std::optional<std::string> failed(std::string* error, std::string why) {
  if (error) *error = std::move(why);
  return std::nullopt;
}

}  // namespace

std::string_view type_name(Type type) {
  switch (type) {
    case Type::Ascii:
      return "ASCII";
    case Type::Image:
      return "BINARY";
    case Type::Ebcdic:
      return "EBCDIC";
  }
  return "BINARY";
}

unsigned char ascii_to_ebcdic(unsigned char octet) { return ToEbcdic[octet]; }
unsigned char ebcdic_to_ascii(unsigned char octet) { return ToAscii[octet]; }

std::string to_wire(std::string_view stored, Type type) {
  std::string out;
  out.reserve(stored.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const char c = stored[i];
    switch (type) {
      case Type::Ascii:
        if (c == '\n' && (i == 0 || stored[i - 1] != '\r')) out += '\r';
        out += c;
        break;
      case Type::Ebcdic:
        out += static_cast<char>(ascii_to_ebcdic(static_cast<unsigned char>(c)));
        break;
      case Type::Image:
        out += c;
        break;
    }
  }
  return out;
}

std::string from_wire(std::string_view wire, Type type) {
  std::string out;
  out.reserve(wire.size());
  for (std::size_t i = 0; i < wire.size(); ++i) {
    const char c = wire[i];
    switch (type) {
      case Type::Ascii:
        if (c == '\r' && i + 1 < wire.size() && wire[i + 1] == '\n') break;
        out += c;
        break;
      case Type::Ebcdic:
        out += static_cast<char>(ebcdic_to_ascii(static_cast<unsigned char>(c)));
        break;
      case Type::Image:
        out += c;
        break;
    }
  }
  return out;
}

std::uint64_t wire_size(std::string_view stored, Type type) {
  std::uint64_t size = stored.size();
  if (type == Type::Ascii) {
    for (std::size_t i = 0; i < stored.size(); ++i)
      if (stored[i] == '\n' && (i == 0 || stored[i - 1] != '\r')) ++size;
  }
  return size;
}

std::string block_encode(std::string_view data) {
  std::string out;
  auto header = [&out](unsigned char descriptor, std::size_t count) {
    out += static_cast<char>(descriptor);
    out += static_cast<char>((count >> 8) & 0xFF);
    out += static_cast<char>(count & 0xFF);
  };
  for (std::size_t at = 0; at < data.size(); at += MaxBlock) {
    const std::string_view block = data.substr(at, MaxBlock);
    header(0, block.size());
    out += block;
  }
  header(BlockEof, 0);
  return out;
}

std::string records_encode(std::string_view stored, Type type) {
  constexpr char Escape = static_cast<char>(0xFF);
  std::string out;
  std::size_t start = 0;
  while (start < stored.size()) {
    std::size_t end = stored.find('\n', start);
    if (end == std::string_view::npos) end = stored.size();
    for (const char c : to_wire(stored.substr(start, end - start), type)) {
      out += c;
      if (c == Escape) out += Escape;  // a data octet of all ones, repeated
    }
    start = end + 1;
    out += Escape;
    out += static_cast<char>(start >= stored.size() ? 0x03 : 0x01);  // EOR, with EOF on the last
  }
  if (stored.empty()) {
    out += Escape;
    out += static_cast<char>(0x02);  // an empty file: EOF alone
  }
  return out;
}

std::optional<std::string> records_decode(std::string_view wire, Type type, std::string* error) {
  std::string lines, record;
  for (std::size_t at = 0; at < wire.size(); ++at) {
    if (static_cast<unsigned char>(wire[at]) != 0xFF) {
      record += wire[at];
      continue;
    }
    if (at + 1 >= wire.size()) {
      return failed(error, "the stream ends inside a control code");
    }
    const auto code = static_cast<unsigned char>(wire[++at]);
    if (code == 0xFF) {
      record += wire[at];
      continue;
    }
    if (code < 1 || code > 3) {
      return failed(error, "control code 0xFF " + std::to_string(code) + " is neither EOR (1) nor EOF (2)");
    }
    if (code & 1) {  // EOR: the record becomes a line
      lines += from_wire(record, type);
      lines += '\n';
      record.clear();
    }
    if (code & 2) {  // EOF: nothing may follow
      if (at + 1 != wire.size() || !record.empty()) {
        return failed(error, "data after the EOF code");
      }
      return lines;
    }
  }
  return failed(error, "no EOF code (0xFF 0x02) at the end of the stream");
}

std::optional<std::string> block_decode(std::string_view stream, std::string* error) {
  std::string data;
  std::size_t at = 0;
  while (at < stream.size()) {
    if (stream.size() - at < 3) {
      return failed(error, "a block header cut short at octet " + std::to_string(at));
    }
    const auto descriptor = static_cast<unsigned char>(stream[at]);
    const std::size_t count = (static_cast<std::size_t>(static_cast<unsigned char>(stream[at + 1])) << 8) |
                              static_cast<unsigned char>(stream[at + 2]);
    at += 3;
    if (stream.size() - at < count) {
      return failed(error, "a block of " + std::to_string(count) + " octets with only " +
                               std::to_string(stream.size() - at) + " left");
    }
    data.append(stream.substr(at, count));
    at += count;
    if (descriptor & BlockEof) {
      if (at != stream.size()) {
        return failed(error, std::to_string(stream.size() - at) + " octets after the EOF block");
      }
      return data;
    }
  }
  return failed(error, "no EOF block (descriptor 64) before the connection closed");
}

unsigned char filler_of(Type type) {
  switch (type) {
    case Type::Ascii:
      return 0x20;
    case Type::Ebcdic:
      return 0x40;  // EBCDIC's space
    case Type::Image:
      return 0x00;
  }
  return 0x00;
}

std::string compressed_encode(std::string_view data, unsigned char filler) {
  constexpr std::size_t MaxString = 127, MaxRun = 63;
  std::string out;
  std::size_t literal = 0;  // where the octets not sent yet start: they go as byte strings
  auto flush = [&](std::size_t end) {
    for (std::size_t at = literal; at < end; at += MaxString) {
      const std::string_view part = data.substr(at, std::min(MaxString, end - at));
      out += static_cast<char>(part.size());
      out += part;
    }
  };
  std::size_t at = 0;
  while (at < data.size()) {
    const auto octet = static_cast<unsigned char>(data[at]);
    std::size_t run = 1;
    while (at + run < data.size() && run < MaxRun && static_cast<unsigned char>(data[at + run]) == octet) ++run;
    // A filler string costs one octet and a replicated byte two, and in the middle of a byte
    // string either costs the next string's count octet too: from two fillers or three
    // repeats on, the run is never longer compressed (and a tie goes to compression, which
    // shows the mode at work).
    if (run < (octet == filler ? 2u : 3u)) {
      at += run;
      continue;
    }
    flush(at);
    if (octet == filler) {
      out += static_cast<char>(0xC0 | run);
    } else {
      out += static_cast<char>(0x80 | run);
      out += static_cast<char>(octet);
    }
    at += run;
    literal = at;
  }
  flush(data.size());
  out += '\0';
  out += static_cast<char>(BlockEof);
  return out;
}

std::optional<std::string> compressed_decode(std::string_view stream, unsigned char filler, std::string* error,
                                             std::size_t max_data) {
  std::string data;
  std::size_t at = 0;
  while (at < stream.size()) {
    const auto header = static_cast<unsigned char>(stream[at++]);
    const std::size_t n = header & ((header & 0x80) ? 0x3F : 0x7F);
    if (header == 0) {  // an escape: a descriptor follows
      if (at >= stream.size()) return failed(error, "the stream ends inside an escape sequence");
      const auto descriptor = static_cast<unsigned char>(stream[at++]);
      if (descriptor & BlockEof) {
        if (at != stream.size())
          return failed(error, std::to_string(stream.size() - at) + " octets after the EOF escape");
        return data;
      }
      if (descriptor & (BlockEor | 16))
        return failed(error, "escape descriptor " + std::to_string(descriptor) +
                                 ": records and restart markers are not modelled");
      continue;  // 32, suspected errors: the data follows all the same
    }
    if (data.size() + n > max_data) return failed(error, "more than " + std::to_string(max_data) + " octets of data");
    if ((header & 0x80) == 0) {  // a byte string
      if (stream.size() - at < n) return failed(error, "a byte string of " + std::to_string(n) + " octets with only " +
                                              std::to_string(stream.size() - at) + " left");
      data.append(stream.substr(at, n));
      at += n;
    } else if ((header & 0x40) == 0) {  // a replicated byte
      if (at >= stream.size()) return failed(error, "a replicated byte without its octet");
      if (n == 0) return failed(error, "a replicated byte with a count of 0");
      data.append(n, stream[at++]);
    } else {  // a filler string
      if (n == 0) return failed(error, "a filler string with a count of 0");
      data.append(n, static_cast<char>(filler));
    }
  }
  return failed(error, "no EOF escape (0x00 0x40) before the connection closed");
}

std::string pages_encode(std::string_view data) {
  std::string out;
  auto page = [&out](std::size_t index, std::string_view bytes, unsigned char type) {
    out += static_cast<char>(4);  // header length: this octet, the index, the data length, the type
    out += static_cast<char>(index & 0xFF);
    out += static_cast<char>(bytes.size());
    out += static_cast<char>(type);
    out += bytes;
  };
  std::size_t index = 0;
  for (std::size_t at = 0; at < data.size(); at += PageData) page(index++, data.substr(at, PageData), 1);
  page(index, {}, 0);  // the last page
  return out;
}

std::optional<std::string> pages_decode(std::string_view stream, std::string* error, bool* unknown_type) {
  std::string data;
  std::size_t at = 0;
  while (at < stream.size()) {
    if (stream.size() - at < 4) return failed(error, "a page header cut short at octet " + std::to_string(at));
    const auto header_length = static_cast<unsigned char>(stream[at]);
    const auto length = static_cast<unsigned char>(stream[at + 2]);
    const auto type = static_cast<unsigned char>(stream[at + 3]);
    if (type > 3) {
      if (unknown_type) *unknown_type = true;
      return failed(error, "page type " + std::to_string(type) + " at octet " + std::to_string(at) +
                  " is not last (0), simple (1), descriptor (2) or access controlled (3)");
    }
    // RFC 959 3.1.2.3: the last and simple pages' headers are 4 octets, an access-controlled
    // page's 5; a descriptor page's at least 4 (optional fields may follow).
    const bool right_length = type == 3 ? header_length == 5 : type == 2 ? header_length >= 4 : header_length == 4;
    if (!right_length)
      return failed(error, "a header of " + std::to_string(header_length) + " octets for a page of type " +
                               std::to_string(type));
    if (type == 0 && length != 0)
      return failed(error, "a last page with " + std::to_string(length) + " octets of data");
    if (stream.size() - at < header_length + std::size_t{length})
      return failed(error, "a page runs past the end of the stream");
    const std::string_view bytes = stream.substr(at + header_length, length);
    at += header_length + std::size_t{length};
    if (type == 0) {
      if (at != stream.size()) return failed(error, std::to_string(stream.size() - at) + " octets after the last page");
      return data;
    }
    if (type != 2) data.append(bytes);  // a descriptor page describes the file; it is not of it
  }
  return failed(error, "no last page (type 0) before the connection closed");
}

}  // namespace wiresim::ftp
