"""Real mail clients against `wiresim serve`: Python's smtplib, poplib and imaplib, and curl,
talk to the mail-server engines of tests/e2e/mail_clients.toml on 127.0.0.1.
Usage: mail_clients_test.py WIRESIM SOURCE_DIR

The sections run in order and share one server: what SMTP delivers, POP3 and IMAP read back.
A failure in one section is reported and the next section still runs. Checks of the IMAP
engine say "IMAP engine:" in their message."""
import base64
import email
import email.policy
import email.utils
import imaplib
import os
import poplib
import re
import shutil
import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage

from common import ServeProcess, check, finish, raises, run_clients, section, temp_dir

TIMEOUT = 5  # seconds for every socket and curl call: a hang fails instead of blocking CI
WATCHDOG = 30  # seconds for the whole test: after this the server is stopped

wiresim, root = sys.argv[1], sys.argv[2]
scenario = os.path.join(root, "tests/e2e/mail_clients.toml")
tmp = temp_dir()

# ---- the messages SMTP sends to bob, in the order they land in his INBOX ----

BLOB = bytes(range(256)) * 3 + b"\x00\r\n.\r\n\xff"  # every byte value, a CRLF and a lone "."


def crlf(text):
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


PLAIN = crlf("From: Carol <carol@example.com>\nTo: Bob <bob@hamburger.edu>\nSubject: Hello Bob\n"
             "Message-ID: <plain@example.com>\n\nHi Bob,\nsee you at lunch.\n")
DOTS = crlf("From: Dave <dave@example.com>\nTo: bob@hamburger.edu\nSubject: Dots\n\n"
            "The next lines start with dots.\n.hidden\n..two dots\n.\n. \nend\n")
UTF8 = ("From: Erin <erin@example.com>\r\nTo: bob@hamburger.edu\r\nSubject: Umlaute\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Grüße aus Köln \u2615, 東京\r\n").encode("utf-8")


def attachment_message():
    m = EmailMessage()
    m["From"] = "Frank <frank@example.com>"
    m["To"] = "bob@hamburger.edu"
    m["Subject"] = "Blob attached"
    m.set_content("The blob is attached.\n")
    m.add_attachment(BLOB, maintype="application", subtype="octet-stream", filename="blob.bin")
    return m


SUBMITTED = crlf("From: Alice <alice@hamburger.edu>\nTo: bob@hamburger.edu\nSubject: Lunch?\n\n"
                 "Do you like ketchup?\n")
CURL_MAIL = crlf("From: Gina <gina@example.com>\nTo: bob@hamburger.edu\nSubject: Sent by curl\n\nHello from curl.\n")


def delivered(stored, sent):
    """The stored message is the sent one under the trace fields the servers put on top."""
    return stored.endswith(sent) and stored.startswith(b"Return-Path: <")


# ---- the server ----

# ---- 1. smtplib on the MTA port ----

