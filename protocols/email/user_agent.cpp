// The user agents, as scenario actions on a host: send-mail (compose with MIME and submit over
// SMTP), pop3-fetch (download-and-delete or download-and-keep) and imap (a session of
// commands, which may stay open for the next action, as a mail app on a phone does).
#include <stb/stb_image_write.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "protocols/email/mail_server.hpp"
#include "protocols/email/mail_trace.hpp"
#include "protocols/email/mail_world.hpp"
#include "protocols/imap/client_session.hpp"
#include "protocols/mail/address.hpp"
#include "protocols/mail/date.hpp"
#include "protocols/mail/message.hpp"
#include "protocols/mime/builder.hpp"
#include "protocols/mime/downgrade.hpp"
#include "protocols/mime/media_types.hpp"
#include "protocols/pop3/client_session.hpp"
#include "protocols/smtp/client_session.hpp"
#include "sim/core/units.hpp"
#include "sim/scenario/registry.hpp"
#include "sim/scenario/table_reader.hpp"

namespace wiresim::email {
namespace {

void agent_note(World& w, NodeId host, const std::string& layer, const std::string& event, const std::string& text) {
  publish_mail<AgentTrace>(w, host, layer, event, text);
}

// Sessions a user agent runs, kept until the world ends (they are few).
struct AgentSessions : WorldService {
  explicit AgentSessions(World&) {}
  std::vector<std::unique_ptr<AnyStreamSession>> sessions;
  std::uint64_t messages_composed = 0;  // numbers Message-IDs
  std::map<std::tuple<NodeId, NodeId, std::string>, StreamSession<imap::ClientSession>*> open_imap;
};

// A small picture with a gradient, as a real PNG (stb), so Wireshark's export shows an image.
std::string make_png(int width, int height, std::uint64_t seed) {
  std::vector<unsigned char> pixels(static_cast<std::size_t>(width * height * 3));
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      unsigned char* p = &pixels[static_cast<std::size_t>((y * width + x) * 3)];
      p[0] = static_cast<unsigned char>(x * 255 / std::max(1, width - 1));
      p[1] = static_cast<unsigned char>(y * 255 / std::max(1, height - 1));
      p[2] = static_cast<unsigned char>((seed * 37) & 0xff);
    }
  std::string out;
  stbi_write_png_to_func(
      [](void* context, void* data, int size) {
        static_cast<std::string*>(context)->append(static_cast<const char*>(data), static_cast<std::size_t>(size));
      },
      &out, width, height, 3, pixels.data(), width * 3);
  return out;
}

struct AttachmentSpec {
  std::string name;
  std::uint64_t size = 0;  // 0: a generated picture for .png, else 1 KiB
};

// "photo.png", "report.pdf:20KB".
AttachmentSpec parse_attachment(TableReader& t, std::size_t index, const std::string& text) {
  AttachmentSpec a;
  const auto colon = text.rfind(':');
  a.name = colon == std::string::npos ? text : text.substr(0, colon);
  if (a.name.empty()) t.fail_element("attach", index, "an attachment needs a file name, as in \"photo.png\" or \"notes.pdf:20KB\"");
  if (colon != std::string::npos) {
    auto size = parse_bytes(text.substr(colon + 1));
    if (!size) t.fail_element("attach", index, size.error());
    a.size = *size;
  }
  return a;
}

// A message the user agent downloaded, to answer or pass on: the newest whose Subject contains
// `subject_text` (as its header has it).
std::optional<std::string> downloaded_message(World& w, NodeId host, const std::string& user,
                                              const std::string& subject_text) {
  const AgentState* agent = w.service<EmailWorld>().find_agent(host, user);
  if (!agent) return std::nullopt;
  for (auto it = agent->downloaded.rbegin(); it != agent->downloaded.rend(); ++it) {
    const std::string subject =
        mail::header_value(mail::parse_message(it->bytes).headers, "Subject").value_or("");
    if (subject.find(subject_text) != std::string::npos) return it->bytes;
  }
  return std::nullopt;
}

// "Re: Lunch" for "Lunch", and "Re: Lunch" again for "Re: Lunch" (not "Re: Re: Lunch").
std::string prefixed(const std::string& prefix, const std::string& subject) {
  if (subject.size() >= prefix.size() && mail::iequals(std::string_view(subject).substr(0, prefix.size()), prefix))
    return subject;
  return prefix + subject;
}

// A reply (RFC 5322 3.6.4): "Re: " and the subject, In-Reply-To the original's Message-ID,
// References its References (or, without them, its In-Reply-To when that names one message) and
// its Message-ID; To its Reply-To, or From, unless the action gave `to`. A plain-text original is
// quoted under the new text, "> " before each line. Returns the addresses it put in To, for the
// envelope.
std::vector<std::string> make_reply(const std::string& original, mail::MessageHeader& header, std::string& body) {
  const mail::ParsedMessage parsed = mail::parse_message(original);
  const std::vector<mail::HeaderField>& fields = parsed.headers;
  auto field = [&](std::string_view name) { return mail::header_value(fields, name).value_or(""); };
  const std::string id = field("Message-ID");
  if (header.subject.empty()) header.subject = prefixed("Re: ", field("Subject"));
  header.in_reply_to = id;
  std::string references = field("References");
  const std::string parent = field("In-Reply-To");
  if (references.empty() && std::count(parent.begin(), parent.end(), '<') == 1) references = parent;
  if (!id.empty()) references += (references.empty() ? "" : " ") + id;
  if (!references.empty()) header.extra.push_back({"References", references});
  std::vector<std::string> added;
  if (header.to.empty()) {
    for (const mail::Address& a : mail::parse_address_list(field("Reply-To").empty() ? field("From") : field("Reply-To"))) {
      if (a.domain.empty()) continue;
      header.to.push_back(a.to_string());
      added.push_back(a.addr_spec());
    }
  }
  if (!field("Content-Type").empty()) return added;  // MIME: not quoted here
  std::string quoted = "\n\nOn " + mail::header_value(fields, "Date").value_or("an earlier day") + ", " +
                       mail::header_value(fields, "From").value_or("you") + " wrote:\n";
  std::string_view text = std::string_view(original).substr(parsed.body_offset);
  while (!text.empty()) {
    const std::size_t end = text.find("\r\n");
    quoted += "> " + std::string(text.substr(0, end)) + "\n";
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 2);
  }
  body += quoted;
  return added;
}

