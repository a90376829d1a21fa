// The MTA's side that sends: when the queue says deliveries for a domain are due, find where
// the domain's mail goes (MX records through the host's resolver, RFC 5321 5.1), open SMTP to
// the best exchange on port 25, send them all on that one connection, one transaction each,
// and tell the queue each recipient's fate. Bounces go out the same way.
#include <algorithm>

#include "protocols/dns/dns_world.hpp"
#include "protocols/dns/name.hpp"
#include "protocols/email/mail_server.hpp"
#include "protocols/email/mail_trace.hpp"
#include "protocols/mail/date.hpp"
#include "protocols/mail/message.hpp"
#include "protocols/mime/downgrade.hpp"
#include "protocols/smtp/client_session.hpp"

namespace wiresim::email {

// Where mail for a domain can go: exchanges in preference order, each with its address once
// known (RFC 5321 5.1: no MX records means the domain's own address is the exchange).
struct Exchange {
  std::string name;
  std::optional<Ipv4Address> address;
};

// One attempt to deliver the queued deliveries for one domain.
class Outbound {
 public:
  Outbound(MailServer& server, std::vector<std::uint64_t> deliveries) : server_(server), ids_(std::move(deliveries)) {}

  void start() {
    const Delivery* d = server_.queue_.find(ids_.front());
    if (!d) return;
    if (server_.is_local_domain(d->domain)) {  // a bounce to one of our own users, say
      std::vector<std::vector<RecipientOutcome>> outcomes;  // one per id, as finish() reads them
      for (std::uint64_t id : ids_) {
        const Delivery* each = server_.queue_.find(id);
        outcomes.push_back(each ? server_.deliver_locally(each->mail_from, each->rcpts, each->data)
                                : std::vector<RecipientOutcome>{});
      }
      finish(std::move(outcomes));
      return;
    }
    const std::string domain = d->domain;
    dns::lookup(server_.world_, server_.node_, domain + ".", dns::RrType::MX, [this, domain](const dns::LookupResult& r) {
      if (!r.reply) return fail_all(RecipientOutcome::Status::Temporary, "no answer from the DNS for " + domain + " MX");
      if (r.reply->header.rcode == dns::Rcode::NXDomain)
        return fail_all(RecipientOutcome::Status::Permanent, "550 5.1.2 domain " + domain + " does not exist (NXDOMAIN)");
      if (r.reply->header.rcode != dns::Rcode::NoError)
        return fail_all(RecipientOutcome::Status::Temporary, "DNS " + dns::rcode_name(r.reply->header.rcode) + " for " + domain + " MX");
      std::vector<dns::MxData> mx;
      for (const dns::ResourceRecord& rr : r.reply->answers)
        if (const auto* m = std::get_if<dns::MxData>(&rr.data)) mx.push_back(*m);
      std::stable_sort(mx.begin(), mx.end(), [](const auto& a, const auto& b) { return a.preference < b.preference; });
      if (mx.empty()) exchanges_.push_back({domain + ".", std::nullopt});
      for (const dns::MxData& m : mx) {
        Exchange e{m.exchange, std::nullopt};
        for (const dns::ResourceRecord& rr : r.reply->additional)
          if (const auto* a = std::get_if<dns::AData>(&rr.data); a && dns::same_name(rr.name, m.exchange))
            e.address = Ipv4Address{dns::address_of(*a)};
        exchanges_.push_back(std::move(e));
      }
      note("mx", "MX for " + domain + ": " + describe_exchanges());
      try_next();
    });
  }

 private:
  std::string describe_exchanges() const {
    std::string out;
    for (const Exchange& e : exchanges_) {
      if (!out.empty()) out += ", ";
      out += e.name;
    }
    return out;
  }

  void note(const std::string& event, const std::string& text) {
    publish_mail<QueueTrace>(server_.world_, server_.node_, "smtp", event, text);
  }

  void try_next() {
    if (next_ >= exchanges_.size()) return fail_all(RecipientOutcome::Status::Temporary, last_error_);
    Exchange& e = exchanges_[next_];
    if (!e.address) {  // no glue in the MX answer: ask for the exchange's address
      dns::lookup(server_.world_, server_.node_, e.name, dns::RrType::A, [this](const dns::LookupResult& r) {
        Exchange& ex = exchanges_[next_];
        const std::vector<std::string> addresses = r.addresses();
        if (addresses.empty()) {
          last_error_ = "no address for " + ex.name;
          ++next_;
          return try_next();
        }
        ex.address = Ipv4Address::parse(addresses.front());
        try_next();
      });
      return;
    }
    connect(*e.address);
  }

  void connect(Ipv4Address address) {
    const Delivery* d = server_.queue_.find(ids_.front());
    smtp::ClientJob job;
    job.client_host = server_.config_.domain;
    job.use_ehlo = server_.config_.ehlo;
    job.space_after_colon = server_.config_.space_after_colon;
    job.mail_from = d->mail_from;
    job.rcpts = d->rcpts;
    job.data = d->data;
    for (std::size_t i = 1; i < ids_.size(); ++i) {
      const Delivery* more = server_.queue_.find(ids_[i]);
      job.more.push_back({more->mail_from, more->rcpts, more->data});
    }
    job.downgrade_8bit = [](std::string_view data) { return mime::to_7bit(data); };
    World& w = server_.world_;
    TcpConnection& conn = w.stack(server_.node_).tcp.connect({address, SmtpPort});
    session_ = std::make_unique<StreamSession<smtp::ClientSession>>(
        w.sim, conn, StreamSessionOptions{w.net.node(server_.node_).name(), "smtp", "C"},
        [this](const smtp::Event& e) {
          if (e.kind == smtp::EventKind::Finished) finished_job();
        },
        nullptr, std::move(job));
  }