def smtp_mta(port):
    s = smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT)
    code, _ = s.ehlo("client.example.com")
    check(code == 250, f"smtp: EHLO is answered 250 (got {code})")
    for feature in ("size", "8bitmime", "pipelining"):
        check(s.has_extn(feature), f"smtp: EHLO offers {feature.upper()} (features {sorted(s.esmtp_features)})")
    check(not s.has_extn("auth"), "smtp: port 25 offers no AUTH")

    refused = s.sendmail("carol@example.com", ["bob@hamburger.edu"], PLAIN)
    check(refused == {}, f"smtp: sendmail to bob is accepted (refused {refused})")

    e = raises("smtp: sendmail to nobody", lambda: s.sendmail("carol@example.com", ["nobody@hamburger.edu"], PLAIN),
               smtplib.SMTPRecipientsRefused)
    got = e.recipients.get("nobody@hamburger.edu", (None,))[0] if e else None
    check(got == 550, f"smtp: an unknown recipient raises SMTPRecipientsRefused with 550 (got {e!r}, code {got})")

    code, text = s.verify("bob")
    check(code == 250 and b"bob@hamburger.edu" in text, f"smtp: VRFY bob is 250 <bob@hamburger.edu> (got {code} {text!r})")
    code, text = s.verify("nobody")
    check(code == 550, f"smtp: VRFY nobody is 550 (got {code} {text!r})")
    code, text = s.expn("staff")
    members = text.decode().split("\n") if code == 250 else []
    check(members == ["<bob@hamburger.edu>", "<alice@hamburger.edu>"],
          f"smtp: EXPN staff lists bob and alice (got {code} {text!r})")
    code, text = s.expn("nobody")
    check(code == 550, f"smtp: EXPN of a name that is no list is 550 (got {code} {text!r})")

    s.mail("carol@example.com")
    s.rcpt("bob@hamburger.edu")
    code, _ = s.rset()
    check(code == 250, f"smtp: RSET is 250 (got {code})")
    code, text = s.docmd("DATA")
    check(code == 503, f"smtp: after RSET, DATA has no transaction: 503 (got {code} {text!r})")
    code, _ = s.noop()
    check(code == 250, f"smtp: NOOP is 250 (got {code})")

    refused = s.sendmail("dave@example.com", ["bob@hamburger.edu"], DOTS)
    check(refused == {}, "smtp: the message with lines starting with '.' is accepted")
    refused = s.sendmail("erin@example.com", ["bob@hamburger.edu"], UTF8, mail_options=["BODY=8BITMIME"])
    check(refused == {}, "smtp: the 8-bit UTF-8 message is accepted with BODY=8BITMIME")
    refused = s.send_message(attachment_message())
    check(refused == {}, "smtp: send_message of an EmailMessage with an attachment is accepted")

    e = raises("smtp: relaying", lambda: s.sendmail("carol@example.com", ["carol@crepes.fr"], PLAIN),
               smtplib.SMTPRecipientsRefused)
    got = e.recipients.get("carol@crepes.fr", (None, b""))if e else (None, b"")
    check(got[0] == 550, f"smtp: relaying to crepes.fr without AUTH is refused with 550 (got {got[0]} {got[1]!r})")

    code, text = s.docmd("MAIL FROM:<carol@example.com> SIZE=18446744073709551616")
    check(code == 552, f"smtp: a 20-digit SIZE is over the limit: 552 (RFC 1870 4) (got {code} {text!r})")
    code, text = s.docmd("BOGUS")
    check(code == 500, f"smtp: an unknown command is 500 (got {code} {text!r})")
    code, _ = s.quit()
    check(code == 221, f"smtp: QUIT is 221 (got {code})")


# ---- 2. smtplib on the submission port ----

def submission(port):
    s = smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT)
    s.ehlo("alice-pc")
    auth = s.esmtp_features.get("auth", "").upper().split()
    check("PLAIN" in auth and "LOGIN" in auth, f"submission: EHLO offers AUTH PLAIN LOGIN (got {auth})")
    e = raises("submission: sending without login",
               lambda: s.sendmail("alice@hamburger.edu", ["bob@hamburger.edu"], SUBMITTED), smtplib.SMTPSenderRefused)
    check(e is not None and e.smtp_code == 530,
          f"submission: sending without login fails with 530 (got {getattr(e, 'smtp_code', e)!r})")
    e = raises("submission: wrong password", lambda: s.login("alice", "mustard"), smtplib.SMTPAuthenticationError)
    check(e is not None and e.smtp_code == 535,
          f"submission: a wrong password fails with 535 (got {getattr(e, 'smtp_code', e)!r})")
    s.user, s.password = "alice", "ketchup"
    code, text = s.auth("PLAIN", s.auth_plain)
    check(code == 235, f"submission: AUTH PLAIN as alice is 235 (got {code} {text!r})")
    refused = s.sendmail("alice@hamburger.edu", ["bob@hamburger.edu"], SUBMITTED)
    check(refused == {}, "submission: after AUTH PLAIN the message to bob is accepted")
    s.quit()

    # AUTH LOGIN, with the user name as initial response (smtplib's default) and without it.
    for initial in (True, False):
        s = smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT)
        s.ehlo("alice-pc")
        s.user, s.password = "alice", "ketchup"
        how = "with" if initial else "without"
        code, text = s.auth("LOGIN", s.auth_login, initial_response_ok=initial)
        check(code == 235, f"submission: AUTH LOGIN {how} an initial response is 235 (got {code} {text!r})")
        s.rset()
        s.quit()
    s = smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT)
    s.ehlo("alice-pc")
    s.user, s.password = "alice", "mustard"
    e = raises("submission: AUTH LOGIN with a wrong password", lambda: s.auth("LOGIN", s.auth_login),
               smtplib.SMTPAuthenticationError)
    check(e is not None and e.smtp_code == 535,
          f"submission: AUTH LOGIN with a wrong password is 535 (got {getattr(e, 'smtp_code', e)!r})")
    s.close()


