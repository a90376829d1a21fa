#include "protocols/dns/scenario_keys.hpp"

#include "protocols/dns/master_file.hpp"
#include "protocols/dns/name.hpp"

namespace wiresim::dns {

std::vector<ResourceRecord> read_records(TableReader& table, std::string_view key, const std::string& origin,
                                         std::uint32_t default_ttl) {
  const std::string text = table.string(key);
  MasterFile zone = parse_master_file(text, origin, default_ttl);
  if (zone.error) table.fail_in_string(key, zone.error->line, zone.error->column, zone.error->message);
  return zone.records;
}

NameServer server_from_text(TableReader& table, std::string_view key, const std::string& text,
                            std::optional<std::size_t> index) {
  if (auto address = Ipv4Address::parse(text)) return {"", address->value};
  const NodeId node = table.resolve_node(key, text, index);
  return {"", table.network()->node(node).address().value};
}

NameServer read_server(TableReader& table, std::string_view key) {
  return server_from_text(table, key, table.string(key));
}

namespace {

// As typed, "www.example.com" or "www.example.com.": absolute, or why it is not a name.
std::string absolute(std::string name, std::string& problem) {
  if (name.empty() || name.back() != '.') name += '.';
  if (name == "..") name = ".";
  problem = check_name(name);
  return name;
}

}  // namespace

std::string read_name(TableReader& table, std::string_view key) {
  std::string problem;
  std::string name = absolute(table.string(key), problem);
  if (!problem.empty()) table.fail(key, "invalid domain name: " + problem);
  return name;
}

std::vector<std::string> read_names(TableReader& table, std::string_view key) {
  std::vector<std::string> names = table.string_list(key);
  if (names.empty()) table.fail(key, "'" + std::string(key) + "' is empty: give at least one name");
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string problem;
    names[i] = absolute(std::move(names[i]), problem);
    if (!problem.empty()) table.fail_element(key, i, "invalid domain name: " + problem);
  }
  return names;
}

RrType read_type(TableReader& table, std::string_view key, RrType fallback) {
  if (!table.has(key)) return fallback;
  const std::string text = table.string(key);
  if (auto type = parse_type(text)) return *type;
  table.fail(key, "unknown record type '" + text + "'; known types: A, AAAA, NS, CNAME, SOA, MX, PTR, TXT, ANY");
}

}  // namespace wiresim::dns
