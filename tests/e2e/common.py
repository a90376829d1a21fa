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


class ServeProcess:
    """`wiresim serve SCENARIO NODE --any-port` in the background, for real-client tests. A thread
    keeps reading its dialogue (so it never blocks on a full pipe) into `lines`; `ports` maps each
    service it printed ("smtp", "ftp", ...) to its port on 127.0.0.1."""

    def __init__(self, wiresim, scenario, node, timeout):
        import re
        import threading
        self._timeout = timeout
        self._pattern = re.compile(r"^(\w+) on 127\.0\.0\.1:(\d+)$")
        self.lines = []
        self.ports = {}
        self.ready = threading.Event()
        # A missing binary raises here: the test stops with the trace and exit status 1.
        self.process = subprocess.Popen([wiresim, "serve", scenario, node, "--any-port"], stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT)
        threading.Thread(target=self._read, daemon=True).start()
        self.ready.wait(timeout)

    def _read(self):
        for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.lines.append(line)
            found = self._pattern.match(line)
            if found:
                self.ports[found.group(1)] = int(found.group(2))
            if line.startswith("serving "):
                self.ready.set()
        self.ready.set()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(self._timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def section(name, body, *args):
    """Runs one section; an exception there is a failure that names the section, not a crash."""
    import traceback
    print(f"-- {name}")
    try:
        body(*args)
    except Exception as e:  # noqa: BLE001: any client error is a failed check, reported with its trace
        traceback.print_exc(limit=3)
        check(False, f"{name}: stopped by {type(e).__name__}: {e}")


def raises(what, call, exception):
    """Calls `call`; returns the exception it raised if it is an `exception`, or None."""
    try:
        call()
    except exception as e:
        return e
    except Exception as e:  # noqa: BLE001
        check(False, f"{what}: raised {type(e).__name__}: {e} instead of {exception.__name__}")
    return None


def run_clients(server, watchdog_seconds, clients):
    """Runs `clients()` against a ServeProcess under a watchdog that stops the server after
    `watchdog_seconds`, then stops it, checks that neither hung, and prints the end of its
    dialogue when something failed (or WIRESIM_E2E_VERBOSE is set)."""
    import threading
    timed_out = threading.Event()
    watchdog = threading.Timer(watchdog_seconds, lambda: (timed_out.set(), server.stop()))
    watchdog.start()
    try:
        clients()
    finally:
        watchdog.cancel()
        code = server.stop()
    check(not timed_out.is_set(),
          f"the clients finish within {watchdog_seconds} s (else the watchdog stopped the server)")
    check(code == 0, f"wiresim serve exits 0 on SIGTERM (got {code})")
    if _results["failed"] or os.environ.get("WIRESIM_E2E_VERBOSE"):
        print("-- the end of the server's dialogue")
        print("\n".join(server.lines[-40:]))
