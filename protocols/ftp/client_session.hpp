// The FTP client side of one control connection, scripted like the classic command-line ftp:
// user commands ("get notes.txt", "passive off") become protocol commands (PASV or PORT, then
// RETR/STOR/LIST), and the session prints what ftp prints. Stream mode only; no ABOR, no
// reget/restart, no mget/mput globbing, no local files (put carries its content inline). ABOR
// comes from abort_transfer() (the user's ^C), not from the script.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/ftp/data_channel.hpp"
#include "protocols/ftp/events.hpp"
#include "protocols/ftp/line_splitter.hpp"
#include "protocols/ftp/representation.hpp"
#include "sim/core/time.hpp"

namespace wiresim::ftp {

struct ClientConfig {
  // What the user types at "ftp>", one command a line: open HOST (first only), user NAME [PASSWORD],
  // cd DIR, cdup, pwd, ls [PATH], dir [PATH], nlist [PATH], get REMOTE [LOCAL], put NAME CONTENT,
  // ascii, binary, ebcdic, passive [on|off], rename FROM TO, delete FILE, mkdir DIR, rmdir DIR,
  // size FILE, quote LINE, quit (or bye).
  std::vector<std::string> script;
  std::string server_name = "ftp.example.com";  // "Connected to ..."; a leading "open HOST" sets it
  std::uint32_t address = 0x0A000002;           // ours (10.0.0.2), sent in PORT (host order)
  std::uint16_t first_active_port = 40000;      // where active mode listens, one port per transfer
  bool passive = true;                          // as modern ftp clients start
  Duration reply_timeout = seconds(60);
  std::size_t max_file_size = 16 * 1024 * 1024;  // octets accepted on one data connection
};

class ClientSession {
 public:
  // What the session waits for. Named after the command whose reply is due.
  enum class Step { Greeting, Idle, User, Pass, Syst, TypeAfterLogin, Simple, Rnfr, Pasv, DataConnect, Port,
                    Transfer, Abort, Quit, Done };

  explicit ClientSession(ClientConfig config);

  // The control connection (the stream-engine interface).
  void on_connected(Time now);
  void on_bytes(std::string_view data, Time now);
  void on_closed(Time now);
  void on_timer(Time now);
  std::string take_outgoing();
  std::vector<Event> take_events();
  std::optional<Time> wake_at() const;
  bool wants_close() const { return step_ == Step::Done; }

  // The data connection, as on the server: Listen for active mode, Connect for passive.
  std::vector<DataAction> take_data_actions();
  void on_data_connected(Time now);
  void on_data_bytes(std::string_view data, Time now);
  void on_data_closed(bool clean, Time now);

  void request(std::string command_line);  // one more line for the script
  // The user presses ^C during a transfer: ABOR (RFC 959 4.1.3), then the server's 426 for the
  // transfer and 226 for the ABOR (or 226 then 225 when the transfer had just ended). Returns
  // false, doing nothing, when no transfer is under way.
  bool abort_transfer(Time now);
  Step step() const { return step_; }
  Type type() const { return type_; }
  bool passive() const { return passive_; }
  std::size_t commands_left() const { return script_.size(); }  // script lines not yet started
  // What get received, by local name, converted from the TYPE it travelled in.
  const std::map<std::string, std::string>& files() const { return files_; }

 private:
  struct Job {
    std::string verb;            // "get", "put", "ls", ...
    std::string remote;          // the server's name for the file or directory
    std::string local;           // get: the name under files()
    std::string content;         // put: what to send, before TYPE conversion
    std::string transfer_line;   // "RETR notes.txt"
    std::string second_line;     // rename: the RNTO line
    Direction direction = Direction::None;
  };

  void next_command(Time now);
  bool start_command(const std::string& line, Time now);  // false: nothing sent, take the next
  void start_transfer(Job job, Time now);
  void send(std::string line, Step next, Time now);
  void handle_reply(int code, const std::vector<std::string>& lines, Time now);
  void transfer_reply(int code, Time now);
  void maybe_send_upload();
  void maybe_finish_transfer(Time now);
  void print_listing();
  // The transfer under way ends unfinished (`how`: "aborted" by ABOR, or "failed"): its data
  // connection is dropped, a TransferAborted carries what had arrived, the next command follows.
  void cut_transfer(std::string_view how, Time now);

  void print(std::string line);
  void error(std::string text);
  void protocol_error(std::string_view expected, std::string_view got);
  void data_action(DataAction action) { data_actions_.push_back(std::move(action)); }

  ClientConfig config_;
  std::deque<std::string> script_;
  Step step_ = Step::Greeting;
  LineSplitter lines_;
  std::vector<std::string> reply_lines_;  // a multi-line reply so far
  std::string outgoing_;
  std::vector<Event> events_;
  std::vector<DataAction> data_actions_;
  std::optional<Time> deadline_;

  std::string password_;        // for the PASS after a 331
  Type type_ = Type::Ascii;     // RFC 959 3.1.1.1: ASCII until we say otherwise
  bool passive_ = true;
  std::uint16_t next_active_port_ = 0;
  std::optional<Job> job_;
  bool data_open_ = false;       // the data connection is up
  bool data_done_ = false;       // ... and has closed cleanly
  bool data_failed_ = false;     // ... or broke
  bool reply_done_ = false;      // the transfer's 226 came
  bool upload_sent_ = false;
  bool preliminary_seen_ = false;  // the transfer's 125/150 came
  int abort_replies_due_ = 0;      // Abort step: the transfer's final reply (if due) and ABOR's
  std::string received_;
  Time transfer_began_;
  std::map<std::string, std::string> files_;
};

std::string_view to_string(ClientSession::Step step);  // "RETR/STOR/LIST", "greeting", "done"

}  // namespace wiresim::ftp
