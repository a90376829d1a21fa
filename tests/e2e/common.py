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
