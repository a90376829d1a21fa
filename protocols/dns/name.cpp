// Domain names in presentation form: escapes (RFC 1035 5.1), validity (RFC 1035 2.3.4) and
// case-insensitive comparison (RFC 4343). Leaves out IDNA: a label is just octets.
#include "protocols/dns/name.hpp"

#include <algorithm>

namespace wiresim::dns {
namespace {

// Untrusted text in a message: at most 60 characters, so one bad name cannot flood a trace.
std::string quoted(std::string_view text) {
  std::string out = "'";
  out.append(text.substr(0, 60));
  if (text.size() > 60) out += "...";
  out += '\'';
  return out;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The labels of a presentation name, with where each one starts in the text (for messages).
// Notes the first problem and carries on; labels() ignores it, check_name() reports it.
struct Split {
  std::vector<std::string> labels;
  std::vector<std::size_t> starts;
  std::string error;
  bool absolute = false;  // ended with an unescaped '.'
};

Split split(std::string_view name) {
  Split s;
  if (name == ".") {
    s.absolute = true;
    return s;
  }
  std::string label;
  std::size_t start = 0;
  bool pending = false;  // a label has begun (it may still be empty)
  for (std::size_t i = 0; i < name.size();) {
    const char c = name[i];
    if (!pending) {
      start = i;
      pending = true;
    }
    s.absolute = false;
    if (c == '.') {
      if (label.empty() && s.error.empty()) s.error = "name " + quoted(name) + " has an empty label";
      s.labels.push_back(std::move(label));
      s.starts.push_back(start);
      label.clear();
      pending = false;
      s.absolute = true;
      ++i;
      continue;
    }
    if (c != '\\') {
      label += c;
      ++i;
      continue;
    }
    // RFC 1035 5.1: "\X" is X itself, "\DDD" the octet with that decimal value.
    if (i + 1 >= name.size()) {
      if (s.error.empty()) s.error = "name " + quoted(name) + " ends inside an escape";
      ++i;
      continue;
    }
    if (!is_digit(name[i + 1])) {
      label += name[i + 1];
      i += 2;
      continue;
    }
    const std::string_view digits = name.substr(i + 1, 3);
    const bool three = digits.size() == 3 && is_digit(digits[1]) && is_digit(digits[2]);
    const int value = three ? (digits[0] - '0') * 100 + (digits[1] - '0') * 10 + (digits[2] - '0') : 0;
    if (s.error.empty() && !three) {
      s.error = "escape ";
      s.error += quoted(name.substr(i, 4));
      s.error += " in name " + quoted(name) + " needs three decimal digits";
    } else if (s.error.empty() && value > 255) {
      s.error = "escape ";
      s.error += quoted(name.substr(i, 4));
      s.error += " in name " + quoted(name) + " is over 255";
    }
    label += static_cast<char>(value & 0xFF);
    i += three ? 4 : 2;
  }
  if (pending) {  // a last label without its dot: a relative name
    s.labels.push_back(std::move(label));
    s.starts.push_back(start);
  }
  return s;
}

}  // namespace

std::vector<std::string> labels(std::string_view name) { return split(name).labels; }

std::string from_labels(const std::vector<std::string>& labels) {
  if (labels.empty()) return ".";
  std::string out;
  for (const auto& label : labels) {
    for (const char c : label) {
      const auto octet = static_cast<unsigned char>(c);
      if (c == '.' || c == '\\') {
        out += '\\';
        out += c;
      } else if (octet < 0x21 || octet > 0x7E) {
        // dig's form for octets that would not survive a terminal or a zone file.
        out += '\\';
        out += static_cast<char>('0' + octet / 100);
        out += static_cast<char>('0' + octet / 10 % 10);
        out += static_cast<char>('0' + octet % 10);
      } else {
        out += c;
      }
    }
    out += '.';
  }
  return out;
}

std::string check_name(std::string_view name) {
  if (name.empty()) return "empty name; the root is written '.'";
  const Split s = split(name);
  if (!s.error.empty()) return s.error;
  if (!s.absolute) return "name " + quoted(name) + " does not end with '.'; absolute names end with a dot";
  std::size_t wire_length = 1;  // the root label's zero octet
  for (std::size_t i = 0; i < s.labels.size(); ++i) {
    const std::size_t length = s.labels[i].size();
    if (length > MaxLabelLength) {
      const std::size_t end = i + 1 < s.starts.size() ? s.starts[i + 1] - 1 : name.size() - 1;
      std::string message = "label " + quoted(name.substr(s.starts[i], end - s.starts[i]));
      message += " is " + std::to_string(length) + " octets; a label is at most 63 (RFC 1035 2.3.4)";
      return message;
    }
    wire_length += 1 + length;
  }
  if (wire_length > MaxNameLength) {
    std::string message = "name " + quoted(name) + " is " + std::to_string(wire_length);
    message += " octets on the wire; a name is at most 255 (RFC 1035 2.3.4)";
    return message;
  }
  return "";
}

std::string absolute(std::string_view name, std::string_view origin) {
  if (name == "@") return std::string(origin);
  if (name.empty()) return "";
  // A final '.' is escaped when an odd number of backslashes precede it ("a\." vs "a\\.").
  std::size_t backslashes = 0;
  for (std::size_t i = name.size() - 1; i > 0 && name[i - 1] == '\\'; --i) ++backslashes;
  if (name.back() == '.' && backslashes % 2 == 0) return std::string(name);
  std::string out(name);
  if (origin != ".") {
    out += '.';
    out += origin;
  } else {
    out += '.';
  }
  return out;
}

std::string canonical(std::string_view name) {
  // "\065" is "A": spell escapes one way first, so both forms give the same key.
  if (name.find('\\') != std::string_view::npos && check_name(name).empty()) {
    auto parts = labels(name);
    for (auto& label : parts)
      for (auto& c : label) c = lower(c);
    return from_labels(parts);
  }
  std::string out(name);
  for (auto& c : out) c = lower(c);
  return out;
}

bool same_name(std::string_view a, std::string_view b) { return canonical(a) == canonical(b); }

bool in_zone(std::string_view name, std::string_view zone) {
  // Label by label, so "xample.com." is not inside "example.com.".
  const auto inner = labels(canonical(name));
  const auto outer = labels(canonical(zone));
  if (outer.size() > inner.size()) return false;
  return std::equal(outer.rbegin(), outer.rend(), inner.rbegin());
}

std::string parent(std::string_view name) {
  // Cut at the first unescaped '.', keeping the rest as written.
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\\') {
      ++i;
      continue;
    }
    if (name[i] == '.') {
      const std::string_view rest = name.substr(i + 1);
      return rest.empty() ? "." : std::string(rest);
    }
  }
  return ".";
}

std::size_t label_count(std::string_view name) { return labels(name).size(); }

}  // namespace wiresim::dns
