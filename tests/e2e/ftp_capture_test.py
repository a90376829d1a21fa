"""The FTP scenarios' captures as Wireshark users see them, checked with tshark: FTP on port 21,
FTP-DATA on each data connection (tshark finds those through PORT and PASV), who opens the data
connection in active and passive mode, ABOR's 426/226 with a reset data connection, TYPE A vs I
sizes, the password in the clear, and FTP vs HTTP (HTTP on port 80; 1 connection persistent,
5 non-persistent).
Usage: ftp_capture_test.py WIRESIM SOURCE_DIR"""
import glob
import os
import sys

from common import capture as common_capture
from common import check, finish, run, temp_dir, tshark_fields, tshark_path

wiresim, root = sys.argv[1], sys.argv[2]
tshark = tshark_path()


def fields(pcap, *names, display_filter=None):
    return tshark_fields(pcap, *names, display_filter=display_filter, aggregator="|")


def capture(scenario):
    return common_capture(wiresim, os.path.join(root, "scenarios/ftp", scenario))


def syns(pcap):
    """(source, source port, destination, destination port) of every connection-opening SYN."""
    return [tuple(r) for r in fields(pcap, "ip.src", "tcp.srcport", "ip.dst", "tcp.dstport",
                                     display_filter="tcp.flags.syn == 1 && tcp.flags.ack == 0")]


# Every FTP scenario runs and passes; every packet decodes cleanly; every payload on port 21 is
# FTP, and every data connection carrying bytes is FTP-DATA.
for path in sorted(glob.glob(os.path.join(root, "scenarios/ftp/*.toml"))):
    name = os.path.basename(path)
    out = capture(name)
    for pcap in sorted(glob.glob(os.path.join(out, "*.pcap"))):
        where = f"{name} {os.path.basename(pcap)}"
        rows = fields(pcap, "frame.protocols", "tcp.srcport", "tcp.dstport", "tcp.len", "_ws.expert.severity")
        bad = [r for r in rows if "_ws.malformed" in r[0] or any(s and int(s) >= 0x800000 for s in r[4].split("|"))]
        check(not bad, f"{where}: no malformed packet or expert error ({len(bad)})")
        control = [r for r in rows if r[3] and int(r[3]) > 0 and "21" in (r[1], r[2])]
        dissected = [r for r in control if "ftp" in r[0].split(":")]
        check(control and len(control) == len(dissected),
              f"{where}: tshark dissects all {len(control)} port-21 payloads as FTP ({len(dissected)})")
        # Out-of-order and retransmitted segments (the slow link's drops) wait for TCP reassembly.
        data = [r for r in rows if r[3] and int(r[3]) > 0 and not {"21", "80"} & {r[1], r[2]} and not r[4]]
        as_data = [r for r in data if "ftp-data" in r[0].split(":")]
        check(data and len(data) == len(as_data),
              f"{where}: all {len(data)} in-order data-connection payloads are FTP-DATA ({len(as_data)})")

# Active: PORT names the client's port; the server's SYN comes from port 20 to exactly that port.
# Passive: 227 names the server's port; the client's SYN goes to exactly that port.
out = capture("active-vs-passive.toml")
client = os.path.join(out, "bob-pc-eth0.pcap")
ports = fields(client, "ftp.active.cip", "ftp.active.port", display_filter="ftp.request.command == \"PORT\"")
check(ports == [["10.0.1.10", "40000"]], f"PORT names 10.0.1.10:40000: {ports}")
passive = fields(client, "ftp.passive.ip", "ftp.passive.port", display_filter="ftp.response.code == 227")
check(passive == [["203.0.113.21", "50000"]], f"227 names 203.0.113.21:50000: {passive}")
opened = syns(client)
check(("203.0.113.21", "20", "10.0.1.10", "40000") in opened,
      f"active: the server opens the data connection from port 20 to the PORT port: {opened}")
data_syns = [s for s in opened if s[3] not in ("21", "40000")]
check(len(data_syns) == 1 and data_syns[0][0] == "10.0.1.10" and data_syns[0][2:] == ("203.0.113.21", "50000"),
      f"passive: the client opens the data connection to the 227 port: {data_syns}")
