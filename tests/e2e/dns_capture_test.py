"""The DNS scenarios' captures as Wireshark users see them, checked with tshark.
Usage: dns_capture_test.py WIRESIM SOURCE_DIR"""
import glob
import os
import sys

from common import capture as common_capture
from common import check, finish, run, temp_dir, tshark_fields, tshark_path

wiresim, root = sys.argv[1], sys.argv[2]
tshark = tshark_path()


def fields(pcap, *names, display_filter=None):
    return tshark_fields(pcap, *names, display_filter=display_filter, aggregator=",")


def capture(scenario):
    return common_capture(wiresim, os.path.join(root, "scenarios/dns", scenario))


# Every DNS packet of every bundled scenario decodes cleanly: nothing malformed, and every
# UDP or TCP payload on port 53 is seen as DNS.
for path in sorted(glob.glob(os.path.join(root, "scenarios/dns/*.toml"))):
    name = os.path.basename(path)
    out = capture(name)
    for pcap in sorted(glob.glob(os.path.join(out, "*.pcap"))):
        where = f"{name} {os.path.basename(pcap)}"
        malformed = fields(pcap, "frame.number", display_filter="_ws.malformed || _ws.expert.severity >= error")
        check(not malformed, f"{where}: no malformed packet or expert error ({len(malformed)})")
        port53 = fields(pcap, "frame.number", display_filter="(udp.port == 53 && udp.length > 8) || (tcp.port == 53 && tcp.len > 0)")
        dns = fields(pcap, "frame.number", display_filter="dns")
        check(len(port53) == len(dns), f"{where}: tshark decodes all {len(port53)} port-53 payloads as DNS ({len(dns)})")

# Cold cache: exactly root -> TLD -> authoritative; warm: nothing upstream; after the TTL, only
# the authoritative server again.
out = capture("cache-cold-warm.toml")
resolver = os.path.join(out, "campus-dns-eth0.pcap")
upstream = fields(resolver, "frame.time_relative", "ip.dst", "dns.qry.name", "dns.flags.recdesired",
                  display_filter="dns.flags.response == 0 && ip.src == 10.1.0.53")
servers = [row[1] for row in upstream]
check(servers == ["198.41.0.4", "192.5.6.30", "128.119.40.10", "128.119.40.10"],
      f"the resolver asks root, edu, hamburger.edu, then (after the TTL) hamburger.edu only: {servers}")
check(all(row[2] == "www.hamburger.edu" and row[3] == "0" for row in upstream),
      "every upstream query asks for www.hamburger.edu without RD (iterative)")
check(float(upstream[3][0]) > 60, f"the repeat after the 60 s TTL goes out at t={upstream[3][0]}")
referral = fields(resolver, "dns.count.answers", "dns.count.auth_rr", "dns.count.add_rr", "dns.flags.authoritative",
                  "dns.ns", "dns.a", display_filter="dns.flags.response == 1 && ip.src == 198.41.0.4")
check(referral == [["0", "1", "1", "0", "a.edu-servers.net", "192.5.6.30"]],
      f"the root's referral: no answer, NS in authority, glue in additional, AA clear: {referral}")
answer = fields(resolver, "dns.flags.authoritative", "dns.a", "dns.resp.ttl",
                display_filter="dns.flags.response == 1 && ip.src == 128.119.40.10")
check(answer[0] == ["1", "128.119.40.186", "60"], f"hamburger.edu's server answers with authority, TTL 60: {answer[0]}")
alice = os.path.join(out, "alice-eth0.pcap")
times = [float(row[0]) for row in fields(alice, "frame.time_relative", display_filter="dns.flags.response == 0")]
check(len(times) == 3, f"alice sends three queries: cold, after the flush, after the TTL (not the warm repeat): {times}")
to_alice = fields(resolver, "dns.flags.recavail", "dns.flags.authoritative",
                  display_filter="dns.flags.response == 1 && ip.dst == 10.1.0.10")
check(all(row == ["1", "0"] for row in to_alice), f"the resolver's answers to alice have RA set and AA clear: {to_alice}")

# NXDOMAIN carries the zone's SOA in the authority section.
out = capture("nxdomain-negative-cache.toml")
nx = fields(os.path.join(out, "campus-dns-eth0.pcap"), "dns.flags.rcode", "dns.count.auth_rr", "dns.soa.mname",
            "dns.soa.minimum_ttl", display_filter="dns.flags.response == 1 && ip.src == 128.119.40.10")
check(nx and nx[0] == ["3", "1", "dns.hamburger.edu", "300"], f"NXDOMAIN with the SOA (minimum 300) in authority: {nx[:1]}")

# MX answers with preferences, and the exchange's address in the additional section.
out = capture("mx-lookup.toml")
mx = fields(os.path.join(out, "campus-dns-eth0.pcap"), "dns.mx.preference", "dns.mx.mail_exchange", "dns.a",
            display_filter="dns.flags.response == 1 && ip.src == 128.119.40.10")
check(mx and mx[0] == ["10,20", "mail.hamburger.edu,backup-mail.crepes.fr", "128.119.40.25"],
      f"MX 10 and 20 with mail.hamburger.edu's address as additional data: {mx[:1]}")

# A CNAME chain, in order.
out = capture("cname-chain.toml")
chain = fields(os.path.join(out, "alice-eth0.pcap"), "dns.cname", "dns.a",
               display_filter="dns.flags.response == 1 && dns.qry.name == \"www.crepes.fr\"")
check(chain and chain[0] == ["web.crepes.fr,crepes.cdn-provider.com", "151.101.1.57,151.101.65.57"],
      f"the answer lists both CNAMEs, then the two addresses: {chain[:1]}")

# Truncation, then the same question over TCP.
out = capture("tcp-fallback.toml")
resolver = os.path.join(out, "campus-dns-eth0.pcap")
tc = fields(resolver, "ip.src", "dns.flags.truncated", "dns.count.answers", display_filter="udp && dns.flags.truncated == 1")
check(len(tc) >= 1 and tc[0][2] == "0", f"a UDP answer arrives truncated (TC set, no records): {tc[:1]}")
over_tcp = fields(resolver, "ip.src", "dns.count.answers", display_filter="tcp && dns.flags.response == 1")
check(any(row[1] == "40" for row in over_tcp), f"the full 40-record answer comes over TCP: {over_tcp}")

# Cache poisoning: forged answers are decoded as DNS from the spoofed bank server.
out = capture("cache-poisoning.toml")
finish()
