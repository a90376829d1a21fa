"""Shared helpers for the end-to-end tests: run the real `wiresim` command, check its output."""
import os
import shutil
import subprocess
import sys
import tempfile

_results = {"passed": 0, "failed": []}
_temporary = []


def check(condition, message):
    if condition:
        _results["passed"] += 1
        print(f"ok    {message}")
    else:
        _results["failed"].append(message)
        print(f"FAIL  {message}")


def finish():
    failed = len(_results["failed"])
    for d in _temporary:
        shutil.rmtree(d, ignore_errors=True)
    print(f"{_results['passed']} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def run(args, cwd=None):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True)


def write(directory, name, text):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def temp_dir():
    d = tempfile.mkdtemp(prefix="wiresim-e2e-")
    _temporary.append(d)
    return d


def bulk_pattern(length):
    """The bytes bulk-send sends: numbered 64-byte lines (protocols/tools/bulk.cpp)."""
    tail = b" wiresim bulk data: one numbered 64-byte line each.\n"
    lines = (length + 63) // 64
    return b"".join(b"%012d" % i + tail for i in range(lines))[:length]


def tshark_path():
    """tshark, or finish() with a failed check when it is missing (scripts/setup.sh installs it)."""
    path = shutil.which("tshark")
    check(path is not None, "tshark is installed (scripts/setup.sh installs it)")
    if not path:
        finish()
    return path


def tshark_fields(pcap, *names, display_filter=None, aggregator="|"):
    """Rows of the given fields, one per matching frame; repeated fields joined by `aggregator`."""
    args = [shutil.which("tshark"), "-r", pcap, "-T", "fields", "-E", "occurrence=a", "-E", f"aggregator={aggregator}"]
    args += [x for n in names for x in ("-e", n)]
    if display_filter:
        args += ["-Y", display_filter]
    return [line.split("\t") for line in run(args).stdout.splitlines()]


def capture(wiresim, scenario_path):
    """Runs a bundled scenario with --pcap into a fresh directory, checking it passes."""
    out = temp_dir()
    r = run([wiresim, "run", scenario_path, "--pcap", out])
    check(r.returncode == 0, f"{os.path.basename(scenario_path)} runs and passes its expectations")
    return out
