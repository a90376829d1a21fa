#include "protocols/bittorrent/tracker.hpp"

#include <optional>

#include "protocols/bittorrent/bencode.hpp"

namespace wiresim::bittorrent {

namespace {

constexpr char Hex[] = "0123456789ABCDEF";

Error error(std::string_view what) {
  std::string message = "tracker: ";
  message += what;
  return Error{std::move(message)};
}


bool is_unreserved(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' ||
         c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] != '%') {
      out += text[i];
    } else {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  return out;
}

// Plain decimal, no sign, at most `limit`.
std::optional<std::uint64_t> parse_decimal(std::string_view text, std::uint64_t limit) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (limit - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// "10.0.0.2": four decimal numbers 0-255 without leading zeros.
std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t address = 0;
  for (int part = 0; part < 4; ++part) {
    const std::size_t dot = part < 3 ? text.find('.') : text.size();
    if (dot == std::string_view::npos) return std::nullopt;
    const std::string_view number = text.substr(0, dot);
    if (number.size() > 1 && number[0] == '0') return std::nullopt;
    const std::optional<std::uint64_t> value = parse_decimal(number, 255);
    if (!value) return std::nullopt;
    address = (address << 8) | static_cast<std::uint32_t>(*value);
    text.remove_prefix(part < 3 ? dot + 1 : dot);
  }
  return address;
}

template <std::size_t N>
std::string_view as_bytes(const std::array<std::uint8_t, N>& bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), N};
}

void add_parameter(std::string& out, std::string_view key, std::string_view value) {
  if (!out.empty()) out += '&';
  out += key;
  out += '=';
  out += value;
}

// An integer field of the response dictionary within [0, limit]; `fallback` when absent and
// not required.
Result<std::uint64_t> integer_field(const BencodeValue* dict, std::string_view key, std::uint64_t limit,
                                    std::optional<std::uint64_t> fallback) {
  const BencodeValue* field = find(dict, key);
  if (!field && fallback) return *fallback;
  const std::optional<std::int64_t> value = as_int(field);
  if (!value || *value < 0 || static_cast<std::uint64_t>(*value) > limit) {
    std::string what = "expected '";
    what += key;
    what += "' to be an integer from 0 to ";
    what += std::to_string(limit);
    return error(what);
  }
  return static_cast<std::uint64_t>(*value);
}

Result<std::vector<PeerAddress>> parse_peers(const BencodeValue* peers) {
  std::vector<PeerAddress> out;
  if (const std::string* compact = as_string(peers)) {
    if (compact->size() % 6 != 0) {
      std::string what = "compact 'peers' is ";
      what += std::to_string(compact->size());
      what += " bytes, not a multiple of 6";
      return error(what);
    }
    for (std::size_t at = 0; at < compact->size(); at += 6) {
      const auto byte = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>((*compact)[at + i])); };
      PeerAddress peer;
      peer.ip = (byte(0) << 24) | (byte(1) << 16) | (byte(2) << 8) | byte(3);
      peer.port = static_cast<std::uint16_t>((byte(4) << 8) | byte(5));
      out.push_back(peer);
    }
    return out;
  }
  const BencodeList* list = as_list(peers);
  if (!list) return error("expected 'peers' to be a compact string or a list of dictionaries");
  for (const BencodeValue& entry : *list) {
    const std::string* ip = as_string(find(&entry, "ip"));
    if (!ip) return error("a peer dictionary has no 'ip' string");
    const std::optional<std::uint32_t> address = parse_ipv4(*ip);
    if (!address) {
      std::string what = "peer ip ";
      what += quote_bytes(*ip, 40);
      what += " is not a dotted IPv4 address";
      return error(what);
    }
    const std::optional<std::int64_t> port = as_int(find(&entry, "port"));
    if (!port || *port < 0 || *port > 65535) return error("a peer dictionary has no 'port' integer from 0 to 65535");
    out.push_back(PeerAddress{*address, static_cast<std::uint16_t>(*port)});
  }
  return out;
}

}  // namespace

const char* to_string(AnnounceEvent event) {
  switch (event) {
    case AnnounceEvent::None: return "";
    case AnnounceEvent::Started: return "started";
    case AnnounceEvent::Completed: return "completed";
    case AnnounceEvent::Stopped: return "stopped";
  }
  return "";
}

std::string percent_encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 3);
  for (char c : bytes) {
    if (is_unreserved(c)) {
      out += c;
    } else {
      const auto u = static_cast<unsigned char>(c);
      out += '%';
      out += Hex[u >> 4];
      out += Hex[u & 15];
    }
  }
  return out;
}

std::string announce_query(const AnnounceRequest& request) {
  std::string out;
  add_parameter(out, "info_hash", percent_encode(as_bytes(request.info_hash)));
  add_parameter(out, "peer_id", percent_encode(as_bytes(request.peer_id)));
  add_parameter(out, "port", std::to_string(request.port));
  add_parameter(out, "uploaded", std::to_string(request.uploaded));
  add_parameter(out, "downloaded", std::to_string(request.downloaded));
  add_parameter(out, "left", std::to_string(request.left));
  add_parameter(out, "compact", request.compact ? "1" : "0");
  if (request.event != AnnounceEvent::None) add_parameter(out, "event", to_string(request.event));
  add_parameter(out, "numwant", std::to_string(request.numwant));
  return out;
}

