#include "protocols/http/message.hpp"

#include <chrono>
#include <algorithm>
#include <array>
#include <cstdio>

namespace wiresim::http {

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 305: return "Use Proxy";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";  // RFC 6585 4
    case 431: return "Request Header Fields Too Large";  // RFC 6585 5
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "";
  }
}

std::string request_line(const Request& request) {
  std::string line = request.method;
  line += ' ';
  line += request.target;
  line += ' ';
  line += request.version;
  return line;
}

std::string status_line(const Response& response) {
  std::string line = response.version;
  line += ' ';
  line += std::to_string(response.status);
  line += ' ';
  line += response.reason.empty() ? std::string(reason_phrase(response.status)) : response.reason;
  return line;
}

namespace {
void append_fields(std::string& out, const Headers& headers) {
  for (const Field& f : headers) {
    out += f.name;
    out += ": ";
    out += f.value;
    out += "\r\n";
  }
}
}  // namespace

std::string serialize_head(const Request& request) {
  std::string out = request_line(request);
  out += "\r\n";
  append_fields(out, request.headers);
  out += "\r\n";
  return out;
}

std::string serialize_head(const Response& response) {
  std::string out = status_line(response);
  out += "\r\n";
  append_fields(out, response.headers);
  out += "\r\n";
  return out;
}

std::string serialize(const Request& request) { return serialize_head(request) + request.body; }
std::string serialize(const Response& response) { return serialize_head(response) + response.body; }

std::string encode_chunked(std::string_view body, std::size_t chunk_size, const Headers& trailers) {
  if (chunk_size == 0) chunk_size = 4096;
  std::string out;
  char size[32];
  while (!body.empty()) {
    const std::size_t n = std::min(chunk_size, body.size());
    std::snprintf(size, sizeof size, "%zx\r\n", n);
    out += size;
    out += body.substr(0, n);
    out += "\r\n";
    body.remove_prefix(n);
  }
  out += "0\r\n";
  append_fields(out, trailers);
  out += "\r\n";
  return out;
}

std::string imf_fixdate(std::int64_t unix_seconds) {
  // The calendar of <chrono>: whole days since 1970-01-01, then the time of day.
  using namespace std::chrono;
  const sys_seconds t{std::chrono::seconds{unix_seconds}};
  const sys_days days = floor<std::chrono::days>(t);
  const std::int64_t rest = (t - days).count();
  const year_month_day ymd{days};
  static constexpr std::array<const char*, 7> weekdays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const char* weekday = weekdays[std::chrono::weekday{days}.c_encoding()];
  const auto day = static_cast<long long>(static_cast<unsigned>(ymd.day()));
  const auto month = static_cast<long long>(static_cast<unsigned>(ymd.month()));
  const auto year = static_cast<long long>(static_cast<int>(ymd.year()));
  char out[64];
  std::snprintf(out, sizeof out, "%s, %02lld %s %04lld %02lld:%02lld:%02lld GMT", weekday, day,
                months[static_cast<std::size_t>(month - 1)], year,
                static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                static_cast<long long>(rest % 60));
  return out;
}

bool is_informational(int status) { return status >= 100 && status < 200; }
bool has_no_content(int status) { return is_informational(status) || status == 204 || status == 304; }

}  // namespace wiresim::http
