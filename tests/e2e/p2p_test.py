"""End to end for P2P: the packet-level swarm dissected by tshark's BitTorrent dissector, the
client-server baseline, and the textbook's distribution-time experiment checked against D_cs
and D_p2p (CSV, SVG and PNG outputs)."""
import csv
import json
import os
import sys
import xml.dom.minidom

sys.path.insert(0, os.path.dirname(__file__))
from common import check, finish, run, temp_dir, tshark_path, write  # noqa: E402

wiresim, root = sys.argv[1], sys.argv[2]
scenarios = os.path.join(root, "scenarios", "p2p")
tshark = tshark_path()

# --- the small swarm, packet by packet -------------------------------------------------------
out = temp_dir()
report_path = os.path.join(out, "report.json")
r = run([wiresim, "run", os.path.join(scenarios, "small-swarm.toml"), "--pcap", out, "--report", report_path, "-q"])
check(r.returncode == 0, "small-swarm passes its bt-complete expectation: " + r.stdout.strip()[-120:])
report = json.load(open(report_path))
info_hash = None
for node in report.get("nodes", []):
    for app in node.get("apps", []):
        tracker = app.get("tracker")
        if tracker:
            info_hash = tracker["torrents"]["lecture.mp4"]["info_hash"]
if info_hash is None:  # the report's layout: find the tracker section wherever it is
    text = json.dumps(report)
    at = text.find('"info_hash": "')
    info_hash = text[at + 14:at + 54] if at >= 0 else None
check(info_hash is not None and len(info_hash) == 40, f"the report names the torrent's info_hash ({info_hash})")

types = {}
handshake_hashes = set()
pcaps = sorted(f for f in os.listdir(out) if f.endswith(".pcap"))
for name in pcaps:
    path = os.path.join(out, name)
    fields = run([tshark, "-r", path, "-d", "tcp.port==6881,bittorrent", "-Y", "bittorrent", "-T", "fields",
                  "-e", "bittorrent.msg.type", "-e", "bittorrent.info_hash"])
    for line in fields.stdout.splitlines():
        kinds, _, hashes = line.partition("\t")
        for k in filter(None, kinds.split(",")):
            types[int(k)] = types.get(int(k), 0) + 1
        for h in filter(None, hashes.split(",")):
            handshake_hashes.add(h.replace(":", "").lower())
names = {0: "choke", 1: "unchoke", 2: "interested", 3: "not interested", 4: "have", 5: "bitfield",
         6: "request", 7: "piece", 8: "cancel"}
for k, n in names.items():
    check(types.get(k, 0) > 0, f"tshark decodes {n} messages (id {k}) in the captures: {types.get(k, 0)}")
check(handshake_hashes == {info_hash}, f"every handshake tshark decodes carries the torrent's info_hash {handshake_hashes}")

# Pieces: tshark's piece fields match the torrent's geometry (64 KiB pieces, 16 KiB blocks).
pieces = run([tshark, "-r", os.path.join(out, "seed-eth0.pcap"), "-d", "tcp.port==6881,bittorrent", "-Y",
              "bittorrent.msg.type==7", "-T", "fields", "-e", "bittorrent.piece.index", "-e", "bittorrent.piece.begin"])
indexes = set()
begins = set()
for line in pieces.stdout.splitlines():
    i, _, b = line.partition("\t")
    indexes.update(int(x, 0) for x in i.split(",") if x)
    begins.update(int(x, 0) for x in b.split(",") if x)
check(indexes and max(indexes) <= 63, f"piece indexes are within the 64 pieces of lecture.mp4 (max {max(indexes or [0])})")
check(begins <= {0, 16384, 32768, 49152}, f"blocks start at multiples of 16 KiB ({sorted(begins)})")

# The tracker: HTTP announces with the info_hash, and bencoded answers with compact peers.
tracker_pcap = os.path.join(out, "tracker.example.com-eth0.pcap")
uris = run([tshark, "-r", tracker_pcap, "-d", "tcp.port==6969,http", "-Y", "http.request", "-T", "fields",
            "-e", "http.request.uri"]).stdout.split()
check(len(uris) >= 9 and all(u.startswith("/announce?info_hash=") for u in uris),
      f"every peer announces with GET /announce?info_hash=... ({len(uris)} announces)")
check(sum("event=started" in u for u in uris) == 9, "nine 'started' announces (the seed and eight leechers)")
check(sum("event=completed" in u for u in uris) == 8, "eight 'completed' announces")
bodies = run([tshark, "-r", tracker_pcap, "-d", "tcp.port==6969,http", "-Y", "http.response", "-T", "fields",
              "-e", "http.file_data"]).stdout
