#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "protocols/dns/tool_output.hpp"

using namespace wiresim::dns;

namespace {

ResourceRecord rr(std::string name, RrType type, std::uint32_t ttl, Rdata data) {
  ResourceRecord r;
  r.name = std::move(name);
  r.type = type;
  r.ttl = ttl;
  r.data = std::move(data);
  return r;
}
ResourceRecord a(std::string name, std::uint32_t ttl, std::array<std::uint8_t, 4> address) {
  return rr(std::move(name), RrType::A, ttl, AData{address});
}
ResourceRecord cname(std::string name, std::uint32_t ttl, std::string target) {
  return rr(std::move(name), RrType::CNAME, ttl, NameData{std::move(target)});
}
ResourceRecord ns(std::string name, std::uint32_t ttl, std::string target) {
  return rr(std::move(name), RrType::NS, ttl, NameData{std::move(target)});
}
ResourceRecord mx(std::string name, std::uint32_t ttl, std::uint16_t preference, std::string exchange) {
  return rr(std::move(name), RrType::MX, ttl, MxData{preference, std::move(exchange)});
}
ResourceRecord nu_soa() {
  return rr("nu.edu.pk.", RrType::SOA, 3600,
            SoaData{"ns1.nu.edu.pk.", "hostmaster.nu.edu.pk.", 2024010101, 3600, 900, 604800, 86400});
}

// A reply as a recursive resolver sends it: qr rd ra, one question.
Message reply_to(std::string qname, RrType qtype, std::uint16_t id = 4242) {
  Message m;
  m.header.id = id;
  m.header.qr = true;
  m.header.rd = true;
  m.header.ra = true;
  m.questions.push_back(Question{std::move(qname), qtype, ClassIn});
  return m;
}

DigRun dig_run(std::string qname, RrType qtype) {
  DigRun run;
  run.server_address = "10.0.0.53";
  run.qname = std::move(qname);
  run.qtype = qtype;
  run.query_time_ms = 84;
  run.reply_size = 48;
  run.when_s = 1.0;
  return run;
}

NslookupRun nslookup_run(NslookupStyle style, std::string qname, RrType qtype) {
  NslookupRun run;
  run.style = style;
  run.server_address = "10.0.0.53";
  run.server_name = "campus-dns.nu.edu.pk";
  run.qname = std::move(qname);
  run.qtype = qtype;
  return run;
}

Message flex_answer() {
  Message m = reply_to("flex.nu.edu.pk.", RrType::A);
  m.answers.push_back(a("flex.nu.edu.pk.", 3600, {210, 56, 9, 83}));
  return m;
}

Message mx_answer() {
  Message m = reply_to("nu.edu.pk.", RrType::MX);
  m.answers.push_back(mx("nu.edu.pk.", 3600, 10, "mail.nu.edu.pk."));
  m.additional.push_back(a("mail.nu.edu.pk.", 3600, {210, 56, 9, 1}));
  return m;
}

Message nxdomain() {
  Message m = reply_to("nosuch.nu.edu.pk.", RrType::A);
  m.header.rcode = Rcode::NXDomain;
  m.authority.push_back(nu_soa());
  return m;
}

Message cname_answer() {
  Message m = reply_to("www.nu.edu.pk.", RrType::A);
  m.answers.push_back(cname("www.nu.edu.pk.", 300, "flex.nu.edu.pk."));
  m.answers.push_back(a("flex.nu.edu.pk.", 3600, {210, 56, 9, 83}));
  return m;
}

}  // namespace

// ---- dig ----

TEST_CASE("dig prints an A answer in BIND 9.18's layout") {
  DigRun run = dig_run("flex.nu.edu.pk", RrType::A);
  run.reply = flex_answer();
  CHECK(format_dig(run) ==
        "\n"
        "; <<>> DiG 9.18 (wiresim) <<>> @10.0.0.53 flex.nu.edu.pk A\n"
        "; (1 server found)\n"
        ";; global options: +cmd\n"
        ";; Got answer:\n"
        ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4242\n"
        ";; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0\n"
        "\n"
        ";; QUESTION SECTION:\n"
        ";flex.nu.edu.pk.\t\t\tIN\tA\n"
        "\n"
        ";; ANSWER SECTION:\n"
        "flex.nu.edu.pk.\t\t3600\tIN\tA\t210.56.9.83\n"
        "\n"
        ";; Query time: 84 msec\n"
        ";; SERVER: 10.0.0.53#53(10.0.0.53) (UDP)\n"
        ";; WHEN: t=1.000000 s (simulated)\n"
        ";; MSG SIZE  rcvd: 48\n"
        "\n");
}