ftp_data = fields(client, "tcp.srcport", "tcp.dstport", "ftp-data.command", display_filter="ftp-data")
check(["20", "40000", "RETR notes.txt"] in ftp_data and ["50000", data_syns[0][1] if data_syns else "", "RETR notes.txt"] in ftp_data,
      f"tshark ties both data connections to RETR notes.txt: {ftp_data}")
server_side = syns(os.path.join(out, "ftp-server-eth0.pcap"))
check(server_side == opened, "the server's capture shows the same SYNs as the client's")

# ABOR: on the control connection, then 426 and 226; the data connection is reset, unfinished.
out = capture("abort-download.toml")
client = os.path.join(out, "alice-pc-eth0.pcap")
requests = [r[0] for r in fields(client, "ftp.request.command", display_filter="ftp.request.command")]
check("ABOR" in requests and requests.index("ABOR") > requests.index("RETR"), f"ABOR follows RETR: {requests}")
codes = [c for r in fields(client, "ftp.response.code", display_filter="ftp.response.code") for c in r[0].split("|")]
# Both replies leave in one segment; tshark's FTP dissector reads only its first line.
payload = "".join(bytes.fromhex(r[0]).decode() for r in fields(client, "tcp.payload", display_filter="ftp.response.code == 426"))
check(payload == "426 Connection closed; transfer aborted.\r\n226 Closing data connection.\r\n",
      f"the server answers 426 then 226: {payload!r}")
resets = fields(client, "tcp.srcport", display_filter="tcp.flags.reset == 1 && tcp.srcport == 50000")
check(len(resets) >= 1, f"the server resets the data connection ({len(resets)} RST)")
received = sum(int(r[0]) for r in fields(client, "tcp.len", display_filter="ftp-data && tcp.srcport == 50000"))
check(0 < received < 10_000_000, f"only part of the 10 MB crossed before the abort ({received} bytes)")

# TYPE A turns each LF into CRLF on the wire: 106 bytes in ASCII, 102 in binary.
out = capture("type-ascii-vs-binary.toml")
client = os.path.join(out, "carol-pc-eth0.pcap")
sizes = {}
for port, length in fields(client, "tcp.srcport", "tcp.len", display_filter="ftp-data"):
    sizes[port] = sizes.get(port, 0) + int(length)
check(sorted(sizes.values()) == [102, 106], f"the two data connections carry 106 and 102 bytes: {sizes}")
types = [r[0] for r in fields(client, "ftp.request.arg", display_filter="ftp.request.command == \"TYPE\"")]
check(types == ["I", "A", "I"], f"TYPE I (after login), A, I: {types}")

# Types, structures and modes: the same 102-byte file four ways on the wire.
out = capture("types-structures-modes.toml")
client = os.path.join(out, "carol-pc-eth0.pcap")
data = {}
for port, payload in fields(client, "tcp.srcport", "tcp.payload", display_filter="ftp-data && tcp.len > 0"):
    data[port] = data.get(port, b"") + bytes.fromhex(payload)
image, ebcdic, records, pages, blocks, compressed = (data.get(str(p), b"") for p in range(50000, 50006))
check(len(image) == 102 and image.startswith(b"The data"), f"TYPE I: the file as it is ({len(image)} bytes)")
check(len(ebcdic) == 102 and ebcdic[0] == 0xE3 and ebcdic.count(0x15) == 4,
      f"TYPE E: 'T' is 0xE3, each line ends in NL 0x15: {ebcdic[:4].hex()}")
check(records == image.replace(b"\n", b"\xff\x01")[:-2] + b"\xff\x03",
      f"STRU R: EOR after each line, EOR+EOF after the last: {records[-4:].hex()}")
check(blocks == b"\x00\x00\x66" + image + b"\x40\x00\x00",
      f"MODE B: a header (0, 102), the data, an empty EOF block: {blocks[:3].hex()} ... {blocks[-3:].hex()}")
check(pages == b"\x04\x00\x66\x01" + image + b"\x04\x01\x00\x00",
      f"STRU P: a simple page (4, 0, 102, 1), the data, the last page (4, 1, 0, 0): {pages[:4].hex()} ... {pages[-4:].hex()}")