check("8:intervali1800e5:peers" in bodies or "3838" in bodies, "the tracker answers a bencoded interval and peer list")

# --- the client-server baseline at packet level ----------------------------------------------
r = run([wiresim, "run", os.path.join(scenarios, "client-server-http.toml")])
check(r.returncode == 0 and r.stdout.count("PASS") == 8, "client-server-http: all eight peers fetch the file over HTTP")

# --- the textbook's experiment -----------------------------------------------------------------
# The textbook's nine cases for client-server and the idealized scheme; BitTorrent for N = 10
# and 100 (its N = 1000 swarms take minutes each: scenarios/p2p/textbook-problem.toml runs them).
out = temp_dir()
scenario = write(out, "textbook-ci.toml", """[scenario]
name = "textbook, CI size"
[distribution]
file = "15Gbit"
piece_length = "4MiB"
server_upload = "30Mbps"
download = "2Mbps"
peer_upload = ["300kbps", "700kbps", "2Mbps"]
peers = [10, 100, 1000]
modes = ["client-server", "p2p-ideal"]
output = "textbook"
tolerance = { client-server = 0.01, p2p-ideal = 0.02 }
""")
r = run([wiresim, "run", scenario, "--out", out, "-q"])
print(r.stdout)
check(r.returncode == 0, "client-server and p2p-ideal: every point within its tolerance")
rows = list(csv.DictReader(open(os.path.join(out, "textbook.csv"))))
check(list(rows[0].keys())[:5] == ["N", "u_bps", "mode", "theory_s", "simulated_s"],
      "the CSV starts with N,u_bps,mode,theory_s,simulated_s")
scenario = write(out, "swarm-ci.toml", open(scenario).read().replace("[10, 100, 1000]", "[10, 100]")
                 .replace('["client-server", "p2p-ideal"]', '["bittorrent"]').replace('"textbook"', '"swarm"')
                 .replace("{ client-server = 0.01, p2p-ideal = 0.02 }", "{ bittorrent = 0.25 }"))
r = run([wiresim, "run", scenario, "--out", out, "-q"])
print(r.stdout)
rows += list(csv.DictReader(open(os.path.join(out, "swarm.csv"))))
F, us, d = 15e9, 30e6, 2e6
# BitTorrent is held to the 25% (N = 1,000 is left out here: minutes per swarm).
for mode, tolerance, count in (("client-server", 0.01, 9), ("p2p-ideal", 0.02, 9), ("bittorrent", 0.25, 6)):
    cases = [row for row in rows if row["mode"] == mode]
    check(len(cases) == count, f"{mode}: {count} cases of the textbook's chart ({len(cases)})")
    for row in cases:
        n, u = int(row["N"]), float(row["u_bps"])
        theory = max(n * F / us, F / d) if mode == "client-server" else max(F / us, F / d, n * F / (us + n * u))
        check(abs(float(row["theory_s"]) - theory) < 0.01, f"{mode} N={n} u={u:.0f}: theory {theory:.1f} s")
        allowed = tolerance
        simulated = float(row["simulated_s"] or "nan")
        check(0 <= simulated / theory - 1 <= allowed,
              f"{mode} N={n} u={u:.0f}: simulated {simulated:.1f} s within {allowed:.0%} above {theory:.1f} s")
png = open(os.path.join(out, "textbook.png"), "rb").read()
check(png.startswith(b"\x89PNG\r\n\x1a\n"), "the plot is written as a PNG")
svg = xml.dom.minidom.parse(os.path.join(out, "textbook.svg"))
check(len(svg.getElementsByTagName("text")) > 10, "the SVG plot parses as XML and has its labels")