TEST_CASE("dig prints a CNAME chain with its authority and additional sections") {
  DigRun run = dig_run("www.example.com", RrType::A);
  Message m = reply_to("www.example.com.", RrType::A, 7);
  m.answers.push_back(cname("www.example.com.", 300, "web.example.com."));
  m.answers.push_back(a("web.example.com.", 300, {93, 184, 216, 34}));
  m.authority.push_back(ns("example.com.", 86400, "ns1.example.com."));
  m.additional.push_back(a("ns1.example.com.", 86400, {192, 0, 2, 53}));
  run.reply = m;
  run.reply_size = 110;
  run.when_s = 2.5;
  CHECK(format_dig(run) ==
        "\n"
        "; <<>> DiG 9.18 (wiresim) <<>> @10.0.0.53 www.example.com A\n"
        "; (1 server found)\n"
        ";; global options: +cmd\n"
        ";; Got answer:\n"
        ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 7\n"
        ";; flags: qr rd ra; QUERY: 1, ANSWER: 2, AUTHORITY: 1, ADDITIONAL: 1\n"
        "\n"
        ";; QUESTION SECTION:\n"
        ";www.example.com.\t\tIN\tA\n"
        "\n"
        ";; ANSWER SECTION:\n"
        "www.example.com.\t300\tIN\tCNAME\tweb.example.com.\n"
        "web.example.com.\t300\tIN\tA\t93.184.216.34\n"
        "\n"
        ";; AUTHORITY SECTION:\n"
        "example.com.\t\t86400\tIN\tNS\tns1.example.com.\n"
        "\n"
        ";; ADDITIONAL SECTION:\n"
        "ns1.example.com.\t86400\tIN\tA\t192.0.2.53\n"
        "\n"
        ";; Query time: 84 msec\n"
        ";; SERVER: 10.0.0.53#53(10.0.0.53) (UDP)\n"
        ";; WHEN: t=2.500000 s (simulated)\n"
        ";; MSG SIZE  rcvd: 110\n"
        "\n");
}

TEST_CASE("dig +norecurse to a root server shows the referral to the TLD's servers") {
  DigRun run = dig_run("www.nu.edu.pk", RrType::A);
  run.server_address = "198.41.0.4";
  run.recurse = false;
  Message m = reply_to("www.nu.edu.pk.", RrType::A, 99);
  m.header.rd = false;
  m.header.ra = false;
  m.authority.push_back(ns("pk.", 172800, "ns1.pknic.net.pk."));
  m.authority.push_back(ns("pk.", 172800, "ns2.pknic.net.pk."));
  m.additional.push_back(a("ns1.pknic.net.pk.", 172800, {203, 99, 170, 1}));
  m.additional.push_back(a("ns2.pknic.net.pk.", 172800, {203, 99, 170, 2}));
  run.reply = m;
  run.reply_size = 131;
  CHECK(format_dig(run) ==
        "\n"
        "; <<>> DiG 9.18 (wiresim) <<>> @198.41.0.4 +norecurse www.nu.edu.pk A\n"
        "; (1 server found)\n"
        ";; global options: +cmd\n"
        ";; Got answer:\n"
        ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 99\n"
        ";; flags: qr; QUERY: 1, ANSWER: 0, AUTHORITY: 2, ADDITIONAL: 2\n"
        "\n"
        ";; QUESTION SECTION:\n"
        ";www.nu.edu.pk.\t\t\tIN\tA\n"
        "\n"
        ";; AUTHORITY SECTION:\n"
        "pk.\t\t\t172800\tIN\tNS\tns1.pknic.net.pk.\n"
        "pk.\t\t\t172800\tIN\tNS\tns2.pknic.net.pk.\n"
        "\n"
        ";; ADDITIONAL SECTION:\n"
        "ns1.pknic.net.pk.\t172800\tIN\tA\t203.99.170.1\n"
        "ns2.pknic.net.pk.\t172800\tIN\tA\t203.99.170.2\n"
        "\n"
        ";; Query time: 84 msec\n"
        ";; SERVER: 198.41.0.4#53(198.41.0.4) (UDP)\n"
        ";; WHEN: t=1.000000 s (simulated)\n"
        ";; MSG SIZE  rcvd: 131\n"
        "\n");
}

