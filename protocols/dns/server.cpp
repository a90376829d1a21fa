// The authoritative server's request handling; the lookup itself is ZoneSet's.
#include "protocols/dns/server.hpp"

#include "protocols/dns/name.hpp"

namespace wiresim::dns {

Message reply_to(const Message& query, Rcode rcode) {
  Message reply;
  reply.header.id = query.header.id;
  reply.header.qr = true;
  reply.header.opcode = query.header.opcode;
  reply.header.rd = query.header.rd;
  reply.header.rcode = rcode;
  reply.questions = query.questions;
  return reply;
}

ServerAnswer AuthoritativeServer::answer(std::span<const std::uint8_t> datagram, Peer from, Transport transport) {
  ServerAnswer out;
  auto problem = [&](std::string text) {
    Event e;
    e.kind = EventKind::ProtocolError;
    e.text = std::move(text);
    events_.push_back(std::move(e));
  };
  DecodeResult decoded = decode(datagram);
  if (!decoded.message) {
    if (!decoded.header || decoded.header->qr) {
      ++stats_.dropped;
      problem("malformed message from " + address_string(from.address) + ": " + decoded.error + "; dropped");
      return out;
    }
    // RFC 1035 4.1.1: format error. The question could not be read, so none is echoed.
    ++stats_.formerr;
    Message reply;
    reply.header = *decoded.header;
    reply.header.qr = true;
    reply.header.aa = reply.header.tc = reply.header.ra = false;
    reply.header.z = 0;
    reply.header.rcode = Rcode::FormErr;
    problem("malformed query from " + address_string(from.address) + ": " + decoded.error + "; answered FORMERR");
    out.bytes = encode(reply);
    out.response = std::move(reply);
    return out;
  }
  const Message& query = *decoded.message;
  out.query = query;
  if (query.header.qr) {  // a response sent to a server: nothing to answer
    ++stats_.dropped;
    problem("a response from " + address_string(from.address) + " reached the server port; dropped");
    return out;
  }
  ++stats_.queries;
  Message reply;
  if (query.header.opcode != Opcode::Query) {
    reply = reply_to(query, Rcode::NotImp);
  } else if (query.questions.size() != 1) {
    ++stats_.formerr;
    problem("a query must carry exactly one question; this one from " + address_string(from.address) + " has " +
            std::to_string(query.questions.size()) + "; answered FORMERR");
    reply = reply_to(query, Rcode::FormErr);
  } else if (query.questions[0].klass != ClassIn) {
    reply = reply_to(query, Rcode::NotImp);
  } else {
    ZoneAnswer found = zones_.lookup(query.questions[0]);
    reply = reply_to(query, found.rcode);
    reply.header.aa = found.authoritative;
    reply.answers = std::move(found.answers);
    reply.authority = std::move(found.authority);
    reply.additional = std::move(found.additional);
    if (found.refused) ++stats_.refused;
    else if (found.rcode == Rcode::NXDomain) ++stats_.nxdomain;
    else if (!reply.answers.empty() && found.authoritative) ++stats_.answers;
    else if (found.authoritative) ++stats_.nodata;
    if (!found.authoritative && !found.refused && !reply.authority.empty()) {
      ++stats_.referrals;
      out.referral = query.header.rd;
      out.referral_zone = reply.authority[0].name;
      for (const ResourceRecord& ns : reply.authority) {
        const auto* target = std::get_if<NameData>(&ns.data);
        if (ns.type != RrType::NS || !target) continue;
        NameServer s{target->target, 0};
        for (const ResourceRecord& glue : reply.additional)
          if (const auto* a = std::get_if<AData>(&glue.data); a && same_name(glue.name, s.name)) s.address = address_of(*a);
        out.referral_servers.push_back(std::move(s));
      }
    }
  }
  out.bytes = encode(reply);
  if (transport == Transport::Udp && out.bytes.size() > MaxUdpSize) {
    // RFC 1035 4.2.1: too long for UDP; the client must ask again over TCP.
    ++stats_.truncated;
    reply.header.tc = true;
    reply.answers.clear();
    reply.authority.clear();
    reply.additional.clear();
    out.bytes = encode(reply);
  }
  out.response = std::move(reply);
  return out;
}

}  // namespace wiresim::dns
