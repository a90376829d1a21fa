// What HTTP adds to the scenario language: the http-server app, the http-get action and the
// http-fetch expectation. Webmail (protocols/email) uses the same engines for its own app.
#include "protocols/http/file_server_app.hpp"
#include "sim/scenario/registry.hpp"

namespace wiresim::http {

void register_client(Registry& registry);
void register_expectations(Registry& registry);

void register_protocol(Registry& registry) {
  registry.add_app("http-server", {"an HTTP/1.1 file server on port 80: GET and HEAD of the scenario's `files`",
                                   [](AppContext& c) { return std::make_unique<FileServerApp>(c); }});
  register_client(registry);
  register_expectations(registry);
}

}  // namespace wiresim::http