  void finished_job() {
    const std::vector<smtp::ClientResult>& results = session_->engine().results();
    // A server we never spoke with (no greeting): try the next exchange (RFC 5321 5.1).
    const smtp::ClientResult& first = results.front();
    const bool never_spoke = first.outcome == smtp::Outcome::TemporaryFailure && first.code == 0 &&
                             first.steps.empty();
    if (never_spoke && next_ + 1 < exchanges_.size()) {
      last_error_ = first.error;
      ++next_;
      retired_.push_back(std::move(session_));
      return try_next();
    }
    std::vector<std::vector<RecipientOutcome>> outcomes;
    for (const smtp::ClientResult& result : results) {
      std::vector<RecipientOutcome>& each = outcomes.emplace_back();
      for (const smtp::RecipientResult& r : result.recipients) {
        RecipientOutcome o{r.mailbox, RecipientOutcome::Status::Temporary, std::to_string(r.code) + " " + r.text};
        if (r.status == smtp::RecipientStatus::Accepted && result.outcome == smtp::Outcome::Delivered)
          o.status = RecipientOutcome::Status::Delivered;
        else if (r.status == smtp::RecipientStatus::PermanentFailure ||
                 (r.status == smtp::RecipientStatus::Accepted && result.outcome == smtp::Outcome::PermanentFailure))
          o.status = RecipientOutcome::Status::Permanent;
        if (r.code == 0) o.reply = result.error.empty() ? result.text : result.error;
        each.push_back(std::move(o));
      }
    }
    finish(std::move(outcomes));
  }

  void fail_all(RecipientOutcome::Status status, const std::string& why) {
    std::vector<std::vector<RecipientOutcome>> outcomes;
    for (std::uint64_t id : ids_) {
      std::vector<RecipientOutcome>& each = outcomes.emplace_back();
      if (const Delivery* d = server_.queue_.find(id))
        for (const std::string& r : d->rcpts) each.push_back({r, status, why});
    }
    finish(std::move(outcomes));
  }

  // Each delivery's outcomes, in the order of ids_.
  void finish(std::vector<std::vector<RecipientOutcome>> outcomes);

  MailServer& server_;
  std::vector<std::uint64_t> ids_;
  std::vector<Exchange> exchanges_;
  std::size_t next_ = 0;
  std::string last_error_ = "no mail exchanger reachable";
  std::unique_ptr<StreamSession<smtp::ClientSession>> session_;
  std::vector<std::unique_ptr<StreamSession<smtp::ClientSession>>> retired_;
};

void Outbound::finish(std::vector<std::vector<RecipientOutcome>> outcomes) {
  MailServer& server = server_;
  for (std::size_t i = 0; i < ids_.size(); ++i)
    server.queue_.attempt_finished(ids_[i], i < outcomes.size() ? outcomes[i] : std::vector<RecipientOutcome>{},
                                   server.world_.sim.now());
  // This object may be deep in its session's callback: let the kernel drop it afterwards.
  const std::uint64_t key = ids_.front();
  server.world_.sim.schedule_in(Duration{}, [&server, key] { server.attempts_.erase(key); });
  server.run_queue();
}

void MailServer::attempt(std::vector<std::uint64_t> deliveries) {
  auto& slot = attempts_[deliveries.front()];
  slot = std::make_shared<Outbound>(*this, std::move(deliveries));
  slot->start();
}

void MailServer::run_queue() {
  // Publish what the queue did, send bounces, start what is due (one attempt per domain), and
  // wake for the next retry.
  std::vector<std::vector<std::uint64_t>> due = queue_.take_due(world_.sim.now());
  // The queue's lines first: an attempt may get its MX from the cache and say so at once.
  for (const QueueEvent& e : queue_.take_events())
    publish_mail<QueueTrace>(world_, node_, "smtp", std::string(to_string(e.kind)), "queue: " + e.text);
  for (std::vector<std::uint64_t>& group : due) attempt(std::move(group));
  send_bounces();
  if (queue_timer_) world_.sim.cancel(*queue_timer_);
  queue_timer_.reset();
  if (auto wake = queue_.wake_at()) queue_timer_ = world_.sim.schedule_at(*wake, [this] {
    queue_timer_.reset();
    run_queue();
  });
}

void MailServer::send_bounces() {
  for (const Bounce& b : queue_.take_bounces()) {
    ++bounced_;
    // RFC 3464 defines a machine-readable report; a plain-text notice shows the idea.
    mail::MessageHeader h;
    h.from = "Mail Delivery System <MAILER-DAEMON@" + config_.domain + ">";
    h.to = {b.to};
    h.subject = "Undelivered Mail Returned to Sender";
    h.date = mail::format_date(world_.sim.now());
    std::string body = "This is the mail system at " + config_.domain + ".\n\n"
                       "Your message could not be delivered to one or more recipients:\n\n";
    for (const RecipientOutcome& o : b.failed) body += "<" + o.rcpt + ">: " + o.reply + "\n";
    body += "\n----- Original message -----\n\n";
    body += b.original;
    queue_.enqueue("", {b.to}, mail::write_message(h, body), world_.sim.now());
  }
}

}  // namespace wiresim::email
