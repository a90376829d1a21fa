// ZoneSet: the authoritative lookup of RFC 1034 4.3.2 over zones built from master-file text,
// and the errors ZoneSet::add gives for data a zone cannot hold.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "protocols/dns/master_file.hpp"
#include "protocols/dns/zone.hpp"

using namespace wiresim::dns;

namespace {

// example.com. with an apex NS and MX, a CNAME chain, an empty non-terminal (lab) and a
// delegation (sub) with one glued and one out-of-zone name server.
constexpr std::string_view ExampleCom = R"(
$ORIGIN example.com.
@        3600 IN SOA   ns1 admin 2024010101 7200 3600 1209600 300
@        3600 IN NS    ns1
@        3600 IN MX    10 mail
ns1      3600 IN A     192.0.2.53
www       300 IN A     192.0.2.1
www       300 IN A     192.0.2.2
mail     3600 IN A     192.0.2.25
ftp       600 IN CNAME www
alias     600 IN CNAME ftp
away      600 IN CNAME www.example.net.
host.lab  300 IN A     192.0.2.9
sub     86400 IN NS    ns.sub
sub     86400 IN NS    ns.example.net.
ns.sub  86400 IN A     192.0.2.77
)";

std::vector<ResourceRecord> records_of(std::string_view text) {
  const MasterFile file = parse_master_file(text, ".", 3600);
  REQUIRE_MESSAGE(!file.error, file.error->message);
  return file.records;
}

ZoneSet zones_of(std::string_view text) {
  ZoneSet zones;
  REQUIRE(zones.add(records_of(text)) == "");
  return zones;
}

Question question(std::string name, RrType type = RrType::A) { return {std::move(name), type, ClassIn}; }

// One record per line, "name ttl TYPE data", so a failing check shows the whole section.
std::string text(const std::vector<ResourceRecord>& section) {
  std::string out;
  for (const ResourceRecord& rr : section)
    out += rr.name + " " + std::to_string(rr.ttl) + " " + type_name(rr.type) + " " + rdata_text(rr) + "\n";
  return out;
}

constexpr std::string_view ExampleSoa = "example.com. 300 SOA ns1.example.com. admin.example.com. 2024010101 7200 3600 1209600 300\n";

}  // namespace

TEST_CASE("dns zone answers a name it holds with authority") {
  const ZoneAnswer found = zones_of(ExampleCom).lookup(question("www.example.com."));
  CHECK(found.rcode == Rcode::NoError);
  CHECK(found.authoritative);
  CHECK_FALSE(found.refused);
  CHECK(text(found.answers) == "www.example.com. 300 A 192.0.2.1\nwww.example.com. 300 A 192.0.2.2\n");
  CHECK(found.authority.empty());
  CHECK(found.additional.empty());
}

TEST_CASE("dns zone refers a name below a zone cut to the child's servers with glue, without authority") {
  const ZoneAnswer found = zones_of(ExampleCom).lookup(question("host.sub.example.com."));
  CHECK(found.rcode == Rcode::NoError);
  CHECK_FALSE(found.authoritative);
  CHECK_FALSE(found.refused);
  CHECK(found.answers.empty());
  CHECK(text(found.authority) == "sub.example.com. 86400 NS ns.sub.example.com.\n"
                                 "sub.example.com. 86400 NS ns.example.net.\n");
  CHECK(text(found.additional) == "ns.sub.example.com. 86400 A 192.0.2.77\n");
}

TEST_CASE("dns zone refers a query for the NS set at a zone cut, since the child is authoritative for it") {
  const ZoneAnswer found = zones_of(ExampleCom).lookup(question("sub.example.com.", RrType::NS));
  CHECK_FALSE(found.authoritative);
  CHECK(found.answers.empty());
  CHECK(found.authority.size() == 2);
}

TEST_CASE("dns zone answers NXDOMAIN with the SOA in authority, its TTL the SOA minimum when that is lower") {
  const ZoneAnswer found = zones_of(ExampleCom).lookup(question("nothing.example.com."));
  CHECK(found.rcode == Rcode::NXDomain);
  CHECK(found.authoritative);
  CHECK(found.answers.empty());
  CHECK(text(found.authority) == ExampleSoa);
}

