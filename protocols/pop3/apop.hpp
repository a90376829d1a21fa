// APOP (RFC 1939 7): the client proves it knows the shared secret by sending the MD5 digest of
// the greeting's timestamp followed by the secret, so the password never crosses the wire.
// MD5 comes from OpenSSL's EVP interface. Leaves out every SASL mechanism (RFC 5034).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wiresim::pop3 {

// Lower-case hex of MD5(timestamp + secret): for "<1896.697170952@dbc.mtview.ca.us>" and
// "tanstaaf", "c4c9334bac560ecc979e58001b3e22fb". Empty if the digest could not be computed
// (an OpenSSL built without MD5), which then matches no client's digest.
std::string apop_digest(std::string_view timestamp, std::string_view secret);

// The "<...>" timestamp in a server greeting, angle brackets included; none if the server
// offers no APOP.
std::optional<std::string> find_apop_timestamp(std::string_view greeting);

}  // namespace wiresim::pop3
