// The FTP server side of one control connection (RFC 959, EPRT/EPSV from RFC 2428, SIZE/MDTM
// from RFC 3659) over a shared virtual file tree. Sans-I/O: control bytes come in through the
// stream interface; data connections are asked for with DataActions and reported back through
// on_data_*. Leaves out REIN, STOU, SITE, STAT, MLSD/MLST, TLS (RFC 4217) and IPv6.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/ftp/command.hpp"
#include "protocols/ftp/data_channel.hpp"
#include "protocols/ftp/events.hpp"
#include "protocols/ftp/line_splitter.hpp"
#include "protocols/ftp/representation.hpp"
#include "protocols/ftp/vfs.hpp"
#include "sim/core/time.hpp"

namespace wiresim::ftp {

// The login sequence of RFC 959 6 (USER, then PASS). Closed is ours: after QUIT, a lost
// connection or the idle timeout, every further byte is ignored.
enum class State { NotLoggedIn, NeedPassword, LoggedIn, Closed };
std::string_view to_string(State state);  // "NotLoggedIn", ...

// Hands out passive ports first, first + 1, ... last, then starts again. Several sessions of one
// server share one (ServerConfig::shared_ports) so that their listeners never collide.
struct PassivePorts {
  std::uint16_t first = 50000;
  std::uint16_t last = 50999;
  std::uint16_t next = 0;  // 0: not started yet
  std::uint16_t allocate();
};

struct ServerConfig {
  std::uint32_t address = 0x0A000001;  // 10.0.0.1: what PASV announces (host order)
  // The control connection's other end (host order). PORT and EPRT naming another host get 504:
  // the "FTP bounce" that RFC 2577 3 warns of, a server made to connect to a third party.
  // 0: not known, not checked.
  std::uint32_t client_address = 0;
  std::uint16_t first_passive_port = 50000;
  std::uint16_t last_passive_port = 50999;
  PassivePorts* shared_ports = nullptr;  // outlives the session; null: the session's own
  std::string greeting = "wiresim FTP server ready";  // after "220 "
  Duration idle_timeout = seconds(300);               // then 421 and close
  std::uint64_t max_upload = 16ull * 1024 * 1024;     // octets on one STOR's data connection
};

class ServerSession {
 public:
  // The tree must outlive the session; sessions of one server share it.
  ServerSession(Vfs& vfs, ServerConfig config);

  // The control connection (the stream-engine interface).
  void on_connected(Time now);
  void on_bytes(std::string_view data, Time now);
  void on_closed(Time now);
  void on_timer(Time now);
  std::string take_outgoing();
  std::vector<Event> take_events();
  std::optional<Time> wake_at() const;
  bool wants_close() const { return state_ == State::Closed; }

  // The data connection: requests out, what happened in.
  std::vector<DataAction> take_data_actions();
  void on_data_connected(Time now);  // the Listen accepted one, or the Connect succeeded
  void on_data_bytes(std::string_view data, Time now);
  // The data connection ended: clean after a Close from either end (all bytes delivered), not
  // clean when it was reset, or could not be opened at all.
  void on_data_closed(bool clean, Time now);

  State state() const { return state_; }
  const std::string& user() const { return user_; }
  const std::string& cwd() const { return cwd_; }
  Type type() const { return type_; }
  Mode mode() const { return mode_; }
  Structure structure() const { return structure_; }
  bool transfer_in_progress() const { return transfer_.has_value(); }

  // The data connection as this end knows it, for the desktop view: how the next (or current)
  // transfer's connection opens, where, and whether it is up.
  DataMode data_mode() const { return data_mode_; }
  std::uint32_t address() const { return config_.address; }  // ours, as PASV names it
  std::uint16_t passive_port() const { return passive_port_; }
  HostPort active_target() const { return active_target_; }
  bool data_connected() const { return data_connected_; }
  // The transfer under way, if any.
  struct TransferStatus {
    std::string command;  // "RETR", "STOR", "LIST", ...
    std::string path;     // absolute, on the tree
    Direction direction = Direction::None;
    std::uint64_t size = 0;      // Download/Listing: octets to send; Upload: 0 until it ends
    std::uint64_t received = 0;  // Upload: octets arrived so far
    bool connected = false;      // its data connection is up
    Time began{};
  };
  std::optional<TransferStatus> transfer() const;

 private:
  struct CommandRule;
  struct Transfer {
    Direction direction = Direction::None;
    std::string command;   // "RETR", for messages
    std::string path;      // absolute path on the tree
    std::string payload;   // Download/Listing: the octets to send, framed for the mode
    std::uint64_t size = 0;  // the file's octets on the wire (before block framing)
    std::string received;  // Upload: what arrived
    std::uint64_t restart = 0;
    bool append = false;
    bool connected = false;
    bool sent = false;  // Download: the Send and Close went out
    DataMode mode = DataMode::None;
    Time began;
  };
  static const CommandRule* find_rule(std::string_view keyword);