# --- peers that differ: dmin and the sum of ui -------------------------------------------------
# The two bundled mixes, client-server and p2p-ideal (their BitTorrent swarms take a while), each
# checked against the bound computed here from the classes as the scenario writes them.
def split(classes, n):
    """Peers per class: numbers, percentages rounded down, rest last (as docs/scenarios.md says)."""
    counts = [int(who) if who.isdigit() else (n * float(who[:-1]) // 100 if who.endswith("%") else None)
              for who, _, _ in classes]
    rest = n - sum(c for c in counts if c is not None)
    return [int(rest if c is None else c) for c in counts]

def rate(text):
    for unit, scale in (("kbps", 1e3), ("Mbps", 1e6), ("Gbps", 1e9), ("bps", 1)):
        if text.endswith(unit):
            return float(text[:-len(unit)]) * scale

for name, classes in (("slow-peer", [("1", "300kbps", "500kbps"), ("rest", "2Mbps", "10Mbps")]),
                      ("mixed-peers", [("30%", "300kbps", "2Mbps"), ("rest", "1Mbps", "5Mbps")])):
    text = open(os.path.join(scenarios, name + ".toml")).read()
    check("peer_classes = [" + ", ".join(f'"{w}:{u}/{d}"' for w, u, d in classes) + "]" in text,
          f"{name}: the classes this test computes with are the scenario's")
    scenario = write(out, name + ".toml", text.replace('["client-server", "p2p-ideal", "bittorrent"]',
                                                       '["client-server", "p2p-ideal"]'))
    r = run([wiresim, "run", scenario, "--out", out, "-q"])
    print(r.stdout)
    check(r.returncode == 0, f"{name}: client-server and p2p-ideal within their tolerance")
    check("last of " in r.stdout, f"{name}: each line says when each class's last peer was done")
    for row in csv.DictReader(open(os.path.join(out, name + ".csv"))):
        n = int(row["N"])
        counts = split(classes, n)
        present = [(k, c) for k, c in zip(classes, counts) if c > 0]
        dmin = min(rate(d) for (_, _, d), _ in present)
        usum = sum(c * rate(u) for (_, u, _), c in present)
        theory = (max(n * F / us, F / dmin) if row["mode"] == "client-server"
                  else max(F / us, F / dmin, n * F / (us + usum)))
        label = f"{name} {row['mode']} N={n}"
        check(abs(float(row["theory_s"]) - theory) < 0.01, f"{label}: theory {theory:.1f} s")
        check(float(row["d_bps"]) == dmin and abs(float(row["u_bps"]) - usum / n) < 1, f"{label}: dmin and mean u")
        done = [float(t) for t in row["class_done_s"].split(";")]
        slowest = min(range(len(classes)), key=lambda k: rate(classes[k][2]) if counts[k] else float("inf"))
        check(len(done) == len(classes) and abs(done[slowest] - float(row["simulated_s"])) < 1e-3 * float(row["simulated_s"]),
              f"{label}: class_done_s has each class, the one with dmin last ({row['class_done_s']})")
r = run([wiresim, "theory", "distribution", "--F", "15Gbit", "--us", "30Mbps", "--class", "1:300kbps/500kbps",
         "--class", "rest:2Mbps/10Mbps", "--N", "10,100,1000"])
check(r.returncode == 0 and "sum ui" in r.stdout and "30000 s  F / dmin" in r.stdout,
      "theory --class prints dmin, the sum of ui and the bound")
r = run([wiresim, "theory", "distribution", "--F", "15Gbit", "--us", "30Mbps", "--class", "30%:300kbps/2Mbps",
         "--class", "60%:1Mbps/5Mbps", "--N", "10"])
check(r.returncode == 2 and "add up to 90%" in r.stderr, "theory --class: a mix of 90% is refused: " + r.stderr.strip())
r = run([wiresim, "theory", "distribution", "--F", "15Gbit", "--us", "30Mbps", "--class", "50%:1Mbps/2Mbps",
         "--class", "50%:2Mbps/3Mbps", "--N", "18446744073709551615"])
check(r.returncode == 2 and "from 1 to 1000000000000" in r.stderr, "theory: an N past a trillion is refused, at once: "
      + r.stderr.strip())

# --- a broken experiment gets file:line:column and a suggestion ------------------------------
d = temp_dir()
bad = write(d, "bad.toml", '[distribution]\nfile = "15Gbit"\nserver_upload = "30Mbps"\ndownload = "2Mbps"\n'
                            'peer_upload = "700kbps"\npeers = [10]\nmode = ["bittorrent"]\n')
r = run([wiresim, "check", bad])
check(r.returncode == 1 and "bad.toml:7:1" in r.stderr and "modes" in r.stderr,
      "a typo in [distribution] names the line and suggests 'modes': " + r.stderr.strip())
bad = write(d, "bad2.toml", '[distribution]\nfile = "15Gbit"\nserver_upload = "30Mbps"\ndownload = "2Mbps"\n'
                             'peer_upload = "fast"\npeers = [10]\n')
r = run([wiresim, "check", bad])
check(r.returncode == 1 and "bad2.toml:5:" in r.stderr, "a bad rate names its line: " + r.stderr.strip())
finish()