std::function<void()> make_send_mail(ActionContext& c) {
  World& w = c.world;
  TableReader& t = c.table;
  const NodeId host = t.node("host");
  const NodeId server = t.node("server");
  const auto port = static_cast<std::uint16_t>(t.integer_or("port", 1, 65535, SubmissionPort));
  smtp::ClientJob job;
  job.client_host = t.string_or("client-name", w.net.node(host).name());
  job.use_ehlo = t.boolean_or("ehlo", true);
  job.space_after_colon = t.boolean_or("space-after-colon", false);
  const std::string user = t.string_or("user", "");
  const std::string password = t.string_or("password", "");
  if (!user.empty()) {
    const std::string mechanism = t.choice("auth", {"plain", "login"}, "plain");
    job.auth = smtp::Credentials{mechanism == "login" ? smtp::AuthMechanism::Login : smtp::AuthMechanism::Plain, user,
                                 password};
  }
  // Answer, or pass on, a message this user's agent downloaded (by its subject): the recipients
  // of a reply may then come from it, at the time it is sent.
  const std::string reply = t.string_or("reply", "");
  const std::string forward = t.string_or("forward", "");
  if (!reply.empty() && !forward.empty()) t.fail("forward", "a message is a reply or a forward, not both");
  mail::MessageHeader header;
  header.from = t.string("from");
  header.to = reply.empty() ? t.string_list("to") : t.string_list_or("to", {});
  header.cc = t.string_list_or("cc", {});
  header.bcc = t.string_list_or("bcc", {});
  header.subject = t.string_or("subject", "");
  std::string body = t.string_or("body", "");  // a reply quotes the original under it
  const std::string html = t.string_or("html", "");  // the same text as HTML: multipart/alternative
  std::vector<AttachmentSpec> attachments;
  const std::vector<std::string> attach = t.string_list_or("attach", {});
  for (std::size_t i = 0; i < attach.size(); ++i) attachments.push_back(parse_attachment(t, i, attach[i]));
  const mail::Address sender = mail::parse_address(header.from);
  if (sender.domain.empty())
    t.fail("from", "'from' needs an address with a domain, as in \"Alice <alice@crepes.fr>\"; got \"" + header.from + "\"");
  job.mail_from = sender.addr_spec();
  // RFC 5322 3.6.3: To, Cc and Bcc all go into the envelope; Bcc is left out of the header.
  for (const char* key : {"to", "cc", "bcc"}) {
    const std::vector<std::string>& list = key[0] == 't' ? header.to : key[0] == 'c' ? header.cc : header.bcc;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const mail::Address a = mail::parse_address(list[i]);
      if (a.domain.empty())
        t.fail_element(key, i, "a recipient needs an address with a domain, as in \"bob@hamburger.edu\"; got \"" + list[i] + "\"");
      job.rcpts.push_back(a.addr_spec());
    }
  }
  if (job.rcpts.empty() && reply.empty()) t.fail("to", "a message needs at least one recipient in 'to', 'cc' or 'bcc'");
  return [&w, host, server, port, job, header, body, html, attachments, reply, forward, user]() mutable {
    std::optional<std::string> original;
    if (!reply.empty() || !forward.empty()) {
      const std::string& wanted = reply.empty() ? forward : reply;
      original = downloaded_message(w, host, user, wanted);
      if (!original) {
        agent_note(w, host, "smtp", "send-failed",
                   "user agent: nothing to " + std::string(reply.empty() ? "forward" : "reply to") +
                       ": no message downloaded with a subject containing \"" + wanted + "\"");
        return;
      }
      if (!reply.empty()) {
        for (std::string& to : make_reply(*original, header, body)) job.rcpts.push_back(std::move(to));
        if (job.rcpts.empty()) {
          agent_note(w, host, "smtp", "send-failed",
                     "user agent: nothing to reply to: \"" + reply + "\" has no From or Reply-To address");
          return;
        }
      } else if (header.subject.empty()) {
        header.subject =
            prefixed("Fwd: ", mail::header_value(mail::parse_message(*original).headers, "Subject").value_or(""));
      }
    }
    const std::uint64_t message_number = ++w.service<AgentSessions>().messages_composed;
    header.date = mail::format_date(w.sim.now());
    header.message_id = mail::make_message_id(message_number, w.sim.now(), mail::domain_of(job.mail_from));
    // The text; with `html`, the same text twice, for the reader to choose (RFC 2046 5.1.4: the
    // richer one last).
    auto text = [&] {
      return html.empty() ? mime::text_part(body)
                          : mime::multipart("alternative", {mime::text_part(body), mime::text_part(html, "html")});
    };
    // The text (or its alternatives), then a forwarded message whole as message/rfc822 (RFC 2046
    // 5.2.1), then the attachments; a lone ASCII text is a plain RFC 5322 message, a lone
    // non-ASCII one MIME text/plain (8bit).
    std::vector<mime::Part> parts{text()};
    if (original && !forward.empty()) parts.push_back(mime::message_part(*original));
    for (const AttachmentSpec& a : attachments) {
      std::string content;
      if (a.size == 0 && mime::media_type_for(a.name) == "image/png") {
        content = make_png(64, 48, message_number);
      } else {
        Random& random = w.sim.random("email.attachments");
        content.resize(a.size ? a.size : 1024);
        for (char& ch : content) ch = static_cast<char>(random.next_u64() & 0xff);
      }
      parts.push_back(mime::attachment(a.name, std::move(content)));
    }
    std::string data;
    const bool ascii = std::all_of(body.begin(), body.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x80; });
    if (parts.size() == 1 && html.empty() && ascii)
      data = mail::write_message(header, body);
    else if (parts.size() == 1)
      data = mime::build_message(header, std::move(parts.front()), {true});
    else
      data = mime::build_message(header, mime::multipart("mixed", std::move(parts)), {true});
    job.data = data;
    job.downgrade_8bit = [](std::string_view d) { return mime::to_7bit(d); };
    auto& sessions = w.service<AgentSessions>();
    TcpConnection& conn = w.stack(host).tcp.connect({w.net.node(server).address(), port});
    const std::string from = job.mail_from;
    const std::vector<std::string> rcpts = job.rcpts;
    auto session = std::make_unique<StreamSession<smtp::ClientSession>>(
        w.sim, conn, StreamSessionOptions{w.net.node(host).name(), "smtp", "C"}, nullptr, nullptr, std::move(job));
    auto* raw = session.get();
    session->set_event_handler([&w, host, raw, from, rcpts](const smtp::Event& e) {
      if (e.kind != smtp::EventKind::Finished) return;
      const smtp::ClientResult& r = raw->engine().result();
      const std::string outcome(smtp::to_string(r.outcome));
      const std::string reply = r.code ? std::to_string(r.code) + " " + r.text : r.error;
      w.service<EmailWorld>().log_sent({w.sim.now(), w.net.node(host).name(), from, rcpts, outcome, reply});
      agent_note(w, host, "smtp", r.outcome == smtp::Outcome::Delivered ? "sent" : "send-failed",
                 "user agent: message from " + from + " " +
                     (r.outcome == smtp::Outcome::Delivered ? "submitted (" + reply + ")" : "not sent: " + reply));
    });
    sessions.sessions.push_back(std::move(session));
  };
}