Result<AnnounceRequest> parse_announce_query(std::string_view query) {
  AnnounceRequest request;
  request.compact = false;  // BEP 23: compact only when asked for
  // Which of the known parameters have been seen, to refuse repeats and report missing ones.
  bool info_hash = false, peer_id = false, port = false, uploaded = false, downloaded = false, left = false;
  bool event = false, numwant = false, compact = false;

  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    const std::optional<std::string> key = percent_decode(pair.substr(0, eq));
    const std::optional<std::string> value =
        percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!key || !value) {
      std::string what = "bad %-escape in ";
      what += quote_bytes(pair, 40);
      return error(what);
    }

    const auto first_time = [&](bool& seen) {
      const bool repeated = seen;
      seen = true;
      return !repeated;
    };
    const auto number = [&](std::uint64_t limit) { return parse_decimal(*value, limit); };
    const auto bad_value = [&](std::string_view expected) {
      std::string what = "expected ";
      what += *key;
      what += " to be ";
      what += expected;
      what += ", got ";
      what += quote_bytes(*value, 40);
      return error(what);
    };
    const auto repeated = [&] {
      std::string what = "repeated parameter ";
      what += *key;
      return error(what);
    };

    if (*key == "info_hash" || *key == "peer_id") {
      if (!first_time(*key == "info_hash" ? info_hash : peer_id)) return repeated();
      if (value->size() != 20) return bad_value("20 bytes");
      auto& target = *key == "info_hash" ? request.info_hash : request.peer_id;
      for (std::size_t i = 0; i < 20; ++i) target[i] = static_cast<std::uint8_t>((*value)[i]);
    } else if (*key == "port") {
      if (!first_time(port)) return repeated();
      const auto n = number(65535);
      if (!n) return bad_value("a port number from 0 to 65535");
      request.port = static_cast<std::uint16_t>(*n);
    } else if (*key == "uploaded" || *key == "downloaded" || *key == "left") {
      if (!first_time(*key == "uploaded" ? uploaded : *key == "downloaded" ? downloaded : left)) return repeated();
      const auto n = number(UINT64_MAX);
      if (!n) return bad_value("a byte count");
      (*key == "uploaded" ? request.uploaded : *key == "downloaded" ? request.downloaded : request.left) = *n;
    } else if (*key == "numwant") {
      if (!first_time(numwant)) return repeated();
      const auto n = number(UINT32_MAX);
      if (!n) return bad_value("a number of peers");
      request.numwant = static_cast<std::uint32_t>(*n);
    } else if (*key == "compact") {
      if (!first_time(compact)) return repeated();
      if (*value != "0" && *value != "1") return bad_value("0 or 1");
      request.compact = *value == "1";
    } else if (*key == "event") {
      if (!first_time(event)) return repeated();
      if (value->empty()) request.event = AnnounceEvent::None;  // BEP 3: "empty" = not present
      else if (*value == "started") request.event = AnnounceEvent::Started;
      else if (*value == "completed") request.event = AnnounceEvent::Completed;
      else if (*value == "stopped") request.event = AnnounceEvent::Stopped;
      else return bad_value("started, completed, stopped or empty");
    }
  }

  const std::pair<bool, const char*> required[] = {{info_hash, "info_hash"}, {peer_id, "peer_id"},
                                                   {port, "port"},           {uploaded, "uploaded"},
                                                   {downloaded, "downloaded"}, {left, "left"}};
  for (const auto& [seen, name] : required) {
    if (!seen) {
      std::string what = "the announce query has no ";
      what += name;
      return error(what);
    }
  }
  return request;
}

std::string encode_compact_peers(const std::vector<PeerAddress>& peers) {
  std::string out;
  out.reserve(peers.size() * 6);
  for (const PeerAddress& peer : peers) {
    out += static_cast<char>(peer.ip >> 24);
    out += static_cast<char>(peer.ip >> 16);
    out += static_cast<char>(peer.ip >> 8);
    out += static_cast<char>(peer.ip);
    out += static_cast<char>(peer.port >> 8);
    out += static_cast<char>(peer.port);
  }
  return out;
}

std::string encode_announce_response(const AnnounceResponse& response) {
  BencodeDict dict;
  dict.emplace("complete", response.complete);
  dict.emplace("incomplete", response.incomplete);
  dict.emplace("interval", response.interval);
  dict.emplace("peers", encode_compact_peers(response.peers));
  return bencode(BencodeValue(std::move(dict)));
}

std::string encode_tracker_failure(std::string reason) {
  BencodeDict dict;
  dict.emplace("failure reason", std::move(reason));
  return bencode(BencodeValue(std::move(dict)));
}

Result<TrackerReply> parse_announce_response(std::string_view bytes) {
  const DecodedBencode decoded = decode_bencode(bytes);
  if (!decoded.ok()) return error(decoded.error->message);
  const BencodeValue* root = &decoded.value;
  if (!as_dict(root)) return error("the response is not a dictionary");
  if (const BencodeValue* failure = find(root, "failure reason")) {
    const std::string* reason = as_string(failure);
    if (!reason) return error("'failure reason' is not a string");
    return TrackerReply{TrackerFailure{*reason}};
  }

  AnnounceResponse response;
  const Result<std::uint64_t> interval = integer_field(root, "interval", UINT32_MAX, std::nullopt);
  if (!interval) return Error{interval.error()};
  const Result<std::uint64_t> complete = integer_field(root, "complete", UINT32_MAX, 0);
  if (!complete) return Error{complete.error()};
  const Result<std::uint64_t> incomplete = integer_field(root, "incomplete", UINT32_MAX, 0);
  if (!incomplete) return Error{incomplete.error()};
  Result<std::vector<PeerAddress>> peers = parse_peers(find(root, "peers"));
  if (!peers) return Error{peers.error()};
  response.interval = static_cast<std::uint32_t>(*interval);
  response.complete = static_cast<std::uint32_t>(*complete);
  response.incomplete = static_cast<std::uint32_t>(*incomplete);
  response.peers = std::move(*peers);
  return TrackerReply{std::move(response)};
}

}  // namespace wiresim::bittorrent
