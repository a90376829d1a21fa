"""The e-mail scenarios' captures as Wireshark users see them, checked with tshark: SMTP, IMF,
POP and IMAP dissected; the textbook dialogue; AUTH in the clear; the attachment byte for byte.
Usage: mail_capture_test.py WIRESIM SOURCE_DIR"""
import base64
import email
import email.policy
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
    return common_capture(wiresim, os.path.join(root, "scenarios/email", scenario))


def stream_bytes(pcap, port):
    """The bytes each side sent on the first TCP connection to `port`: (client, server)."""
    rows = fields(pcap, "tcp.stream", display_filter=f"tcp.dstport == {port} && tcp.flags.syn == 1 && tcp.flags.ack == 0")
    if not rows:
        return b"", b""
    out = run([tshark, "-r", pcap, "-q", "-z", f"follow,tcp,raw,{rows[0][0]}"]).stdout
    client, server = b"", b""
    for line in out.splitlines():
        if not line.strip() or line.startswith(("=", "Follow", "Filter", "Node")):
            continue
        data = bytes.fromhex(line.strip())
        if line.startswith("\t"):
            server += data
        else:
            client += data
    return client, server


PORTS = {25: "smtp", 587: "smtp", 110: "pop", 143: "imap", 80: "http"}

# Every packet of every e-mail scenario decodes cleanly, and every TCP payload on a mail port is
# dissected as its protocol. One tshark pass per capture: protocols and expert severity per frame.
for path in sorted(glob.glob(os.path.join(root, "scenarios/email/*.toml"))):
    name = os.path.basename(path)
    out = capture(name)
    for pcap in sorted(glob.glob(os.path.join(out, "*.pcap"))):
        where = f"{name} {os.path.basename(pcap)}"
        rows = fields(pcap, "frame.protocols", "tcp.srcport", "tcp.dstport", "tcp.len", "_ws.expert.severity",
                      "tcp.analysis.retransmission", "tcp.analysis.out_of_order")
        bad = [r for r in rows if "_ws.malformed" in r[0] or any(s and int(s) >= 0x800000 for s in r[4].split("|"))]
        check(not bad, f"{where}: no malformed packet or expert error ({len(bad)})")
        for port, proto in PORTS.items():
            # A segment sent again (after a loss: unknown-recipient's 4 MB message overflows a
            # queue) repeats bytes already dissected, and Wireshark does not dissect them twice.
            payload = [r for r in rows if r[3] and int(r[3]) > 0 and str(port) in (r[1], r[2]) and not (r[5] or r[6])]
            if not payload:
                continue
            dissected = [r for r in payload if proto in r[0].split(":") or "imf" in r[0].split(":")]
            check(len(payload) == len(dissected),
                  f"{where}: tshark dissects all {len(payload)} port-{port} payloads as {proto.upper()} ({len(dissected)})")

# The textbook dialogue, as tshark reads it at hamburger.edu's server.
out = capture("alice-to-bob.toml")
server = os.path.join(out, "hamburger-mail-eth0.pcap")
commands = [r[0] for r in fields(server, "smtp.req.command", display_filter="smtp.req.command && tcp.port == 25")]
check(commands == ["HELO", "MAIL", "RCPT", "DATA", "QUIT"], f"crepes.fr's MTA sends HELO, MAIL, RCPT, DATA, QUIT: {commands}")
codes = [c for r in fields(server, "smtp.response.code", display_filter="smtp.response.code && tcp.port == 25")
         for c in r[0].split("|")]
check(codes == ["220", "250", "250", "250", "354", "250", "221"], f"hamburger.edu answers 220 250 250 250 354 250 221: {codes}")
imf = fields(server, "imf.from", "imf.to", "imf.subject", display_filter="imf")
check(imf == [["Alice <alice@crepes.fr>", "Bob <bob@hamburger.edu>", "Lunch"]], f"IMF shows From, To, Subject: {imf}")
client, _ = stream_bytes(server, 25)
check(b"\r\nDo you like ketchup?\r\nHow about pickles?\r\n.\r\n" in client, "the message text and the final dot cross port 25")
check(b"Received: from alice-pc" in client, "crepes.fr's MTA added its Received: line")

