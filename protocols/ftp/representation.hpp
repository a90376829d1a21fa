// How a file's bytes travel on a data connection (RFC 959 3.1 and 3.4): the representation
// TYPE (A: ASCII with CRLF line ends, I: image, E: EBCDIC through a fixed table) and the
// transmission MODE (S: stream, B: blocks with a 3-octet header, C: compressed), and the file,
// record (stream mode) and page STRUctures. No restart markers inside block mode.
#pragma once

#include <cstdint>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace wiresim::ftp {

enum class Type { Ascii, Image, Ebcdic };
enum class Mode { Stream, Block, Compressed };
enum class Structure { File, Record, Page };

std::string_view type_name(Type type);  // "ASCII", "BINARY", "EBCDIC" (as in the 150 reply)

// Stored bytes (Unix text, LF line ends) to what goes on the wire in `type`: A turns each LF
// into CRLF and leaves a CRLF alone (RFC 959 3.1.1.1); E maps every octet through the table.
std::string to_wire(std::string_view stored, Type type);
// The other way: A turns CRLF into LF (a lone CR stays), E maps back through the table.
std::string from_wire(std::string_view wire, Type type);
// to_wire(stored, type).size(), without building it (SIZE, RFC 3659 4).
std::uint64_t wire_size(std::string_view stored, Type type);

// The table behind TYPE E: IBM code page 037 with LF and NEL swapped, so that an ASCII line
// end becomes EBCDIC NL (0x15), the line end RFC 959 3.1.1.2 names. A bijection on octets.
unsigned char ascii_to_ebcdic(unsigned char octet);
unsigned char ebcdic_to_ascii(unsigned char octet);

// RFC 959 3.4.2 block mode: a header of a descriptor octet and a 16-bit count, then the count's
// octets. Data goes in blocks of at most 65535 octets with descriptor 0, then an empty block
// with descriptor 64 (EOF).
constexpr unsigned char BlockEof = 64;
constexpr unsigned char BlockEor = 128;
std::string block_encode(std::string_view data);
// The data of a complete block-mode stream; nothing (and `error` says why) when a header is cut
// short, a block runs past the end, or no EOF block came. Bytes after the EOF block are an error.
std::optional<std::string> block_decode(std::string_view stream, std::string* error);

// RFC 959 3.4.3 compressed mode: byte strings (a count byte 0nnnnnnn, then 1 to 127 data
// octets), replicated bytes (10nnnnnn, then the octet to repeat n times), filler strings
// (11nnnnnn: n filler octets, `filler` being a space in TYPE A (0x20) and E (0x40), zero in
// TYPE I), and escapes (a zero octet, then a block-mode descriptor). The data ends with the
// escape of EOF, 0x00 0x40. Runs of three or more octets (two for filler) are compressed.
std::string compressed_encode(std::string_view data, unsigned char filler);
// The data; nothing (and `error` says why) for a stream cut short, an escape other than EOF or
// suspect data, bytes after EOF, or data growing past `max_data` octets ("more than ...").
std::optional<std::string> compressed_decode(std::string_view stream, unsigned char filler, std::string* error,
                                             std::size_t max_data = SIZE_MAX);
unsigned char filler_of(Type type);

// RFC 959 3.1.2.3, STRU P: the file in pages, each after a header of one-octet fields (the
// logical byte of TYPE A, E and I is an octet): header length (4), page index (from 0), data
// length (at most 255), page type (1: simple page); then a last page, type 0, with no data. So
// a file of pages has at most 255 data pages: MaxPagedFile octets.
constexpr std::size_t PageData = 255;
constexpr std::size_t MaxPagedFile = 255 * PageData;
std::string pages_encode(std::string_view data);
// The pages' data in the order sent; a descriptor page (type 2) describes the file and is not
// part of it, an access-controlled one (type 3) has a fifth header octet. Nothing (and `error`
// says why) for a header cut short or of the wrong length for its type (4 for the last page,
// which has no data, and a simple one; 5 for an access-controlled one), an unknown page type
// (`unknown_type` then set) or no last page.
std::optional<std::string> pages_decode(std::string_view stream, std::string* error, bool* unknown_type = nullptr);

// RFC 959 3.4.1, STRU R in stream mode: the file's lines are its records; each goes in `type`
// without its line end, followed by the two-octet EOR code 0xFF 0x01; the file ends with EOF,
// 0xFF 0x02 (on the last record, EOR and EOF together: 0xFF 0x03). A data octet 0xFF is sent
// twice.
std::string records_encode(std::string_view stored, Type type);
// Records back into lines (LF ends); nothing (and `error` says why) for an escape octet
// followed by a code other than 0xFF, 1, 2 or 3, or a stream without EOF.
std::optional<std::string> records_decode(std::string_view wire, Type type, std::string* error);

}  // namespace wiresim::ftp