std::function<void()> make_pop3_fetch(ActionContext& c) {
  World& w = c.world;
  TableReader& t = c.table;
  const NodeId host = t.node("host");
  const NodeId server = t.node("server");
  pop3::ClientConfig config;
  config.user = t.string("user");
  config.password = t.string("password");
  config.use_apop = t.boolean_or("apop", false);
  config.mode = t.choice("mode", {"delete", "keep"}, "delete") == "keep" ? pop3::Mode::DownloadAndKeep
                                                                         : pop3::Mode::DownloadAndDelete;
  if (t.has("top")) config.top_lines = static_cast<std::uint64_t>(t.integer("top", 0, 100000));
  const auto port = static_cast<std::uint16_t>(t.integer_or("port", 1, 65535, Pop3Port));
  return [&w, host, server, port, config]() mutable {
    AgentState& state = w.service<EmailWorld>().agent(host, config.user);
    config.already_seen_uidls = state.seen_uidls;
    TcpConnection& conn = w.stack(host).tcp.connect({w.net.node(server).address(), port});
    auto session = std::make_unique<StreamSession<pop3::ClientSession>>(
        w.sim, conn, StreamSessionOptions{w.net.node(host).name(), "pop3", "C"}, nullptr, nullptr, config);
    auto* raw = session.get();
    const std::string user = config.user;
    session->set_event_handler([&w, host, raw, user](const pop3::Event& e) {
      AgentState& agent = w.service<EmailWorld>().agent(host, user);
      if (e.kind == pop3::EventKind::Done) {
        for (const pop3::RetrievedMessage& m : raw->engine().messages())
          agent.downloaded.push_back({w.sim.now(), "pop3", user, m.bytes});
        agent.seen_uidls = raw->engine().seen_uidls();
        agent_note(w, host, "pop3", "fetched",
                   "user agent: " + counted(e.retrieved, "message") + " downloaded for " + user + ", " +
                       counted(e.deleted, "message") + " deleted on the server");
      } else if (e.kind == pop3::EventKind::Error || e.kind == pop3::EventKind::LoginFailed) {
        agent_note(w, host, "pop3", "error", "user agent: " + e.text);
      }
    });
    w.service<AgentSessions>().sessions.push_back(std::move(session));
  };
}

