// Reading DNS settings from scenario tables: zone data in master-file form, and servers named
// by node or by address. Errors point at the line inside the zone text.
#pragma once

#include <string>
#include <vector>

#include "protocols/dns/message.hpp"
#include "protocols/dns/resolver.hpp"
#include "sim/scenario/table_reader.hpp"

namespace wiresim::dns {

// Parses `key` as master-file text (RFC 1035 5); relative names are relative to `origin`.
std::vector<ResourceRecord> read_records(TableReader& table, std::string_view key, const std::string& origin,
                                         std::uint32_t default_ttl);
// "campus-dns" (a node: its first address) or "10.0.0.53".
NameServer read_server(TableReader& table, std::string_view key);
NameServer server_from_text(TableReader& table, std::string_view key, const std::string& text,
                            std::optional<std::size_t> index = std::nullopt);
// A domain name from a scenario, made absolute: "www.example.com" -> "www.example.com.".
std::string read_name(TableReader& table, std::string_view key);
std::vector<std::string> read_names(TableReader& table, std::string_view key);  // a list of them
RrType read_type(TableReader& table, std::string_view key, RrType fallback);

}  // namespace wiresim::dns