TEST_CASE("dig shows NXDOMAIN with the zone's SOA in the authority section") {
  DigRun run = dig_run("nosuch.nu.edu.pk", RrType::A);
  run.reply = nxdomain();
  run.reply_size = 95;
  CHECK(format_dig(run) ==
        "\n"
        "; <<>> DiG 9.18 (wiresim) <<>> @10.0.0.53 nosuch.nu.edu.pk A\n"
        "; (1 server found)\n"
        ";; global options: +cmd\n"
        ";; Got answer:\n"
        ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 4242\n"
        ";; flags: qr rd ra; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 0\n"
        "\n"
        ";; QUESTION SECTION:\n"
        ";nosuch.nu.edu.pk.\t\tIN\tA\n"
        "\n"
        ";; AUTHORITY SECTION:\n"
        "nu.edu.pk.\t\t3600\tIN\tSOA\tns1.nu.edu.pk. hostmaster.nu.edu.pk. 2024010101 3600 900 604800 86400\n"
        "\n"
        ";; Query time: 84 msec\n"
        ";; SERVER: 10.0.0.53#53(10.0.0.53) (UDP)\n"
        ";; WHEN: t=1.000000 s (simulated)\n"
        ";; MSG SIZE  rcvd: 95\n"
        "\n");
}

TEST_CASE("dig reports each timed-out try and then that no server could be reached") {
  DigRun run = dig_run("flex.nu.edu.pk", RrType::A);
  run.tries = 3;
  CHECK(format_dig(run) ==
        ";; communications error to 10.0.0.53#53: timed out\n"
        ";; communications error to 10.0.0.53#53: timed out\n"
        ";; communications error to 10.0.0.53#53: timed out\n"
        "\n"
        "; <<>> DiG 9.18 (wiresim) <<>> @10.0.0.53 flex.nu.edu.pk A\n"
        "; (1 server found)\n"
        ";; global options: +cmd\n"
        ";; no servers could be reached\n"
        "\n");
}

// The names and flags follow a real DiG 9.18.10 transcript: a name of 24 characters or more is
// followed by a tab to the next stop and then single spaces, as BIND's column rule gives.
TEST_CASE("dig notes the TCP retry first and separates long names by single spaces") {
  DigRun run = dig_run("chunkedcnames.12.slp150.yourdomain.com", RrType::A);
  run.server_address = "127.0.0.1";
  run.tcp = true;
  Message m = reply_to("chunkedcnames.12.slp150.yourdomain.com.", RrType::A, 45135);
  m.header.aa = true;
  m.header.rd = false;
  m.header.ra = false;
  m.answers.push_back(cname("chunkedcnames.12.slp150.yourdomain.com.", 60, "always1.yourdomain.com."));
  run.reply = m;
  run.query_time_ms = 3;
  run.reply_size = 93;
  CHECK(format_dig(run) ==
        ";; Truncated, retrying in TCP mode.\n"
        "\n"
        "; <<>> DiG 9.18 (wiresim) <<>> @127.0.0.1 chunkedcnames.12.slp150.yourdomain.com A\n"
        "; (1 server found)\n"
        ";; global options: +cmd\n"
        ";; Got answer:\n"
        ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 45135\n"
        ";; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0\n"
        "\n"
        ";; QUESTION SECTION:\n"
        ";chunkedcnames.12.slp150.yourdomain.com.\tIN A\n"
        "\n"
        ";; ANSWER SECTION:\n"
        "chunkedcnames.12.slp150.yourdomain.com.\t60 IN CNAME always1.yourdomain.com.\n"
        "\n"
        ";; Query time: 3 msec\n"
        ";; SERVER: 127.0.0.1#53(127.0.0.1) (TCP)\n"
        ";; WHEN: t=1.000000 s (simulated)\n"
        ";; MSG SIZE  rcvd: 93\n"
        "\n");
}