# ---- 3. poplib ----

def pop3(port):
    p = poplib.POP3("127.0.0.1", port, timeout=TIMEOUT)
    p.user("bob")
    p.pass_("pickles")
    count, octets = p.stat()
    check(count == 5, f"pop3: STAT counts bob's 5 messages (got {count} {octets})")
    _, listing, _ = p.list()
    sizes = [int(x.split()[1]) for x in listing]
    check(len(sizes) == 5 and sum(sizes) == octets, f"pop3: LIST gives 5 sizes adding up to STAT's {octets} (got {listing})")
    _, uidls, _ = p.uidl()
    ids = [x.split()[1] for x in uidls]
    check(len(ids) == 5 and len(set(ids)) == 5, f"pop3: UIDL gives 5 distinct ids (got {uidls})")
    _, top, _ = p.top(1, 0)
    check(b"Subject: Hello Bob" in top and b"Hi Bob," not in top, f"pop3: TOP 1 0 gives the header only (got {top})")

    def retr(n):
        _, lines, size = p.retr(n)
        return b"\r\n".join(lines) + b"\r\n", size

    messages = [retr(n)[0] for n in range(1, 6)]
    lengths = [len(x) for x in messages]
    check(lengths == sizes, f"pop3: LIST sizes are the octets RETR gives (LIST {sizes}, RETR {lengths})")
    check(delivered(messages[0], PLAIN), "pop3: RETR 1 gives the plain message as sent")
    check(delivered(messages[1], DOTS), "pop3: RETR 2 gives the lines starting with '.' intact (dot-stuffing both ways)")
    check(delivered(messages[2], UTF8), "pop3: RETR 3 gives the 8-bit UTF-8 body byte for byte")
    parsed = email.message_from_bytes(messages[3], policy=email.policy.default)
    parts = [part for part in parsed.iter_attachments()]
    blob = parts[0].get_content() if parts else None
    check(blob == BLOB, f"pop3: RETR 4's attachment decodes to the original {len(BLOB)} bytes (got {len(blob or b'')})")
    check(delivered(messages[4], SUBMITTED), "pop3: RETR 5 gives the message alice submitted")
    check(b"with ESMTPA" in messages[4], "pop3: the submitted message's Received field says ESMTPA")

    e = raises("pop3: second session", lambda: second_pop3(port), poplib.error_proto)
    check(e is not None and b"[IN-USE]" in e.args[0],
          f"pop3: a second session while bob's is open gets -ERR [IN-USE] (got {e!r})")

    p.dele(5)
    count, _ = p.stat()
    check(count == 4, f"pop3: after DELE 5, STAT counts 4 (got {count})")
    p.rset()
    count, _ = p.stat()
    check(count == 5, f"pop3: RSET undoes DELE: STAT counts 5 again (got {count})")
    p.dele(5)
    p.quit()

    p = poplib.POP3("127.0.0.1", port, timeout=TIMEOUT)
    check(b"<" in p.welcome, f"pop3: the greeting carries an APOP timestamp (got {p.welcome!r})")
    p.apop("bob", "pickles")
    count, _ = p.stat()
    check(count == 4, f"pop3: APOP logs in, and DELE + QUIT removed one: 4 messages left (got {count})")
    p.quit()

    p = poplib.POP3("127.0.0.1", port, timeout=TIMEOUT)
    p.user("bob")
    e = raises("pop3: wrong password", lambda: p.pass_("mustard"), poplib.error_proto)
    check(e is not None and e.args[0].startswith(b"-ERR"), f"pop3: a wrong password gets -ERR (got {e!r})")
    e = raises("pop3: wrong APOP digest", lambda: p.apop("bob", "mustard"), poplib.error_proto)
    check(e is not None, f"pop3: APOP with a wrong secret gets -ERR (got {e!r})")
    p.quit()


def second_pop3(port):
    q = poplib.POP3("127.0.0.1", port, timeout=TIMEOUT)
    try:
        q.user("bob")
        q.pass_("pickles")
    finally:
        q.close()


# ---- 4. imaplib ----

def imap_ok(what, result):
    typ, data = result
    check(typ == "OK", f"IMAP engine: {what} is OK (got {typ} {data})")
    return data