TEST_CASE("dns zone gives a negative answer's SOA its own TTL when that is lower than the minimum") {
  const ZoneAnswer found = zones_of("example.org. 60 IN SOA ns1.example.org. admin.example.org. 1 7200 3600 1209600 900\n")
                               .lookup(question("nothing.example.org."));
  CHECK(found.rcode == Rcode::NXDomain);
  CHECK(text(found.authority) == "example.org. 60 SOA ns1.example.org. admin.example.org. 1 7200 3600 1209600 900\n");
}

TEST_CASE("dns zone answers NODATA for a name without records of the type asked") {
  const ZoneAnswer found = zones_of(ExampleCom).lookup(question("www.example.com.", RrType::MX));
  CHECK(found.rcode == Rcode::NoError);
  CHECK(found.authoritative);
  CHECK(found.answers.empty());
  CHECK(text(found.authority) == ExampleSoa);
}

TEST_CASE("dns zone answers NODATA, not NXDOMAIN, for an empty non-terminal") {
  const ZoneAnswer found = zones_of(ExampleCom).lookup(question("lab.example.com."));
  CHECK(found.rcode == Rcode::NoError);
  CHECK(found.authoritative);
  CHECK(found.answers.empty());
  CHECK(text(found.authority) == ExampleSoa);
}

TEST_CASE("dns zone follows a CNAME chain inside its zones and lists it in order") {
  const ZoneAnswer found = zones_of(ExampleCom).lookup(question("alias.example.com."));
  CHECK(found.rcode == Rcode::NoError);
  CHECK(found.authoritative);
  CHECK(text(found.answers) == "alias.example.com. 600 CNAME ftp.example.com.\n"
                               "ftp.example.com. 600 CNAME www.example.com.\n"
                               "www.example.com. 300 A 192.0.2.1\n"
                               "www.example.com. 300 A 192.0.2.2\n");
}

TEST_CASE("dns zone follows a CNAME into another zone on the same server") {
  ZoneSet zones = zones_of(ExampleCom);
  REQUIRE(zones.add(records_of("example.net. 3600 IN SOA ns1.example.net. admin.example.net. 1 7200 3600 1209600 300\n"
                               "www.example.net. 120 IN A 198.51.100.7\n")) == "");
  const ZoneAnswer found = zones.lookup(question("away.example.com."));
  CHECK(found.authoritative);
  CHECK(text(found.answers) == "away.example.com. 600 CNAME www.example.net.\nwww.example.net. 120 A 198.51.100.7\n");
}

TEST_CASE("dns zone answers a CNAME to a name outside its zones with the CNAME alone") {
  const ZoneAnswer found = zones_of(ExampleCom).lookup(question("away.example.com."));
  CHECK(found.rcode == Rcode::NoError);
  CHECK(found.authoritative);
  CHECK(text(found.answers) == "away.example.com. 600 CNAME www.example.net.\n");
  CHECK(found.authority.empty());
}

TEST_CASE("dns zone answers a query for the CNAME itself without following it") {
  const ZoneAnswer found = zones_of(ExampleCom).lookup(question("ftp.example.com.", RrType::CNAME));
  CHECK(text(found.answers) == "ftp.example.com. 600 CNAME www.example.com.\n");
}

TEST_CASE("dns zone stops following a CNAME loop") {
  const ZoneAnswer found = zones_of("loop.test. 3600 IN SOA ns.loop.test. admin.loop.test. 1 7200 3600 1209600 300\n"
                                    "a.loop.test. 60 IN CNAME b.loop.test.\n"
                                    "b.loop.test. 60 IN CNAME a.loop.test.\n")
                               .lookup(question("a.loop.test."));
  CHECK(found.answers.size() == 9);  // the first CNAME and at most 8 more
}

TEST_CASE("dns zone adds the address of an MX exchange to the additional section") {
  const ZoneAnswer found = zones_of(ExampleCom).lookup(question("example.com.", RrType::MX));
  CHECK(found.authoritative);
  CHECK(text(found.answers) == "example.com. 3600 MX 10 mail.example.com.\n");
  CHECK(text(found.additional) == "mail.example.com. 3600 A 192.0.2.25\n");
}