TEST_CASE("dig warns when recursion was requested from a server that does not offer it") {
  DigRun run = dig_run("flex.nu.edu.pk", RrType::A);
  Message m = flex_answer();
  m.header.aa = true;
  m.header.ra = false;
  run.reply = m;
  CHECK(format_dig(run) ==
        "\n"
        "; <<>> DiG 9.18 (wiresim) <<>> @10.0.0.53 flex.nu.edu.pk A\n"
        "; (1 server found)\n"
        ";; global options: +cmd\n"
        ";; Got answer:\n"
        ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4242\n"
        ";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0\n"
        ";; WARNING: recursion requested but not available\n"
        "\n"
        ";; QUESTION SECTION:\n"
        ";flex.nu.edu.pk.\t\t\tIN\tA\n"
        "\n"
        ";; ANSWER SECTION:\n"
        "flex.nu.edu.pk.\t\t3600\tIN\tA\t210.56.9.83\n"
        "\n"
        ";; Query time: 84 msec\n"
        ";; SERVER: 10.0.0.53#53(10.0.0.53) (UDP)\n"
        ";; WHEN: t=1.000000 s (simulated)\n"
        ";; MSG SIZE  rcvd: 48\n"
        "\n");
}

// ---- nslookup, Windows ----

TEST_CASE("Windows nslookup prints a non-authoritative A answer as on the lecture slide") {
  NslookupRun run = nslookup_run(NslookupStyle::Windows, "flex.nu.edu.pk", RrType::A);
  run.reply = flex_answer();
  CHECK(format_nslookup(run) ==
        "Server:  campus-dns.nu.edu.pk\n"
        "Address:  10.0.0.53\n"
        "\n"
        "Non-authoritative answer:\n"
        "Name:    flex.nu.edu.pk\n"
        "Address:  210.56.9.83\n"
        "\n");
}

TEST_CASE("Windows nslookup lists several addresses under Addresses, indented by tab and two spaces") {
  NslookupRun run = nslookup_run(NslookupStyle::Windows, "www.example.com", RrType::A);
  Message m = reply_to("www.example.com.", RrType::A);
  m.answers.push_back(a("www.example.com.", 60, {10, 0, 0, 1}));
  m.answers.push_back(a("www.example.com.", 60, {10, 0, 0, 2}));
  run.reply = m;
  CHECK(format_nslookup(run) ==
        "Server:  campus-dns.nu.edu.pk\n"
        "Address:  10.0.0.53\n"
        "\n"
        "Non-authoritative answer:\n"
        "Name:    www.example.com\n"
        "Addresses:  10.0.0.1\n"
        "\t  10.0.0.2\n"
        "\n");
}

TEST_CASE("Windows nslookup names the canonical host and lists the CNAMEs as aliases") {
  NslookupRun run = nslookup_run(NslookupStyle::Windows, "www.nu.edu.pk", RrType::A);
  Message m = reply_to("www.nu.edu.pk.", RrType::A);
  m.answers.push_back(cname("www.nu.edu.pk.", 300, "portal.nu.edu.pk."));
  m.answers.push_back(cname("portal.nu.edu.pk.", 300, "flex.nu.edu.pk."));
  m.answers.push_back(a("flex.nu.edu.pk.", 3600, {210, 56, 9, 83}));
  run.reply = m;
  CHECK(format_nslookup(run) ==
        "Server:  campus-dns.nu.edu.pk\n"
        "Address:  10.0.0.53\n"
        "\n"
        "Non-authoritative answer:\n"
        "Name:    flex.nu.edu.pk\n"
        "Address:  210.56.9.83\n"
        "Aliases:  www.nu.edu.pk\n"
        "\t  portal.nu.edu.pk\n"
        "\n");
}

