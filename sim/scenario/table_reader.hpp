// Typed, located access to one table of a scenario file. Every getter checks the value's type
// and units and, on error, throws ScenarioError naming file:line:column with a suggestion; the
// loader turns that into a Result, so nothing escapes loading. finish() rejects unknown keys,
// suggesting the nearest key this table was asked for. toml++ stays inside toml_reader.cpp.
#pragma once

#include <cstdint>
#include <exception>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/units.hpp"
#include "sim/net/network.hpp"

namespace wiresim {

struct SourcePosition {
  std::string file;
  std::uint32_t line = 0, column = 0;
  std::string to_string() const {
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
  }
};

class ScenarioError : public std::exception {
 public:
  ScenarioError(SourcePosition where, std::string message) : where_(std::move(where)), message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  const SourcePosition& where() const { return where_; }
  const std::string& message() const { return message_; }
  std::string formatted() const { return where_.to_string() + ": " + message_; }

 private:
  SourcePosition where_;
  std::string message_;
};

class TableReader {
 public:
  // `table` is a toml::table; `network` resolves node names (may be null before the topology).
  TableReader(const void* table, std::string file, std::string context, const Network* network);

  const std::string& context() const { return context_; }  // "[[app]] #2", for messages
  SourcePosition position() const;                         // the table's own position
  SourcePosition position_of(std::string_view key) const;  // the key's value, or the table
  bool has(std::string_view key) const;

  std::string string(std::string_view key);
  std::string string_or(std::string_view key, std::string fallback);
  std::string choice(std::string_view key, std::initializer_list<std::string_view> options, std::string fallback);
  std::int64_t integer(std::string_view key, std::int64_t min, std::int64_t max);
  std::int64_t integer_or(std::string_view key, std::int64_t min, std::int64_t max, std::int64_t fallback);
  bool boolean_or(std::string_view key, bool fallback);
  Duration duration(std::string_view key);
  Duration duration_or(std::string_view key, Duration fallback);
  std::uint64_t bytes(std::string_view key);
  std::uint64_t bytes_or(std::string_view key, std::uint64_t fallback);
  Rate rate_or(std::string_view key, Rate fallback);
  QueueLimit queue_limit_or(std::string_view key, QueueLimit fallback);
  double probability_or(std::string_view key, double fallback);  // 0.01 or "1%"
  std::vector<std::string> string_list(std::string_view key);    // required; a string is a list of one
  std::vector<std::string> string_list_or(std::string_view key, std::vector<std::string> fallback);
  // An integer or a list of them, each from min to max; required.
  std::vector<std::int64_t> integer_list(std::string_view key, std::int64_t min, std::int64_t max);
  Ipv4Address address(std::string_view key);
  // A node by name, as in `host = "alice"`; suggests the nearest name when unknown.
  NodeId node(std::string_view key);
  // "bob:5001" or "10.0.0.2:5001"; the port may be omitted when default_port is given.
  Endpoint endpoint(std::string_view key, std::optional<std::uint16_t> default_port = std::nullopt);
  std::optional<TableReader> subtable(std::string_view key);
  // Every key of the table, in file order, all counted as known: for tables whose keys are the
  // user's names (`lists = { staff = ["bob"] }`).
  std::vector<std::string> keys();

  // Errors at a key's value, at a list element, or at the table.
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;
  [[noreturn]] void fail_element(std::string_view key, std::size_t index, const std::string& message) const;
  [[noreturn]] void fail_table(const std::string& message) const;
  // An error inside a string value, at 1-based `line` and `column` of the string's text (zone
  // data in a multi-line string). A multi-line string is taken to start after its opening
  // line break, as TOML drops that break.
  [[noreturn]] void fail_in_string(std::string_view key, std::size_t line, std::size_t column,
                                   const std::string& message) const;
  // Rejects any key no getter asked for, suggesting the nearest one that was.
  void finish() const;

  NodeId resolve_node(std::string_view key, const std::string& name, std::optional<std::size_t> index = {}) const;
  const Network* network() const { return network_; }

 private:
  const void* value(std::string_view key) const;
  std::string required_string(std::string_view key, const char* example);

  const void* table_;
  std::string file_;
  std::string context_;
  const Network* network_;
  mutable std::vector<std::string> known_;
};

}  // namespace wiresim