def uncompress(stream, filler=b" "):
    """RFC 959 3.4.3, read here independently of wiresim: (the data, the kinds of header seen)."""
    out, kinds, at = b"", set(), 0
    while at < len(stream):
        head = stream[at]
        at += 1
        if head == 0:
            kinds.add("escape")
            assert stream[at] == 0x40 and at + 1 == len(stream), "the EOF escape ends the stream"
            return out, kinds
        if head & 0x80 == 0:
            kinds.add("string")
            out += stream[at:at + head]
            at += head
        elif head & 0x40 == 0:
            kinds.add("replicated")
            out += stream[at:at + 1] * (head & 0x3F)
            at += 1
        else:
            kinds.add("filler")
            out += filler * (head & 0x3F)
    raise AssertionError("no EOF escape")


table = ("name        room      mark\n" + "-" * 30 + "\nalice       A12          9\n"
         "bob         B7          10\ncarol       C3           8\n").replace("\n", "\r\n").encode()
plain, kinds = uncompress(compressed)
check(plain == table and kinds == {"string", "replicated", "filler", "escape"} and len(compressed) == 68,
      f"MODE C: the table's {len(table)} ASCII bytes in {len(compressed)}: byte strings, a replicated dash, "
      f"filler strings for the spaces, the EOF escape ({sorted(kinds)})")

# The password, read back from the capture as the scenario's comment says.
out = capture("password-in-the-clear.toml")
password = run([tshark, "-r", os.path.join(out, "erin-laptop-eth0.pcap"), "-Y", "ftp.request.command==PASS",
                "-T", "fields", "-e", "ftp.request.arg"]).stdout.strip()
check(password == "tr0ub4dor&3", f"PASS crosses in the clear: {password!r}")

# A wrong password: 530, then 230 on the same control connection.
out = capture("wrong-password.toml")
codes = [c for r in fields(os.path.join(out, "dave-pc-eth0.pcap"), "ftp.response.code", display_filter="ftp.response.code")
         for c in r[0].split("|")]
check("530" in codes and "230" in codes and codes.index("530") < codes.index("230"), f"530 before 230: {codes}")

# FTP vs HTTP: the same five files by FTP, by persistent HTTP (10 s) and by non-persistent HTTP
# (20 s). Port 80 carries HTTP, as tshark sees it; the SYNs to port 80 are 1 then 5.
out = capture("ftp-vs-http.toml")
client = os.path.join(out, "dana-pc-eth0.pcap")
rows = fields(client, "frame.protocols", "tcp.srcport", "tcp.dstport", "tcp.len")
http_heads = [r for r in rows if "http" in r[0].split(":")]
requests = fields(client, "http.request.method", "http.request.uri", display_filter="http.request")
check([r[0] for r in requests] == ["GET"] * 10 and len({r[1] for r in requests}) == 5,
      f"tshark dissects 10 GET requests for 5 paths on port 80: {requests}")
codes = [r[0] for r in fields(client, "http.response.code", display_filter="http.response")]
check(codes == ["200"] * 10, f"tshark dissects 10 responses, all 200: {codes}")
check(all("80" in (r[1], r[2]) for r in http_heads), "every HTTP frame is on port 80")
syn_times = fields(client, "frame.time_relative", "tcp.dstport", display_filter="tcp.flags.syn == 1 && tcp.flags.ack == 0")
to_80 = [float(t) for t, port in syn_times if port == "80"]
# Times count from the capture's first frame, the FTP SYN at 1 s: the fetches begin at 9 and 19.
persistent = [t for t in to_80 if 9 <= t < 19]
separate = [t for t in to_80 if t >= 19]
check(len(persistent) == 1, f"the persistent fetch opens 1 TCP connection to port 80: {persistent}")
check(len(separate) == 5, f"the non-persistent fetch opens 5 TCP connections to port 80: {separate}")
ftp_syns = [port for t, port in syn_times if float(t) < 9]
check(len(ftp_syns) == 6 and ftp_syns[0] == "21", f"FTP opens 6 connections, port 21 first: {ftp_syns}")
closes = fields(client, "http.connection", display_filter="http.request && http.connection")
check([r[0] for r in closes] == ["close"] * 5, f"only the 5 non-persistent requests say Connection: close: {closes}")

finish()