TEST_CASE("Windows nslookup prints MX records and then the additional addresses") {
  NslookupRun run = nslookup_run(NslookupStyle::Windows, "nu.edu.pk", RrType::MX);
  run.reply = mx_answer();
  CHECK(format_nslookup(run) ==
        "Server:  campus-dns.nu.edu.pk\n"
        "Address:  10.0.0.53\n"
        "\n"
        "Non-authoritative answer:\n"
        "nu.edu.pk\tMX preference = 10, mail exchanger = mail.nu.edu.pk\n"
        "\n"
        "mail.nu.edu.pk\tinternet address = 210.56.9.1\n"
        "\n");
}

TEST_CASE("Windows nslookup reports a non-existent domain") {
  NslookupRun run = nslookup_run(NslookupStyle::Windows, "nosuch.nu.edu.pk", RrType::A);
  run.reply = nxdomain();
  CHECK(format_nslookup(run) ==
        "Server:  campus-dns.nu.edu.pk\n"
        "Address:  10.0.0.53\n"
        "\n"
        "*** campus-dns.nu.edu.pk can't find nosuch.nu.edu.pk: Non-existent domain\n");
}

TEST_CASE("Windows nslookup times out on the server's name and then on the query") {
  NslookupRun run = nslookup_run(NslookupStyle::Windows, "flex.nu.edu.pk", RrType::A);
  run.server_name = "";
  CHECK(format_nslookup(run) ==
        "DNS request timed out.\n"
        "    timeout was 2 seconds.\n"
        "Server:  UnKnown\n"
        "Address:  10.0.0.53\n"
        "\n"
        "DNS request timed out.\n"
        "    timeout was 2 seconds.\n"
        "DNS request timed out.\n"
        "    timeout was 2 seconds.\n"
        "*** Request to UnKnown timed-out\n");
}

TEST_CASE("Windows nslookup calls a server without a reverse name UnKnown") {
  NslookupRun run = nslookup_run(NslookupStyle::Windows, "flex.nu.edu.pk", RrType::A);
  run.server_name = "";
  run.reply = flex_answer();
  CHECK(format_nslookup(run) ==
        "Server:  UnKnown\n"
        "Address:  10.0.0.53\n"
        "\n"
        "Non-authoritative answer:\n"
        "Name:    flex.nu.edu.pk\n"
        "Address:  210.56.9.83\n"
        "\n");
}

// Interactive nslookup (no name on the command line): the session names its server once, then
// each name typed at "> " prints as a command-line query does, without a second PTR timeout.
TEST_CASE("interactive Windows nslookup starts with its Default Server, as on the lecture slide") {
  CHECK(format_nslookup_start(NslookupStyle::Windows, "csp3.zte.com.cn.home", "192.168.10.1", true, 2) ==
        "Default Server:  csp3.zte.com.cn.home\n"
        "Address:  192.168.10.1\n"
        "\n");
  CHECK(format_nslookup_start(NslookupStyle::Windows, "", "10.0.0.53", false, 2) ==
        "DNS request timed out.\n"
        "    timeout was 2 seconds.\n"
        "Default Server:  UnKnown\n"
        "Address:  10.0.0.53\n"
        "\n");
  CHECK(format_nslookup_start(NslookupStyle::Unix, "", "10.0.0.53", true, 2).empty());
  NslookupRun run = nslookup_run(NslookupStyle::Windows, "flex.nu.edu.pk", RrType::A);
  run.server_name = "";
  run.interactive = true;
  CHECK(format_nslookup(run) ==
        "Server:  UnKnown\n"
        "Address:  10.0.0.53\n"
        "\n"
        "DNS request timed out.\n"
        "    timeout was 2 seconds.\n"
        "DNS request timed out.\n"
        "    timeout was 2 seconds.\n"
        "*** Request to UnKnown timed-out\n");
}

TEST_CASE("Windows nslookup prints no Non-authoritative line for an authoritative answer") {
  NslookupRun run = nslookup_run(NslookupStyle::Windows, "flex.nu.edu.pk", RrType::A);
  run.server_name = "ns1.nu.edu.pk";
  Message m = flex_answer();
  m.header.aa = true;
  run.reply = m;
  CHECK(format_nslookup(run) ==
        "Server:  ns1.nu.edu.pk\n"
        "Address:  10.0.0.53\n"
        "\n"
        "Name:    flex.nu.edu.pk\n"
        "Address:  210.56.9.83\n"
        "\n");
}