def folders(m):
    _, data = m.list()
    names = []
    for line in data:
        found = re.match(rb'^\(.*?\) (?:"."|NIL) "?([^"]*)"?$', line or b"")
        if found:
            names.append(found.group(1).decode())
    return sorted(names)


def imap(port):
    m = imaplib.IMAP4("127.0.0.1", port, timeout=TIMEOUT)
    imap_ok("LOGIN bob", m.login("bob", "pickles"))
    data = imap_ok("CAPABILITY", m.capability())
    check(b"IMAP4rev1" in data[0], f"IMAP engine: CAPABILITY lists IMAP4rev1 (got {data})")

    check(folders(m) == ["INBOX"], f"IMAP engine: LIST shows INBOX only at first (got {folders(m)})")
    imap_ok("CREATE Work", m.create("Work"))
    imap_ok("CREATE Work/2024", m.create("Work/2024"))
    check(folders(m) == ["INBOX", "Work", "Work/2024"], f"IMAP engine: LIST shows Work and Work/2024 (got {folders(m)})")
    typ, data = m.list('""', "Work/%")
    check(typ == "OK" and len(data) == 1 and b"Work/2024" in (data[0] or b""),
          f"IMAP engine: LIST \"\" Work/% shows the child (got {typ} {data})")
    imap_ok("RENAME Work Projects", m.rename("Work", "Projects"))
    check(folders(m) == ["INBOX", "Projects", "Projects/2024"],
          f"IMAP engine: RENAME takes the children along (got {folders(m)})")
    imap_ok("DELETE Projects/2024", m.delete("Projects/2024"))
    imap_ok("DELETE Projects", m.delete("Projects"))
    imap_ok("CREATE Archive", m.create("Archive"))
    check(folders(m) == ["Archive", "INBOX"], f"IMAP engine: after DELETE only Archive and INBOX are left (got {folders(m)})")

    typ, data = m.select("INBOX")
    check(typ == "OK" and data == [b"4"], f"IMAP engine: SELECT INBOX finds 4 messages (got {typ} {data})")

    def search(*criteria):
        typ, data = m.search(None, *criteria)
        return data[0].split() if typ == "OK" else [typ]

    check(search("ALL") == [b"1", b"2", b"3", b"4"], f"IMAP engine: SEARCH ALL (got {search('ALL')})")
    check(search("FROM", '"carol"') == [b"1"], f"IMAP engine: SEARCH FROM carol (got {search('FROM', 'carol')})")
    check(search("SUBJECT", "Dots") == [b"2"], f"IMAP engine: SEARCH SUBJECT Dots (got {search('SUBJECT', 'Dots')})")
    check(search("UNSEEN") == [b"1", b"2", b"3", b"4"], f"IMAP engine: SEARCH UNSEEN, nothing read yet (got {search('UNSEEN')})")

    typ, data = m.fetch("1", "(FLAGS ENVELOPE RFC822.SIZE)")
    first = data[0] if typ == "OK" and data else b""
    check(b'"Hello Bob"' in first and b'"carol" "example.com"' in first and b"<plain@example.com>" in first,
          f"IMAP engine: FETCH 1 ENVELOPE has subject, sender and message id (got {first!r})")
    check(b"\\Seen" not in first, f"IMAP engine: FETCH 1 FLAGS has no \\Seen yet (got {first!r})")
    size = re.search(rb"RFC822\.SIZE (\d+)", first)
    typ, data = m.fetch("1", "(BODY.PEEK[HEADER])")
    header = data[0][1] if typ == "OK" and isinstance(data[0], tuple) else b""
    check(b"Subject: Hello Bob\r\n" in header and header.endswith(b"\r\n\r\n") and b"Hi Bob" not in header,
          f"IMAP engine: BODY.PEEK[HEADER] is the header with its blank line (got {header!r})")
    check(search("UNSEEN")[0] == b"1", "IMAP engine: BODY.PEEK does not set \\Seen")
    # RFC 3501 2.3.3: INTERNALDATE of mail delivered by SMTP is the time of final delivery.
    typ, data = m.fetch("1", "(INTERNALDATE)")
    internal = imaplib.Internaldate2tuple(data[0]) if typ == "OK" else None
    received = re.search(rb"Received: [^;]*; ([^\r]*)\r\n", header)
    delivered_at = email.utils.parsedate_to_datetime(received.group(1).decode()).timestamp() if received else None
    check(internal is not None and time.mktime(internal) == delivered_at,
          f"mail server: INTERNALDATE is the time in the Received field (got {data}, Received {received and received.group(1)})")
    typ, data = m.fetch("1", "(BODY[]<0.10>)")
    part = data[0] if typ == "OK" and data else b""
    check(isinstance(part, tuple) and b"BODY[]<0>" in part[0] and part[1] == b"Return-Pat",
          f"IMAP engine: FETCH 1 BODY[]<0.10> gives the first 10 octets (got {part!r})")
    typ, data = m.fetch("1", "(BODY.PEEK[])")
    whole = data[0][1] if typ == "OK" and isinstance(data[0], tuple) else b""
    check(delivered(whole, PLAIN), f"IMAP engine: BODY.PEEK[] of 1 is the message as sent (got {whole[-80:]!r})")
    check(size is not None and int(size.group(1)) == len(whole),
          f"IMAP engine: RFC822.SIZE ({size and size.group(1)}) is the length of BODY[] ({len(whole)})")
    check(search("UNSEEN") == [b"2", b"3", b"4"], f"IMAP engine: BODY[]<0.10> set \\Seen on 1 (UNSEEN {search('UNSEEN')})")

    typ, data = m.fetch("2", "(BODY.PEEK[TEXT])")
    text = data[0][1] if typ == "OK" and isinstance(data[0], tuple) else b""
    check(b"\r\n.hidden\r\n..two dots\r\n.\r\n. \r\n" in text, f"IMAP engine: message 2's dot lines are intact (got {text!r})")
    typ, data = m.fetch("3", "(BODY.PEEK[TEXT])")
    text = data[0][1] if typ == "OK" and isinstance(data[0], tuple) else b""
    check(text == "Grüße aus Köln \u2615, 東京\r\n".encode(), f"IMAP engine: message 3's 8-bit body is intact (got {text!r})")

    typ, data = m.fetch("4", "(BODYSTRUCTURE)")
    structure = data[0] if typ == "OK" and data else b""
    structure = structure if isinstance(structure, bytes) else b"".join(structure)
    check(b'"MIXED"' in structure.upper() and b'"APPLICATION" "OCTET-STREAM"' in structure.upper()
          and b'"BASE64"' in structure.upper() and b'"blob.bin"' in structure,
          f"IMAP engine: BODYSTRUCTURE of 4 is multipart/mixed with the base64 application/octet-stream (got {structure!r})")
    typ, data = m.fetch("4", "(BODY.PEEK[2])")
    encoded = data[0][1] if typ == "OK" and isinstance(data[0], tuple) else b""
    try:
        decoded = base64.b64decode(encoded, validate=False)
    except Exception:  # noqa: BLE001
        decoded = None
    check(decoded == BLOB, f"IMAP engine: BODY[2] of 4 decodes to the original {len(BLOB)} bytes (got {len(decoded or b'')})")

    typ, data = m.store("2", "+FLAGS", "(\\Seen)")
    check(typ == "OK" and b"\\Seen" in (data[0] or b""), f"IMAP engine: STORE 2 +FLAGS (\\Seen) answers the new flags (got {typ} {data})")
    check(search("UNSEEN") == [b"3", b"4"], f"IMAP engine: UNSEEN after STORE (got {search('UNSEEN')})")
    imap_ok("COPY 3 Archive", m.copy("3", "Archive"))
    imap_ok("STORE 3 +FLAGS (\\Deleted)", m.store("3", "+FLAGS", "(\\Deleted)"))
    check(search("DELETED") == [b"3"], f"IMAP engine: SEARCH DELETED (got {search('DELETED')})")
    typ, data = m.expunge()
    check(typ == "OK" and data == [b"3"], f"IMAP engine: EXPUNGE removes 3 (got {typ} {data})")
    check(search("ALL") == [b"1", b"2", b"3"], f"IMAP engine: three messages left (got {search('ALL')})")

    appended = crlf("From: Bob <bob@hamburger.edu>\nTo: bob@hamburger.edu\nSubject: Note to self\n\nBuy pickles.\n")
    typ, data = m.append("INBOX", "(\\Seen \\Flagged)", imaplib.Time2Internaldate(time.time()), appended)
    check(typ == "OK", f"IMAP engine: APPEND with a literal is OK (got {typ} {data})")
    m.noop()
    typ, data = m.fetch("4", "(FLAGS BODY.PEEK[])")
    got = data[0] if typ == "OK" and data else b""
    check(isinstance(got, tuple) and got[1] == appended and b"\\Flagged" in got[0],
          f"IMAP engine: the appended message is 4, byte for byte, with its flags (got {got!r})")

    typ, data = m.uid("SEARCH", "ALL")
    uids = data[0].split() if typ == "OK" else []
    check(len(uids) == 4 and uids[0] == b"1" and b"3" not in uids,
          f"IMAP engine: UID SEARCH ALL gives 4 UIDs without the expunged 3 (got {typ} {data})")
    if uids:
        typ, data = m.uid("FETCH", uids[-1], "(FLAGS)")
        got = data[0] or b""
        check(typ == "OK" and b"UID " + uids[-1] in got and got.startswith(b"4 "),
              f"IMAP engine: UID FETCH {uids[-1].decode()} answers message 4 with its UID (got {typ} {data})")
    typ, data = m.status("INBOX", "(MESSAGES UNSEEN UIDNEXT)")
    check(typ == "OK" and b"MESSAGES 4" in data[0] and b"UNSEEN 1" in data[0],
          f"IMAP engine: STATUS INBOX counts 4 messages, 1 unseen (got {typ} {data})")

    typ, data = m.select("Archive", readonly=True)
    check(typ == "OK" and data == [b"1"], f"IMAP engine: EXAMINE Archive finds the copied message (got {typ} {data})")
    typ, data = m.fetch("1", "(BODY[] FLAGS)")
    got = data[0] if typ == "OK" and data else b""
    check(isinstance(got, tuple) and delivered(got[1], UTF8), f"IMAP engine: the copy in Archive is message 3 (got {got!r})")
    flags = b"".join(x if isinstance(x, bytes) else x[0] for x in data) if typ == "OK" else b""
    check(b"\\Seen" not in flags, f"IMAP engine: BODY[] in an EXAMINEd mailbox does not set \\Seen (got {flags!r})")

    e = raises("imap: an unknown command", lambda: m.xatom("XBOGUS"), imaplib.IMAP4.error)
    check(e is not None and "BAD" in str(e), f"IMAP engine: an unknown command gets BAD (got {e!r})")
    e = raises("imap: FETCH with an unknown item", lambda: m.fetch("1", "(NOSUCHITEM)"), imaplib.IMAP4.error)
    check(e is not None and "BAD" in str(e), f"IMAP engine: FETCH with an unknown item gets BAD (got {e!r})")
    e = raises("imap: a wrong password", lambda: imaplib.IMAP4("127.0.0.1", port, timeout=TIMEOUT).login("bob", "x"),
               imaplib.IMAP4.error)
    check(e is not None, f"IMAP engine: LOGIN with a wrong password fails (got {e!r})")
    typ, _ = m.logout()
    check(typ == "BYE", f"IMAP engine: LOGOUT says BYE (got {typ})")


