"""Real FTP clients against `wiresim serve`: Python's ftplib and curl talk to the ftp-server
engine of tests/e2e/ftp_clients.toml on 127.0.0.1, in passive (PASV/EPSV) and active (PORT/EPRT)
mode, so every transfer also crosses a data connection that the socket loop opened.
Usage: ftp_clients_test.py WIRESIM SOURCE_DIR

The sections run in order and share one server (and its file tree). A failure in one section is
reported and the next section still runs."""
import ftplib
import io
import os
import shutil
import subprocess
import sys

from common import ServeProcess, check, finish, raises, run_clients, section, temp_dir

TIMEOUT = 5  # seconds for every socket and curl call: a hang fails instead of blocking CI
WATCHDOG = 20  # seconds for the whole test: after this the server is stopped

wiresim, root = sys.argv[1], sys.argv[2]
scenario = os.path.join(root, "tests/e2e/ftp_clients.toml")
tmp = temp_dir()

NOTES = b"Meeting at noon.\nBring the slides.\n"  # /home/bob/notes.txt in the scenario
README = b"Welcome to the wiresim FTP server.\n"  # /pub/readme.txt
BIG = 300 * 1024  # /home/bob/big.bin: generated content of 300 KiB
downloaded = {}  # big.bin as each client got it: all must agree
BLOB = bytes(range(256)) * 64 + b"\r\n\n\r\x00end"  # every byte value, lone CR and LF: binary must keep them


# ---- the server ----

def connect(port, passive):
    f = ftplib.FTP()
    f.connect("127.0.0.1", port, timeout=TIMEOUT)
    f.set_pasv(passive)
    return f


def retrieve(f, name):
    out = io.BytesIO()
    f.retrbinary("RETR " + name, out.write)
    return out.getvalue()


# ---- 1 and 2. ftplib as bob, passive then active ----

def ftplib_session(port, passive):
    mode = "passive" if passive else "active"
    tag = f"ftplib {mode}:"

    f = connect(port, passive)
    check(f.welcome.startswith("220"), f"{tag} the greeting is 220 (got {f.welcome!r})")
    e = raises(f"{tag} wrong password", lambda: f.login("bob", "wrong"), ftplib.error_perm)
    check(e is not None and str(e).startswith("530"), f"{tag} a wrong password raises error_perm 530 (got {e!r})")
    f.close()

    f = connect(port, passive)
    resp = f.login("bob", "secret")
    check(resp.startswith("230"), f"{tag} bob logs in with 230 (got {resp!r})")
    check(f.pwd() == "/home/bob", f"{tag} PWD is /home/bob (got {f.pwd()!r})")

    names = sorted(f.nlst())
    check({"big.bin", "notes.txt"} <= set(names), f"{tag} NLST lists big.bin and notes.txt (got {names})")
    lines = []
    f.dir(lines.append)
    notes = [line for line in lines if line.endswith(" notes.txt")]
    check(len(notes) == 1 and notes[0].startswith("-rw") and " 35 " in notes[0],
          f"{tag} LIST shows notes.txt as an ls -l line of 35 bytes (got {lines})")

    got = retrieve(f, "notes.txt")
    check(got == NOTES, f"{tag} RETR notes.txt gives the scenario's bytes (got {got!r})")
    big = retrieve(f, "big.bin")
    check(len(big) == BIG, f"{tag} RETR big.bin gives {BIG} bytes (got {len(big)})")
    check(downloaded.setdefault("big.bin", big) == big, f"{tag} big.bin has the same bytes as in the first download")
    check(f.size("big.bin") == BIG, f"{tag} SIZE big.bin is {BIG} (got {f.size('big.bin')})")

    text = []
    resp = f.retrlines("RETR notes.txt", text.append)
    check(text == ["Meeting at noon.", "Bring the slides."] and resp.startswith("226"),
          f"{tag} retrlines in TYPE A gives the two lines of notes.txt (got {text}, {resp!r})")

    name = f"upload-{mode}.bin"
    resp = f.storbinary("STOR " + name, io.BytesIO(BLOB))
    check(resp.startswith("226"), f"{tag} STOR {name} ends with 226 (got {resp!r})")
    back = retrieve(f, name)
    check(back == BLOB, f"{tag} the uploaded file comes back identical ({len(back)} of {len(BLOB)} bytes)")
    check(f.size(name) == len(BLOB), f"{tag} SIZE of the upload is {len(BLOB)} (got {f.size(name)})")

    renamed = f"renamed-{mode}.bin"
    resp = f.rename(name, renamed)
    check(resp.startswith("250"), f"{tag} RNFR/RNTO renames the upload (got {resp!r})")
    check(renamed in f.nlst() and name not in f.nlst(), f"{tag} NLST shows the new name only")
    resp = f.delete(renamed)
    check(resp.startswith("250"), f"{tag} DELE removes it (got {resp!r})")
    e = raises(f"{tag} RETR of a deleted file", lambda: retrieve(f, renamed), ftplib.error_perm)
    check(e is not None and str(e).startswith("550"), f"{tag} RETR of the deleted file is 550 (got {e!r})")

    folder = f"dir-{mode}"
    made = f.mkd(folder)
    check(made == f"/home/bob/{folder}", f"{tag} MKD answers the new directory's path (got {made!r})")
    f.cwd(folder)
    check(f.pwd() == f"/home/bob/{folder}", f"{tag} CWD moves into it (got {f.pwd()!r})")
    check(f.nlst() == [], f"{tag} the new directory is empty (got {f.nlst()})")
    f.cwd("..")
    resp = f.rmd(folder)
    check(resp.startswith("250"), f"{tag} RMD removes it (got {resp!r})")
    e = raises(f"{tag} CWD into a removed directory", lambda: f.cwd(folder), ftplib.error_perm)
    check(e is not None and str(e).startswith("550"), f"{tag} CWD into the removed directory is 550 (got {e!r})")

    # ABOR in the middle of a download: 426 for the transfer, then 226 for ABOR (RFC 959 4.1.3).
    f.voidcmd("TYPE I")
    conn = f.transfercmd("RETR big.bin")
    first = conn.recv(1024)
    resp = f.abort()
    check(len(first) > 0 and resp.startswith("426"), f"{tag} ABOR during RETR big.bin is answered 426 (got {resp!r})")
    resp = f.getresp()
    check(resp.startswith("226"), f"{tag} then 226 for ABOR itself (got {resp!r})")
    conn.close()
    check(retrieve(f, "notes.txt") == NOTES, f"{tag} after the abort a new RETR works")

    resp = f.quit()
    check(resp.startswith("221"), f"{tag} QUIT is 221 (got {resp!r})")