TEST_CASE("Windows nslookup shows the zone's SOA when the name has no record of the asked type") {
  NslookupRun run = nslookup_run(NslookupStyle::Windows, "flex.nu.edu.pk", RrType::MX);
  Message m = reply_to("flex.nu.edu.pk.", RrType::MX);
  m.authority.push_back(nu_soa());
  run.reply = m;
  CHECK(format_nslookup(run) ==
        "Server:  campus-dns.nu.edu.pk\n"
        "Address:  10.0.0.53\n"
        "\n"
        "nu.edu.pk\n"
        "\tprimary name server = ns1.nu.edu.pk\n"
        "\tresponsible mail addr = hostmaster.nu.edu.pk\n"
        "\tserial  = 2024010101\n"
        "\trefresh = 3600 (1 hour)\n"
        "\tretry   = 900 (15 mins)\n"
        "\texpire  = 604800 (7 days)\n"
        "\tdefault TTL = 86400 (1 day)\n"
        "\n");
}

// ---- nslookup, Linux (BIND 9) ----

TEST_CASE("BIND nslookup prints a non-authoritative A answer") {
  NslookupRun run = nslookup_run(NslookupStyle::Unix, "flex.nu.edu.pk", RrType::A);
  run.reply = flex_answer();
  CHECK(format_nslookup(run) ==
        "Server:\t\t10.0.0.53\n"
        "Address:\t10.0.0.53#53\n"
        "\n"
        "Non-authoritative answer:\n"
        "Name:\tflex.nu.edu.pk\n"
        "Address: 210.56.9.83\n"
        "\n");
}

TEST_CASE("BIND nslookup prints the canonical name line before the address") {
  NslookupRun run = nslookup_run(NslookupStyle::Unix, "www.nu.edu.pk", RrType::A);
  run.reply = cname_answer();
  CHECK(format_nslookup(run) ==
        "Server:\t\t10.0.0.53\n"
        "Address:\t10.0.0.53#53\n"
        "\n"
        "Non-authoritative answer:\n"
        "www.nu.edu.pk\tcanonical name = flex.nu.edu.pk.\n"
        "Name:\tflex.nu.edu.pk\n"
        "Address: 210.56.9.83\n"
        "\n");
}

TEST_CASE("BIND nslookup prints MX records and where authoritative answers can be found") {
  NslookupRun run = nslookup_run(NslookupStyle::Unix, "nu.edu.pk", RrType::MX);
  run.reply = mx_answer();
  CHECK(format_nslookup(run) ==
        "Server:\t\t10.0.0.53\n"
        "Address:\t10.0.0.53#53\n"
        "\n"
        "Non-authoritative answer:\n"
        "nu.edu.pk\tmail exchanger = 10 mail.nu.edu.pk.\n"
        "\n"
        "Authoritative answers can be found from:\n"
        "mail.nu.edu.pk\tinternet address = 210.56.9.1\n"
        "\n");
}

TEST_CASE("BIND nslookup reports NXDOMAIN") {
  NslookupRun run = nslookup_run(NslookupStyle::Unix, "nosuch.nu.edu.pk", RrType::A);
  run.reply = nxdomain();
  CHECK(format_nslookup(run) ==
        "Server:\t\t10.0.0.53\n"
        "Address:\t10.0.0.53#53\n"
        "\n"
        "** server can't find nosuch.nu.edu.pk: NXDOMAIN\n"
        "\n");
}

TEST_CASE("BIND nslookup reports three timed-out tries and that no server could be reached") {
  NslookupRun run = nslookup_run(NslookupStyle::Unix, "flex.nu.edu.pk", RrType::A);
  CHECK(format_nslookup(run) ==
        ";; communications error to 10.0.0.53#53: timed out\n"
        ";; communications error to 10.0.0.53#53: timed out\n"
        ";; communications error to 10.0.0.53#53: timed out\n"
        ";; no servers could be reached\n"
        "\n"
        "\n");
}