  void handle_line(const Line& line, Time now);
  void run_command(const Command& command, const std::string& line, Time now);

  // One handler per command.
  void user_command(const Command& command, Time now);
  void pass_command(const Command& command, Time now);
  void acct_command(const Command& command, Time now);
  void cwd_command(const Command& command, Time now);
  void cdup_command(const Command& command, Time now);
  void pwd_command(const Command& command, Time now);
  void mkd_command(const Command& command, Time now);
  void rmd_command(const Command& command, Time now);
  void dele_command(const Command& command, Time now);
  void rnfr_command(const Command& command, Time now);
  void rnto_command(const Command& command, Time now);
  void list_command(const Command& command, Time now);
  void nlst_command(const Command& command, Time now);
  void retr_command(const Command& command, Time now);
  void stor_command(const Command& command, Time now);
  void appe_command(const Command& command, Time now);
  void size_command(const Command& command, Time now);
  void mdtm_command(const Command& command, Time now);
  void type_command(const Command& command, Time now);
  void stru_command(const Command& command, Time now);
  void mode_command(const Command& command, Time now);
  void port_command(const Command& command, Time now);
  bool refuse_third_party(const HostPort& target);  // replied 504: PORT/EPRT to another host
  void eprt_command(const Command& command, Time now);
  void pasv_command(const Command& command, Time now);
  void epsv_command(const Command& command, Time now);
  void abor_command(const Command& command, Time now);
  void rest_command(const Command& command, Time now);
  void syst_command(const Command& command, Time now);
  void feat_command(const Command& command, Time now);
  void help_command(const Command& command, Time now);
  void noop_command(const Command& command, Time now);
  void quit_command(const Command& command, Time now);
  void superfluous_command(const Command& command, Time now);
  void not_implemented_command(const Command& command, Time now);

  // Transfers.
  void listing(const Command& command, bool names_only, Time now);
  void upload(const Command& command, bool append, Time now);
  void begin_transfer(Transfer transfer, std::string opening, Time now);
  void start_flowing(Time now);
  void data_closed(bool clean, Time now);
  void finish_transfer(EventKind kind);
  void drop_data_connection();  // Abort whatever data connection is set up or listening
  void run_held_lines(Time now);
  Event transfer_event(EventKind kind, std::string text) const;

  void end_session(std::string why);
  void reply(std::string line);
  // What goes on the data connection for these octets: framed by the MODE (RFC 959 3.4).
  std::string framed(std::string wire) const;
  // The file's octets in the current TYPE and STRU, records or the plain file; pages (STRU P)
  // are cut after any restart point.
  std::string typed(const std::string& path) const;
  // STRU P: the octets as pages (others as they are); nothing, with 550 replied, for a file of
  // more than 255 pages.
  std::optional<std::string> paged(std::string wire);
  // The file a STOR sent, its framing (MODE), structure and TYPE undone; or nothing, with the
  // protocol error noted and the reply in `refusal`.
  std::optional<std::string> decode_upload(std::string wire, std::string* refusal);
  void reply_multiline(const std::vector<std::string>& lines);
  void protocol_error(std::string_view expected, std::string_view got);
  void data_action(DataAction action) { data_actions_.push_back(std::move(action)); }
  const Account* account() const;

  Vfs& vfs_;
  ServerConfig config_;
  PassivePorts own_ports_;
  State state_ = State::NotLoggedIn;
  LineSplitter input_;
  std::string outgoing_;
  std::vector<Event> events_;
  std::vector<DataAction> data_actions_;
  std::optional<Time> deadline_;

  std::string pending_user_;  // named by USER, awaiting PASS
  std::string user_;          // the account logged in
  std::string cwd_ = "/";
  Type type_ = Type::Ascii;  // RFC 959 3.1.1.1: ASCII is the default
  Mode mode_ = Mode::Stream;
  Structure structure_ = Structure::File;
  std::optional<std::string> rename_from_;  // set by RNFR, used by the very next RNTO
  std::uint64_t restart_ = 0;               // set by REST, used by the next RETR/STOR/APPE

  DataMode data_mode_ = DataMode::None;  // how the next transfer's connection opens
  HostPort active_target_;               // PORT/EPRT: where the client listens
  std::uint16_t passive_port_ = 0;       // PASV/EPSV: where we listen
  bool data_connected_ = false;          // a passive connection arrived before the command
  std::optional<Transfer> transfer_;
  std::deque<std::string> held_lines_;  // commands that arrived during a transfer
};

}  // namespace wiresim::ftp