# ---- 3. ftplib as anonymous ----

def anonymous(port):
    f = connect(port, True)
    resp = f.login()  # anonymous, with ftplib's "anonymous@" password
    check(resp.startswith("230"), f"ftplib anonymous: login is 230 (got {resp!r})")
    check(f.pwd() == "/pub", f"ftplib anonymous: starts in /pub (got {f.pwd()!r})")
    check(retrieve(f, "readme.txt") == README, "ftplib anonymous: RETR readme.txt gives the scenario's bytes")
    e = raises("ftplib anonymous: STOR", lambda: f.storbinary("STOR mine.txt", io.BytesIO(b"x")), ftplib.error_perm)
    check(e is not None and str(e).startswith("553"), f"ftplib anonymous: STOR is refused with 553 (got {e!r})")
    f.set_pasv(False)
    check(retrieve(f, "readme.txt") == README, "ftplib anonymous: RETR readme.txt in active mode too")
    f.quit()


# ---- 4. curl ----

def curl(*args):
    r = subprocess.run(["curl", "-s", "-S", "--max-time", str(TIMEOUT)] + list(args), capture_output=True)
    return r.returncode, r.stdout, r.stderr.decode(errors="replace").strip()


def curl_clients(port):
    base = f"ftp://127.0.0.1:{port}"
    bob = ["-u", "bob:secret"]
    rc, out, err = curl(base + "/notes.txt", *bob)
    check(rc == 0 and out == NOTES, f"curl: download in passive mode (EPSV) (exit {rc}: {err}; got {out!r})")
    rc, out, err = curl(base + "/notes.txt", *bob, "--ftp-port", "127.0.0.1")
    check(rc == 0 and out == NOTES, f"curl: download in active mode (EPRT) (exit {rc}: {err}; got {out!r})")
    rc, out, err = curl(base + "/notes.txt", *bob, "--ftp-port", "127.0.0.1", "--disable-eprt")
    check(rc == 0 and out == NOTES, f"curl: download in active mode with PORT (exit {rc}: {err}; got {out!r})")
    rc, out, err = curl(base + "/notes.txt", *bob, "--disable-epsv")
    check(rc == 0 and out == NOTES, f"curl: download in passive mode with PASV (exit {rc}: {err}; got {out!r})")
    rc, out, err = curl(base + "/big.bin", *bob)
    check(rc == 0 and len(out) == BIG and downloaded.get("big.bin", out) == out,
          f"curl: big.bin is the {BIG} bytes ftplib got (exit {rc}: {err}; got {len(out)})")
    rc, out, err = curl(base + "/notes.txt", "-u", "bob:wrong")
    check(rc == 67, f"curl: a wrong password fails to log in (exit 67) (exit {rc}: {err})")

    upload = os.path.join(tmp, "curl-upload.bin")
    with open(upload, "wb") as f:
        f.write(BLOB)
    rc, out, err = curl("-T", upload, base + "/curl-upload.bin", *bob)
    check(rc == 0, f"curl: -T uploads in passive mode (exit {rc}: {err})")
    rc, out, err = curl(base + "/curl-upload.bin", *bob)
    check(rc == 0 and out == BLOB, f"curl: the upload comes back identical (exit {rc}: {err}; {len(out)} bytes)")
    rc, out, err = curl("-T", upload, base + "/curl-active.bin", *bob, "--ftp-port", "127.0.0.1")
    check(rc == 0, f"curl: -T uploads in active mode (exit {rc}: {err})")
    rc, out, err = curl(base + "/curl-active.bin", *bob, "--ftp-port", "127.0.0.1")
    check(rc == 0 and out == BLOB, f"curl: the active upload comes back identical (exit {rc}: {err}; {len(out)} bytes)")

    rc, out, err = curl("-l", base + "/", *bob)
    names = out.decode(errors="replace").split()
    check(rc == 0 and {"notes.txt", "big.bin", "curl-upload.bin"} <= set(names),
          f"curl: -l lists the names (NLST) (exit {rc}: {err}; got {names})")
    rc, out, err = curl("--list-only", base + "/", *bob, "--ftp-port", "127.0.0.1")
    names = out.decode(errors="replace").split()
    check(rc == 0 and {"notes.txt", "curl-active.bin"} <= set(names),
          f"curl: --list-only in active mode lists the names (exit {rc}: {err}; got {names})")
    rc, out, err = curl(base + "/", *bob)
    lines = out.decode(errors="replace").splitlines()
    check(rc == 0 and any(line.startswith("-rw") and line.endswith(" notes.txt") for line in lines),
          f"curl: a directory URL gives the LIST lines (exit {rc}: {err}; got {lines[:3]})")
    # RFC 1738 3.2.2: a URL path is relative to where the login lands (/pub for anonymous);
    # %2F makes it absolute.
    guest = ["-u", "anonymous:guest@example.com"]
    rc, out, err = curl(base + "/readme.txt", *guest)
    check(rc == 0 and out == README, f"curl: anonymous download of readme.txt (exit {rc}: {err}; got {out!r})")
    rc, out, err = curl(base + "/%2Fpub/readme.txt", *guest)
    check(rc == 0 and out == README, f"curl: anonymous download of %2Fpub/readme.txt (exit {rc}: {err}; got {out!r})")
    rc, out, err = curl("-T", upload, base + "/mine.bin", *guest)
    check(rc == 25, f"curl: anonymous upload is refused (exit 25, STOR failed) (exit {rc}: {err})")


# ---- run ----

check(shutil.which("curl") is not None, "curl is installed")
server = ServeProcess(wiresim, scenario, "ftp", TIMEOUT)


def clients():
    check(server.ports.get("ftp") is not None, f"wiresim serve prints the ftp port (output {server.lines[:8]})")
    if server.ports.get("ftp") is not None:
        section("ftplib, passive mode", ftplib_session, server.ports["ftp"], True)
        section("ftplib, active mode", ftplib_session, server.ports["ftp"], False)
        section("ftplib, anonymous", anonymous, server.ports["ftp"])
        if shutil.which("curl"):
            section("curl", curl_clients, server.ports["ftp"])


run_clients(server, WATCHDOG, clients)
finish()
