// The IMAP4rev1 server engine (RFC 3501), one per TCP connection: reads tagged commands, runs
// them against the shared mail store and writes the untagged and tagged responses. Sans-I/O.
// Leaves out STARTTLS, IDLE, extensions beyond LITERAL+ and AUTH=PLAIN, and per-folder ACLs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/imap/events.hpp"
#include "protocols/imap/framer.hpp"
#include "protocols/imap/mailbox_view.hpp"
#include "protocols/imap/date_time.hpp"
#include "protocols/imap/sequence_set.hpp"
#include "protocols/imap/syntax.hpp"
#include "protocols/mail/store.hpp"
#include "sim/core/time.hpp"

namespace wiresim::imap {

struct ServerConfig {
  std::string host_name = "imap.example.org";  // named in the greeting
  std::vector<std::string> capabilities = {"IMAP4rev1", "LITERAL+", "AUTH=PLAIN"};
  Duration autologout = seconds(30 * 60);  // RFC 3501 5.4: at least 30 minutes of inactivity
  std::size_t max_line = 8192;             // octets per line, CRLF excluded (RFC 7162 4 suggests 8192)
  std::uint64_t max_literal = 50ull << 20; // octets per literal (an APPENDed message)
  std::int64_t epoch = DefaultEpoch;       // calendar of Time 0 for INTERNALDATE and SEARCH dates
};

// RFC 3501 3: the connection's states.
enum class ServerState { NotAuthenticated, Authenticated, Selected, Logout };
std::string_view to_string(ServerState state);  // "Not Authenticated", ...

class ServerSession {
 public:
  explicit ServerSession(mail::Store& store, ServerConfig config = {});

  void on_connected(Time now);
  void on_bytes(std::string_view data, Time now);
  void on_closed(Time now);
  void on_timer(Time now);
  std::string take_outgoing() { return std::exchange(outgoing_, {}); }
  std::vector<Event> take_events() { return std::exchange(events_, {}); }
  std::optional<Time> wake_at() const;
  bool wants_close() const { return state_ == ServerState::Logout; }

  ServerState state() const { return state_; }
  const std::string& user() const { return user_; }
  const MailboxView* selected() const { return view_ ? &*view_ : nullptr; }

  // One parsed command, as the handlers see it.
  struct Request {
    std::string tag;
    std::string name;     // upper case: "FETCH"; "UID FETCH" for UID commands
    bool uid = false;
    std::string summary;  // the command line with literal data left out, for events
  };

 private:
  using Handler = void (ServerSession::*)(const Request&, Cursor&);
  struct CommandSpec {
    const char* name;
    Handler handler;
    bool not_authenticated, authenticated, selected;  // states the command is valid in
  };
  static const std::vector<CommandSpec>& commands();

  // server_session.cpp: framing, dispatch, responses.
  void process_input(Time now);
  void handle_command(std::string text);
  void handle_sasl_response(const std::string& line);
  void send(std::string_view line);  // adds CRLF
  void untagged(std::string_view text) { send("* " + std::string(text)); }
  void complete(const Request& request, std::string_view status, std::string_view text);
  void ok(const Request& request, std::string_view code = {});  // "a1 OK [code] NAME completed"
  void no(const Request& request, std::string_view text) { complete(request, "NO", text); }
  void bad(const Request& request, std::string_view text);  // also a ProtocolError event
  void protocol_error(std::string text);
  void emit(Event event) { events_.push_back(std::move(event)); }
  void report_changes(bool allow_expunge);
  mail::Folder* selected_folder();
  void close_view();
  void logout(std::string_view reason);

  // server_auth_commands.cpp
  void capability(const Request&, Cursor&);
  void noop(const Request&, Cursor&);
  void logout_command(const Request&, Cursor&);
  void login(const Request&, Cursor&);
  void authenticate(const Request&, Cursor&);
  bool finish_plain(const Request& request, std::string_view base64);

  // server_mailbox_commands.cpp
  void select(const Request&, Cursor&);
  void create(const Request&, Cursor&);
  void delete_mailbox(const Request&, Cursor&);
  void rename(const Request&, Cursor&);
  void subscribe(const Request&, Cursor&);
  void list(const Request&, Cursor&);
  void status(const Request&, Cursor&);
  void append(const Request&, Cursor&);

  // server_message_commands.cpp
  void check(const Request&, Cursor&);
  void close(const Request&, Cursor&);
  void expunge(const Request&, Cursor&);
  void search(const Request&, Cursor&);
  void fetch(const Request&, Cursor&);
  void store_flags(const Request&, Cursor&);
  void copy(const Request&, Cursor&);
  void uid(const Request&, Cursor&);
  // The UIDs a sequence set names, in mailbox order; nullopt after a BAD reply.
  std::optional<std::vector<std::uint32_t>> resolve_set(const Request& request, Cursor& cursor);

  mail::Store& store_;
  ServerConfig config_;
  ServerState state_ = ServerState::NotAuthenticated;
  Framer framer_;
  std::string outgoing_;
  std::vector<Event> events_;
  std::string user_;
  std::optional<MailboxView> view_;
  std::optional<Request> sasl_request_;  // AUTHENTICATE waiting for the client's response line
  Time now_{};
  Time last_activity_{};
  bool connected_ = false;
  bool allow_expunge_ = true;
};

}  // namespace wiresim::imap