def imap_two_sessions(port):
    a = imaplib.IMAP4("127.0.0.1", port, timeout=TIMEOUT)
    b = imaplib.IMAP4("127.0.0.1", port, timeout=TIMEOUT)
    a.login("bob", "pickles")
    b.login("bob", "pickles")
    _, data = a.select("INBOX")
    before = int(data[0])
    b.select("INBOX")

    def poll():
        a.untagged_responses.clear()
        typ, _ = a.noop()
        return typ, dict(a.untagged_responses)

    note = crlf("From: Bob <bob@hamburger.edu>\nSubject: From the phone\n\nSent from b.\n")
    b.append("INBOX", None, None, note)
    typ, seen = poll()
    check(typ == "OK" and seen.get("EXISTS") == [str(before + 1).encode()],
          f"IMAP engine: after b's APPEND, a's NOOP reports * {before + 1} EXISTS (got {seen})")

    b.store("1", "+FLAGS", "(\\Flagged)")
    typ, seen = poll()
    fetched = b" ".join(x if isinstance(x, bytes) else x[0] for x in seen.get("FETCH", []))
    check(fetched.startswith(b"1 (") and b"\\Flagged" in fetched,
          f"IMAP engine: after b's STORE, a's NOOP reports * 1 FETCH (FLAGS (... \\Flagged)) (got {seen})")

    b.store(str(before + 1), "+FLAGS", "(\\Deleted)")
    b.expunge()
    typ, seen = poll()
    check(seen.get("EXPUNGE") == [str(before + 1).encode()],
          f"IMAP engine: after b's EXPUNGE, a's NOOP reports * {before + 1} EXPUNGE (got {seen})")
    _, data = a.search(None, "ALL")
    check(len(data[0].split()) == before, f"IMAP engine: a sees {before} messages again (got {data})")
    a.logout()
    b.logout()