# AUTH PLAIN crosses in the clear on the submission port: read the password back.
submission = os.path.join(out, "crepes-mail-eth0.pcap")
auth = fields(submission, "smtp.req.parameter", display_filter="smtp.req.command == \"AUTH\"")
decoded = base64.b64decode(auth[0][0].split()[1]) if auth else b""
check(decoded == b"\0alice\0ketchup", f"AUTH PLAIN in the capture decodes to user alice, password ketchup: {decoded!r}")
pop = [r[0] for r in fields(os.path.join(out, "bob-pc-eth0.pcap"), "pop.request.command", display_filter="pop.request.command")]
check(pop == ["CAPA", "USER", "PASS", "STAT", "LIST", "UIDL", "RETR", "QUIT"], f"Bob's POP3 session: {pop}")

# The attachment survives SMTP, the store and IMAP FETCH byte for byte.
out = capture("mime-attachment.toml")
submitted, _ = stream_bytes(os.path.join(out, "alice-pc-eth0.pcap"), 587)
start = submitted.find(b"\r\n\r\n", submitted.find(b"DATA\r\n"))
data = submitted[submitted.find(b"DATA\r\n") + 6:submitted.rfind(b"\r\n.\r\n") + 2]
sent = email.message_from_bytes(data, policy=email.policy.default)
sent_png = [p.get_content() for p in sent.iter_attachments() if p.get_content_type() == "image/png"]
check(len(sent_png) == 1 and sent_png[0].startswith(b"\x89PNG\r\n\x1a\n"), "Alice's user agent sent a real PNG attachment")
check(b"Subject: Photo du =?utf-8?B?ZMOpamV1bmVy?=" in data and sent["Subject"] == "Photo du déjeuner",
      f"the non-ASCII subject goes as an RFC 2047 encoded-word, and Python decodes it back ({sent['Subject']!r})")
_, imap_server = stream_bytes(os.path.join(out, "bob-pc-eth0.pcap"), 143)
literal_at = imap_server.find(b"BODY[] {")
size = int(imap_server[literal_at + 8:imap_server.find(b"}", literal_at)])
body_start = imap_server.find(b"\r\n", literal_at) + 2
fetched = email.message_from_bytes(imap_server[body_start:body_start + size], policy=email.policy.default)
got_png = [p.get_content() for p in fetched.iter_attachments() if p.get_content_type() == "image/png"]
check(got_png == sent_png, "the PNG Bob fetched with BODY[] is byte for byte the one Alice sent")
part_at = imap_server.find(b"BODY[2] {")
part_size = int(imap_server[part_at + 9:imap_server.find(b"}", part_at)])
part_start = imap_server.find(b"\r\n", part_at) + 2
part = base64.b64decode(imap_server[part_start:part_start + part_size])
check(sent_png and part == sent_png[0], "BODY[2] (the attachment alone) decodes to the same PNG")
html = [p for p in fetched.walk() if p.get_content_type() == "text/html"]
check(html and "<b>déjeuner</b>" in html[0].get_content() and fetched.get_body(("html",)) is html[0],
      "the HTML alternative decodes, and a reader that prefers HTML picks it")
text = [p for p in fetched.walk() if p.get_content_type() == "text/plain"]
check(text and text[0]["Content-Transfer-Encoding"] == "quoted-printable" and "Voilà" in text[0].get_content(),
      "the 8-bit text was made quoted-printable for a server without 8BITMIME, and decodes back")
imf_types = fields(os.path.join(out, "hamburger-mail-eth0.pcap"), "mime_multipart.header.content-type",
                   display_filter="imf && tcp.port == 25")
check(imf_types and "image/png" in imf_types[0][0], f"tshark shows the image/png part inside IMF: {imf_types}")

# IMAP: the second device's changes reach the first at its NOOP.
out = capture("imap-folders-sync.toml")
laptop = os.path.join(out, "bob-laptop-eth0.pcap")
_, said = stream_bytes(laptop, 143)
check(b"* 1 EXPUNGE\r\n" in said and b"* 3 EXISTS\r\n" in said, "the laptop hears * 1 EXPUNGE and * 3 EXISTS")
requests = [r[0] for r in fields(os.path.join(out, "bob-pc-eth0.pcap"), "imap.request", display_filter="imap.request")]
check(any("COPY 1 Work/Projects" in r for r in requests), f"bob-pc files a message into Work/Projects: {requests[:6]}")

finish()
