// HTTP header fields (RFC 9110 5): an ordered list of (name, value) pairs looked up without
// regard to case. Values are kept as they came; combining repeated fields is left to callers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wiresim::http {

struct Field {
  std::string name;
  std::string value;
  friend bool operator==(const Field&, const Field&) = default;
};

class Headers {
 public:
  Headers() = default;
  Headers(std::initializer_list<Field> fields) : fields_(fields) {}

  void add(std::string name, std::string value);
  // Removes every field called `name`, then adds one.
  void set(std::string name, std::string value);
  std::size_t remove(std::string_view name);  // how many went

  // RFC 9110 5.1: field names are case-insensitive.
  std::optional<std::string_view> get(std::string_view name) const;  // the first one
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  // Whether a list-valued field (RFC 9110 5.6.1) such as Connection holds `token`, in any
  // of its lines, ignoring case: has_token("Connection", "close").
  bool has_token(std::string_view name, std::string_view token) const;

  const std::vector<Field>& fields() const { return fields_; }
  Field& back() { return fields_.back(); }  // the last field added; the list must not be empty
  std::size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }

  friend bool operator==(const Headers&, const Headers&) = default;

 private:
  std::vector<Field> fields_;
};

bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view text);
std::string_view trim_whitespace(std::string_view text);  // SP and HTAB (OWS) at both ends
// The comma-separated elements of a list field, trimmed, empty ones dropped (RFC 9110 5.6.1).
std::vector<std::string_view> split_list(std::string_view value);
// RFC 9110 5.6.2: tchar, the characters of a token (method, field name, coding).
bool is_token_char(char c);
bool is_token(std::string_view text);

}  // namespace wiresim::http