# ---- 5. curl ----

def curl(*args):
    r = subprocess.run(["curl", "-s", "-S", "--max-time", str(TIMEOUT)] + list(args), capture_output=True)
    return r.returncode, r.stdout, r.stderr.decode(errors="replace").strip()


def curl_clients(ports):
    mail = os.path.join(tmp, "curl-mail.txt")
    with open(mail, "wb") as f:
        f.write(CURL_MAIL)
    smtp = f"smtp://127.0.0.1:{ports['smtp']}"
    rc, out, err = curl(smtp, "--mail-from", "gina@example.com", "--mail-rcpt", "bob@hamburger.edu", "-T", mail)
    check(rc == 0, f"curl smtp: the upload is accepted (exit {rc}: {err})")
    rc, out, err = curl(smtp, "--mail-from", "gina@example.com", "--mail-rcpt", "nobody@hamburger.edu", "-T", mail)
    check(rc != 0, f"curl smtp: an unknown recipient makes curl fail (exit {rc}: {err})")

    pop3 = f"pop3://127.0.0.1:{ports['pop3']}"
    rc, out, err = curl(pop3 + "/1", "-u", "bob:pickles")
    check(rc == 0 and delivered(out.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"), PLAIN),
          f"curl pop3: /1 retrieves the plain message (exit {rc}: {err}; got {out[-60:]!r})")
    rc, out, err = curl(pop3, "-u", "bob:pickles")
    listing = out.decode(errors="replace").split()
    check(rc == 0 and listing[0::2] == ["1", "2", "3", "4", "5"],
          f"curl pop3: the list has messages 1 to 5, the one curl sent last (exit {rc}: {err}; got {out!r})")
    rc, out, err = curl(pop3 + "/1", "-u", "bob:wrong")
    check(rc != 0, f"curl pop3: a wrong password makes curl fail (exit {rc}: {err})")

    # The list: one message to staff@ lands in alice's INBOX (and bob's).
    rc, out, err = curl(smtp, "--mail-from", "gina@example.com", "--mail-rcpt", "staff@hamburger.edu", "-T", mail)
    check(rc == 0, f"curl smtp: the upload to the list staff is accepted (exit {rc}: {err})")
    rc, out, err = curl(pop3 + "/1", "-u", "alice:ketchup")
    check(rc == 0 and b"Subject: Sent by curl" in out, f"curl pop3: alice got the message sent to staff (exit {rc}: {err}; got {out[-60:]!r})")

    imap = f"imap://127.0.0.1:{ports['imap']}"
    rc, out, err = curl(imap + "/INBOX;UID=1", "-u", "bob:pickles")
    check(rc == 0 and delivered(out, PLAIN), f"IMAP engine: curl imap INBOX;UID=1 retrieves the plain message (exit {rc}: {err}; got {out[-60:]!r})")
    rc, out, err = curl(imap, "-u", "bob:pickles")
    lines = out.decode(errors="replace").splitlines()
    check(rc == 0 and any(line.endswith('"INBOX"') or line.endswith(" INBOX") for line in lines)
          and any("Archive" in line for line in lines),
          f"IMAP engine: curl imap lists the folders INBOX and Archive (exit {rc}: {err}; got {out!r})")


# ---- run ----

check(shutil.which("curl") is not None, "curl is installed")
server = ServeProcess(wiresim, scenario, "mail", TIMEOUT)


def clients():
    wanted = {"smtp", "submission", "pop3", "imap"}
    check(set(server.ports) == wanted, f"wiresim serve prints the four mail ports (got {server.ports}; output {server.lines[:8]})")
    if set(server.ports) == wanted:
        section("smtplib on the smtp port", smtp_mta, server.ports["smtp"])
        section("smtplib on the submission port", submission, server.ports["submission"])
        section("poplib", pop3, server.ports["pop3"])
        section("imaplib", imap, server.ports["imap"])
        section("imaplib, two sessions on one INBOX", imap_two_sessions, server.ports["imap"])
        if shutil.which("curl"):
            section("curl", curl_clients, server.ports)


run_clients(server, WATCHDOG, clients)
finish()