// RFC 3501 4.3: a quoted string, with \ and " escaped.
std::string imap_quoted(const std::string& text) {
  std::string out = "\"";
  for (const char ch : text) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

// Whether a FETCH hands over whole messages (not just headers, sizes or flags).
bool fetches_whole_messages(const std::string& command) {
  std::string upper;
  for (char ch : command) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (upper.find("FETCH") == std::string::npos || upper.find("]<") != std::string::npos) return false;  // partial
  return upper.find("BODY[]") != std::string::npos || upper.find("BODY.PEEK[]") != std::string::npos ||
         upper.find("RFC822)") != std::string::npos || upper.find("RFC822 ") != std::string::npos;
}

std::function<void()> make_imap(ActionContext& c) {
  World& w = c.world;
  TableReader& t = c.table;
  const NodeId host = t.node("host");
  const NodeId server = t.node("server");
  const std::string user = t.string("user");
  const std::string password = t.string_or("password", "");
  const std::vector<std::string> commands = t.string_list("commands");
  for (std::size_t i = 0; i < commands.size(); ++i)
    if (commands[i].empty() || commands[i].find('\n') != std::string::npos)
      t.fail_element("commands", i, "an IMAP command is one line without its tag, as in \"SELECT INBOX\"");
  const bool keep_open = t.boolean_or("keep-open", false);
  const auto port = static_cast<std::uint16_t>(t.integer_or("port", 1, 65535, ImapPort));
  return [&w, host, server, user, password, commands, keep_open, port] {
    auto& sessions = w.service<AgentSessions>();
    const auto key = std::make_tuple(host, server, user);
    StreamSession<imap::ClientSession>* session = nullptr;
    if (auto it = sessions.open_imap.find(key); it != sessions.open_imap.end() && !it->second->finished()) {
      session = it->second;
    } else {
      TcpConnection& conn = w.stack(host).tcp.connect({w.net.node(server).address(), port});
      auto owned = std::make_unique<StreamSession<imap::ClientSession>>(
          w.sim, conn, StreamSessionOptions{w.net.node(host).name(), "imap", "C"}, nullptr, nullptr);
      session = owned.get();
      session->set_event_handler([&w, host, user](const imap::Event& e) {
        if (e.kind != imap::EventKind::Completed) return;
        if (e.status != "OK") {
          agent_note(w, host, "imap", "error", "user agent: " + e.command + " failed: " + e.status + " " + e.text);
          return;
        }
        if (!fetches_whole_messages(e.command)) return;
        AgentState& agent = w.service<EmailWorld>().agent(host, user);
        for (const std::string& literal : e.literals) agent.downloaded.push_back({w.sim.now(), "imap", user, literal});
      });
      sessions.open_imap[key] = session;
      sessions.sessions.push_back(std::move(owned));
      session->engine().request("LOGIN " + imap_quoted(user) + " " + imap_quoted(password));
    }
    for (const std::string& command : commands) session->engine().request(command);
    if (!keep_open) session->engine().request("LOGOUT");
    session->flush();
  };
}

}  // namespace

void register_user_agents(Registry& registry) {
  registry.add_action("send-mail", {"a user agent composes a message (MIME when needed) and submits it over SMTP",
                                    make_send_mail});
  registry.add_action("pop3-fetch", {"a user agent downloads mail over POP3 (download-and-delete or -keep)",
                                     make_pop3_fetch});
  registry.add_action("imap", {"a user agent runs IMAP commands (LOGIN first); keep-open leaves the session for later",
                               make_imap});
}

}  // namespace wiresim::email
