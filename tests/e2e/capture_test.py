"""Captures as Wireshark users see them, checked with tshark.
Usage: capture_test.py WIRESIM SOURCE_DIR"""
import os
import shutil
import sys

from common import bulk_pattern, check, finish, run, temp_dir

wiresim, root = sys.argv[1], sys.argv[2]
tshark = shutil.which("tshark")
check(tshark is not None, "tshark is installed (scripts/setup.sh installs it)")
if not tshark:
    finish()

tmp = temp_dir()
r = run([wiresim, "run", os.path.join(root, "scenarios/basics/tcp-bulk-lossy.toml"), "--pcap", tmp])
check(r.returncode == 0, "the lossy bulk transfer runs and passes its expectations")
alice = os.path.join(tmp, "alice-eth0.pcap")
bob = os.path.join(tmp, "bob-eth0.pcap")


def fields(pcap, *names, display_filter=None, options=()):
    args = [tshark, "-r", pcap, "-T", "fields"] + [x for n in names for x in ("-e", n)]
    for o in options:
        args += ["-o", o]
    if display_filter:
        args += ["-Y", display_filter]
    out = run(args)
    return [line.split("\t") for line in out.stdout.splitlines()]


flags = fields(alice, "tcp.flags.str")[:3]
flags = [f[0].replace("\u00b7", "").strip() for f in flags]
check(flags == ["S", "AS", "A"], f"the capture opens with SYN, SYN-ACK, ACK (got {flags})")

retransmissions = fields(alice, "frame.number", display_filter="tcp.analysis.retransmission or tcp.analysis.fast_retransmission")
check(len(retransmissions) > 0, f"tshark flags retransmissions ({len(retransmissions)})")
fast = fields(alice, "frame.number", display_filter="tcp.analysis.fast_retransmission")
check(len(fast) > 0, f"tshark flags fast retransmissions ({len(fast)})")

checks = ("ip.check_checksum:TRUE", "tcp.check_checksum:TRUE")
bad = fields(alice, "frame.number", display_filter="ip.checksum.status == 0 or tcp.checksum.status == 0", options=checks)
good = fields(alice, "frame.number", display_filter="ip.checksum.status == 1 and tcp.checksum.status == 1", options=checks)
total = fields(alice, "frame.number")
check(len(bad) == 0 and len(good) == len(total), f"every checksum verifies ({len(good)} of {len(total)} good)")

# Follow TCP stream on the receiver's capture: the bytes the application sent, in order, exactly.
out = run([tshark, "-r", bob, "-q", "-z", "follow,tcp,raw,0"]).stdout
client_hex = []
started = False
for line in out.splitlines():
    if line.startswith("Node 1:"):
        started = True
        continue
    if not started or line.startswith("=") or not line.strip():
        continue
    if not line.startswith("\t"):
        client_hex.append(line.strip())
data = bytes.fromhex("".join(client_hex))
expected = bulk_pattern(2_000_000)
check(len(data) == len(expected), f"follow-stream returns {len(data)} bytes, as many as were sent")
check(data == expected, "follow-stream returns exactly the bytes sent")

finish()
