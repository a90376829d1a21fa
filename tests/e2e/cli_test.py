"""The wiresim command as a user meets it: exit codes, error lines, determinism.
Usage: cli_test.py WIRESIM SOURCE_DIR"""
import filecmp
import os
import re
import sys

from common import check, finish, run, temp_dir, write

wiresim, root = sys.argv[1], sys.argv[2]
bulk = os.path.join(root, "scenarios/basics/tcp-bulk-lossy.toml")
echo = os.path.join(root, "scenarios/basics/echo-three-routers.toml")
tmp = temp_dir()

# list, check, run
r = run([wiresim, "list"])
check(r.returncode == 0 and "basics/tcp-bulk-lossy.toml" in r.stdout and "basics/echo-three-routers.toml" in r.stdout,
      "list shows the bundled scenarios")
r = run([wiresim, "check", bulk])
check(r.returncode == 0 and r.stdout.startswith(bulk + ": ok"), "check accepts a bundled scenario")
r = run([wiresim, "run", echo])
check(r.returncode == 0 and r.stdout.count("PASS  ") == 5 and "FAIL" not in r.stdout, "a bundled scenario passes its expectations")
r = run([wiresim, "run", echo, "--quiet"])
check(r.returncode == 0 and all(line.startswith("PASS  ") for line in r.stdout.splitlines()), "--quiet prints only results")

# Bad scenarios: one clear file:line:column line each, exit code 1.
base = """[[host]]
name = "alice"
[[host]]
name = "bob"
[[link]]
between = ["alice", "bob"]
rate = "10Mbps"
"""
bad = {
    "bad-unit": (base.replace('"10Mbps"', '"10Mbs"'), 7, 'did you mean "10Mbps"?'),
    "unknown-host": (base + '[[app]]\ntype = "bulk-sink"\nhost = "bobb"\n', 10, "unknown host 'bobb'; did you mean 'bob'?"),
    "missing-node": (base + '[[link]]\nbetween = ["alice", "carol"]\n', 9, "unknown node 'carol'"),
    "duplicate-address": (base.replace('name = "bob"', 'name = "bob"\naddress = "10.0.0.1"').replace(
        'name = "alice"', 'name = "alice"\naddress = "10.0.0.1"'), 6, "duplicate address 10.0.0.1"),
    "wrong-type": (base.replace('"10Mbps"', "10"), 7, "'rate' needs a unit"),
    "unknown-key": (base + 'dealy = "5ms"\n', 8, "unknown key 'dealy' in [[link]] #1; did you mean 'delay'?"),
    "syntax": (base + "rate = \n", 8, "TOML syntax error"),
}
for name, (text, line, fragment) in bad.items():
    path = write(tmp, name + ".toml", text)
    for command in ("check", "run"):
        r = run([wiresim, command, path])
        lines = r.stderr.strip().splitlines()
        good = (r.returncode == 1 and len(lines) == 1 and re.match(re.escape(path) + rf":{line}:\d+: ", lines[0])
                and fragment in lines[0])
        check(good, f"{command} {name}: exit 1 and one located line ({lines[0] if lines else 'nothing'}, exit {r.returncode})")

r = run([wiresim, "run", os.path.join(tmp, "no-such-file.toml")])
check(r.returncode == 1 and "cannot open" in r.stderr, "a missing file is a scenario error")

# Usage errors: exit code 2.
for args in (["run"], ["frobnicate"], ["run", echo, "--until", "5"], ["run", echo, "--seed", "x"], []):
    r = run([wiresim] + args)
    check(r.returncode == 2, f"usage error {args} exits 2 (got {r.returncode})")

# A failed expectation: exit code 3.
failing = write(tmp, "failing.toml", base + """[[app]]
type = "bulk-sink"
host = "bob"
[[app]]
type = "bulk-send"
host = "alice"
to = "bob:5001"
bytes = "10KB"
[[expect]]
type = "delivered"
host = "bob"
port = 5001
bytes = "20KB"
""")
r = run([wiresim, "run", failing])
check(r.returncode == 3 and "FAIL  " + failing + ":16  bob receives exactly 20000 bytes" in r.stdout,
      "a failed expectation prints FAIL with its place and exits 3")

# --layers keeps the transcript to the layers asked for.
r = run([wiresim, "run", os.path.join(root, "scenarios/email/alice-to-bob.toml"), "--layers", "smtp,pop3"])
layers = {line.split()[3].rstrip(":") for line in r.stdout.splitlines() if line.startswith("[")}
check(r.returncode == 0 and layers == {"smtp", "pop3"}, f"--layers smtp,pop3 prints only those layers: {sorted(layers)}")

# The textbook's distribution-time chart, computed.
r = run([wiresim, "theory", "distribution", "--F", "15Gbit", "--us", "30Mbps", "--d", "2Mbps",
         "--u", "300kbps,700kbps,2Mbps", "--N", "10,100,1000"])
check(r.returncode == 0 and "500000 s  N F / us" in r.stdout and "45455 s  N F / (us + N u)" in r.stdout,
      "theory distribution prints the textbook chart with each cell's bottleneck")

# Determinism: same seed, same bytes; another seed, another loss pattern.
outputs = []
for tag, seed in (("a", "7"), ("b", "7"), ("c", "8")):
    d = os.path.join(tmp, tag)
    r = run([wiresim, "run", bulk, "--seed", seed, "--pcap", d, "--trace", os.path.join(d, "trace.jsonl"),
             "--report", os.path.join(d, "report.json"), "--transcript"])
    check(r.returncode in (0, 3), f"run with seed {seed} completes")
    outputs.append((d, r.stdout))
a, b, c = outputs
for name in ("alice-eth0.pcap", "bob-eth0.pcap", "trace.jsonl", "report.json"):
    check(filecmp.cmp(os.path.join(a[0], name), os.path.join(b[0], name), shallow=False),
          f"same seed gives a byte-identical {name}")
def without_paths(text):  # the summary names each run's own capture directory
    return [line for line in text.splitlines() if not line.startswith("capture ")]


check(without_paths(a[1]) == without_paths(b[1]), "same seed gives an identical transcript and summary")
check(not filecmp.cmp(os.path.join(a[0], "alice-eth0.pcap"), os.path.join(c[0], "alice-eth0.pcap"), shallow=False),
      "a different seed changes the capture")

finish()