// ---- ipconfig /displaydns ----

TEST_CASE("displaydns prints a cached A record under its name") {
  CacheLine line;
  line.record = a("flex.nu.edu.pk.", 3542, {210, 56, 9, 83});
  CHECK(format_displaydns({line}) ==
        "\n"
        "Windows IP Configuration\n"
        "\n"
        "    flex.nu.edu.pk\n"
        "    ----------------------------------------\n"
        "    Record Name . . . . . : flex.nu.edu.pk\n"
        "    Record Type . . . . . : 1\n"
        "    Time To Live  . . . . : 3542\n"
        "    Data Length . . . . . : 4\n"
        "    Section . . . . . . . : Answer\n"
        "    A (Host) Record . . . : 210.56.9.83\n"
        "\n"
        "\n");
}

TEST_CASE("displaydns gives each owner name one heading and a CNAME an 8-octet data length") {
  CacheLine alias, target, second;
  alias.record = cname("www.nu.edu.pk.", 250, "flex.nu.edu.pk.");
  target.record = a("flex.nu.edu.pk.", 250, {210, 56, 9, 83});
  second.record = a("flex.nu.edu.pk.", 250, {210, 56, 9, 84});
  CHECK(format_displaydns({alias, target, second}) ==
        "\n"
        "Windows IP Configuration\n"
        "\n"
        "    www.nu.edu.pk\n"
        "    ----------------------------------------\n"
        "    Record Name . . . . . : www.nu.edu.pk\n"
        "    Record Type . . . . . : 5\n"
        "    Time To Live  . . . . : 250\n"
        "    Data Length . . . . . : 8\n"
        "    Section . . . . . . . : Answer\n"
        "    CNAME Record  . . . . : flex.nu.edu.pk\n"
        "\n"
        "\n"
        "    flex.nu.edu.pk\n"
        "    ----------------------------------------\n"
        "    Record Name . . . . . : flex.nu.edu.pk\n"
        "    Record Type . . . . . : 1\n"
        "    Time To Live  . . . . : 250\n"
        "    Data Length . . . . . : 4\n"
        "    Section . . . . . . . : Answer\n"
        "    A (Host) Record . . . : 210.56.9.83\n"
        "\n"
        "\n"
        "    Record Name . . . . . : flex.nu.edu.pk\n"
        "    Record Type . . . . . : 1\n"
        "    Time To Live  . . . . : 250\n"
        "    Data Length . . . . . : 4\n"
        "    Section . . . . . . . : Answer\n"
        "    A (Host) Record . . . : 210.56.9.84\n"
        "\n"
        "\n");
}

TEST_CASE("displaydns shows a negative entry as a name that does not exist") {
  CacheLine line;
  line.record = rr("nosuch.nu.edu.pk.", RrType::A, 0, AData{});
  line.negative = true;
  CHECK(format_displaydns({line}) ==
        "\n"
        "Windows IP Configuration\n"
        "\n"
        "    nosuch.nu.edu.pk\n"
        "    ----------------------------------------\n"
        "    Name does not exist.\n"
        "\n"
        "\n");
}

TEST_CASE("displaydns of an empty cache prints only the title") {
  CHECK(format_displaydns({}) == "\nWindows IP Configuration\n\n");
}

TEST_CASE("displaydns spreads an MX record over aligned lines") {
  CacheLine line;
  line.record = mx("nu.edu.pk.", 3600, 10, "mail.nu.edu.pk.");
  CHECK(format_displaydns({line}) ==
        "\n"
        "Windows IP Configuration\n"
        "\n"
        "    nu.edu.pk\n"
        "    ----------------------------------------\n"
        "    Record Name . . . . . : nu.edu.pk\n"
        "    Record Type . . . . . : 15\n"
        "    Time To Live  . . . . : 3600\n"
        "    Data Length . . . . . : 16\n"
        "    Section . . . . . . . : Answer\n"
        "    MX Record . . . . . . : mail.nu.edu.pk\n"
        "                            10\n"
        "                            0\n"
        "\n"
        "\n");
}
