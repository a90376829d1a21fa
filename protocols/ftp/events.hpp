// What the FTP engines report, for an adapter to publish on the trace bus: the control dialogue
// line by line, logins, transfers on data connections, changes to the file tree, the client's
// ftp-style transcript and protocol errors. Plain data, no I/O. One list for both ends.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace wiresim::ftp {

enum class EventKind {
  Command,            // a command line on the control connection, as sent (PASS in the clear)
  Reply,              // a reply; `text` holds every line of a multi-line reply, joined by "\n"
  LoggedIn,           // PASS accepted (230)
  LoginFailed,        // PASS refused (530)
  TransferStarted,    // the data connection is up and the first byte may flow
  TransferCompleted,  // the data connection closed cleanly after the whole file
  TransferAborted,    // ABOR, a lost data connection or one that could not be opened
  FileChanged,        // server: STOR, APPE, DELE, RNTO, MKD or RMD changed the tree
  Transcript,         // client: one line as the command-line ftp prints it ("ftp> get a.txt")
  FileReceived,       // client: a get finished; `file` is the local name, the bytes are in files()
  SessionEnded,       // the control connection ends (QUIT, lost connection, idle timeout)
  Error,              // client: a command failed (a 5xx where 2xx was needed, a refused connection)
  ProtocolError,      // the peer broke the protocol; the reply or the text says how
};

enum class Direction { None, Download, Upload, Listing };  // from the server's file tree's view
enum class DataMode { None, Active, Passive };              // who opens the data connection

struct Event {
  EventKind kind = EventKind::ProtocolError;
  std::string text;   // one readable line: "RETR notes.txt", "226 Transfer complete"
  std::string user;   // LoggedIn, LoginFailed, SessionEnded
  std::string file;   // transfers and FileChanged: the absolute path on the server
  std::uint64_t bytes = 0;  // transfers: octets on the data connection so far
  Direction direction = Direction::None;
  DataMode mode = DataMode::None;
};

inline Event make_event(EventKind kind, std::string text) {
  Event event;
  event.kind = kind;
  event.text = std::move(text);
  return event;
}

std::string_view to_string(EventKind kind);  // "transfer-started", ...
std::string_view to_string(Direction direction);  // "download", "upload", "listing"
std::string_view to_string(DataMode mode);        // "active", "passive"

}  // namespace wiresim::ftp