TEST_CASE("dns zone adds the address of an NS target to the additional section") {
  const ZoneAnswer found = zones_of(ExampleCom).lookup(question("example.com.", RrType::NS));
  CHECK(text(found.answers) == "example.com. 3600 NS ns1.example.com.\n");
  CHECK(text(found.additional) == "ns1.example.com. 3600 A 192.0.2.53\n");
}

TEST_CASE("dns zone refuses a name outside every zone it holds") {
  const ZoneAnswer found = zones_of(ExampleCom).lookup(question("www.example.net."));
  CHECK(found.refused);
  CHECK(found.rcode == Rcode::Refused);
  CHECK_FALSE(found.authoritative);
  CHECK(found.answers.empty());
  CHECK(found.authority.empty());
}

TEST_CASE("dns zone looks names up without regard to case") {
  const ZoneSet zones = zones_of(ExampleCom);
  const ZoneAnswer found = zones.lookup(question("WWW.Example.COM."));
  CHECK(found.rcode == Rcode::NoError);
  CHECK(found.answers.size() == 2);
  const ZoneAnswer mixed = zones_of("Example.ORG. 3600 IN SOA ns1.example.org. admin.example.org. 1 7200 3600 1209600 300\n"
                                    "Www.Example.Org. 60 IN A 192.0.2.8\n")
                               .lookup(question("www.example.org."));
  CHECK(text(mixed.answers) == "Www.Example.Org. 60 A 192.0.2.8\n");
}

TEST_CASE("dns zone lists the origins it holds in order") {
  ZoneSet zones = zones_of(ExampleCom);
  REQUIRE(zones.add(records_of(". 86400 IN SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400\n")) == "");
  CHECK(zones.origins() == std::vector<std::string>{".", "example.com."});
  CHECK_FALSE(zones.empty());
  CHECK(ZoneSet{}.empty());
}

TEST_CASE("dns zone add rejects a record outside every zone") {
  ZoneSet zones;
  const std::string error = zones.add(records_of("example.com. 3600 IN SOA ns1.example.com. admin.example.com. 1 2 3 4 5\n"
                                                 "www.example.net. 300 IN A 192.0.2.1\n"));
  CHECK(error == "record www.example.net. A is outside every zone of this server; start its zone with an SOA record");
}

TEST_CASE("dns zone add rejects a CNAME added beside other data") {
  ZoneSet zones;
  const std::string error = zones.add(records_of("example.com. 3600 IN SOA ns1.example.com. admin.example.com. 1 2 3 4 5\n"
                                                 "www.example.com. 300 IN A 192.0.2.1\n"
                                                 "www.example.com. 300 IN CNAME web.example.com.\n"));
  CHECK(error == "name www.example.com. has a CNAME and other records; a CNAME must stand alone (RFC 1034 3.6.2)");
}

TEST_CASE("dns zone add rejects other data added beside a CNAME") {
  ZoneSet zones;
  const std::string error = zones.add(records_of("example.com. 3600 IN SOA ns1.example.com. admin.example.com. 1 2 3 4 5\n"
                                                 "www.example.com. 300 IN CNAME web.example.com.\n"
                                                 "www.example.com. 300 IN TXT \"hello\"\n"));
  CHECK(error == "name www.example.com. has a CNAME and other records; a CNAME must stand alone (RFC 1034 3.6.2)");
}

TEST_CASE("dns zone add rejects a second SOA for the same zone") {
  ZoneSet zones;
  const std::string error = zones.add(records_of("example.com. 3600 IN SOA ns1.example.com. admin.example.com. 1 2 3 4 5\n"
                                                 "Example.COM. 3600 IN SOA ns2.example.com. admin.example.com. 2 2 3 4 5\n"));
  CHECK(error == "zone Example.COM. has a second SOA record; a zone has exactly one");
}

TEST_CASE("dns zone add rejects an SOA for a zone an earlier add already started") {
  ZoneSet zones = zones_of(ExampleCom);
  const std::string error =
      zones.add(records_of("example.com. 3600 IN SOA ns2.example.com. admin.example.com. 2 2 3 4 5\n"));
  CHECK(error == "zone example.com. has a second SOA record; a zone has exactly one");
}
