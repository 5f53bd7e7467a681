"""Every process a test starts ends with the run, also when the run is interrupted.

No broker or database: these tests start small throwaway processes (a pytest session, a sleeper standing in for a
service) and check that none of them is left behind after SIGTERM, SIGINT or SIGKILL of the run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SLEEPER = """
import os, time
open(os.environ["SLEEPER_PIDFILE"], "w").write(str(os.getpid()))
time.sleep(600)
"""

INNER_TEST = """
import sys, time
sys.path.insert(0, {tests!r})
import support

def test_starts_a_service_and_hangs(tmp_path):
    env = {{"PYTHONPATH": {here!r}, "SLEEPER_PIDFILE": {pidfile!r}}}
    p = support.ServiceProcess("sleeper", "serve", log_dir=tmp_path, env=env).start()
    open({started!r}, "w").write(str(p.proc.pid))
    time.sleep(600)
"""


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _default_signals() -> None:
    """In the inner run, before exec: SIGINT and SIGTERM as an interactive run gets them. A suite started in the
    background of a non-interactive shell (``cmd &``) inherits SIGINT ignored, and a run started with a signal ignored
    rightly keeps ignoring it (tests/support.py): that is not what these tests are about."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)


def _output(run: subprocess.Popen) -> str:
    out = getattr(run, "out_path", None)
    return Path(out).read_text(errors="replace") if out else run.stdout.read().decode()


def wait_until(predicate, timeout: float, what: str, run: subprocess.Popen | None = None) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not predicate():
        if run is not None and run.poll() is not None:
            raise AssertionError(f"exited with {run.returncode} while waiting for {what}:\n{_output(run)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)


class InnerRun:
    """A pytest session in a subprocess whose one test starts a ServiceProcess stand-in and then hangs."""

    def __init__(self, where: Path) -> None:
        where.mkdir()
        (where / "sleeper.py").write_text(SLEEPER)
        (where / "pytest.ini").write_text("[pytest]\n")
        self.pidfile, self.started = where / "sleeper.pid", where / "started.pid"
        test = INNER_TEST.format(tests=str(ROOT / "tests"), pidfile=str(self.pidfile), here=str(where), started=str(self.started))
        (where / "test_inner.py").write_text(textwrap.dedent(test))
        self.run = subprocess.Popen(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_inner.py"],
            # Output to a file, not a pipe: a pipe nobody reads until the end can fill and block the run.
            cwd=where, stdout=open(where / "out.log", "wb"), stderr=subprocess.STDOUT, start_new_session=True,  # noqa: SIM115
            preexec_fn=_default_signals,  # noqa: PLW1509 - signal dispositions only
        )
        self.run.out_path = where / "out.log"

    def service(self) -> int:
        wait_until(lambda: self.started.exists() and self.pidfile.exists() and self.pidfile.read_text(), 60, "the service stand-in to start", self.run)
        pid = int(self.pidfile.read_text())
        assert int(self.started.read_text()) == pid
        return pid

    def cleanup(self) -> None:
        if self.run.poll() is None:
            os.killpg(self.run.pid, signal.SIGKILL)
            self.run.wait()
        if self.pidfile.exists() and self.pidfile.read_text() and alive(int(self.pidfile.read_text())):
            os.kill(int(self.pidfile.read_text()), signal.SIGKILL)


def test_a_service_process_does_not_outlive_an_interrupted_pytest_run(tmp_path: Path) -> None:
    """SIGTERM, SIGINT or SIGKILL to pytest: the service process it started ends too (three runs side by side)."""
    runs = {sig: InnerRun(tmp_path / signal.Signals(sig).name) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGKILL)}
    try:
        services = {sig: r.service() for sig, r in runs.items()}
        assert all(alive(pid) for pid in services.values())
        for sig, r in runs.items():
            r.run.send_signal(sig)
        for sig, r in runs.items():
            try:
                r.run.wait(timeout=60)  # three pytest processes at once: slow on 2 busy cores
            except subprocess.TimeoutExpired:
                raise AssertionError(f"the run did not end after {signal.Signals(sig).name}:\n{_output(r.run)[-3000:]}") from None
            wait_until(lambda: not alive(services[sig]), 10, f"the service to end after {signal.Signals(sig).name} of the run")  # noqa: B023
    finally:
        for r in runs.values():
            r.cleanup()


DEVSTACK_CHILD = """
import sys
sys.path.insert(0, {scripts!r})
import devstack
with devstack.terminate_raises():
    sys.exit(devstack.run_command(sys.argv[1:]))
"""


@pytest.mark.parametrize("interrupt", [False, True], ids=["command-exits", "sigterm"])
def test_devstack_kills_the_whole_process_group_of_its_command(tmp_path: Path, interrupt: bool) -> None:
    """``devstack.py test`` runs its command in its own group; on teardown nothing of that group survives."""
    pidfile = tmp_path / "grandchild.pid"
    # The command leaves a background child in its group, then exits (or waits, and we SIGTERM devstack).
    command = f"sleep 600 & echo $! > {pidfile}; " + ("wait" if interrupt else "exit 0")
    script = DEVSTACK_CHILD.format(scripts=str(ROOT / "scripts"))
    run = subprocess.Popen([sys.executable, "-c", script, "sh", "-c", command], start_new_session=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: pidfile.exists() and pidfile.read_text().strip(), 30, "the command's child to start", run)
        grandchild = int(pidfile.read_text())
        if interrupt:
            assert alive(grandchild)
            run.send_signal(signal.SIGTERM)
        assert run.wait(timeout=30) == (143 if interrupt else 0)
        wait_until(lambda: not alive(grandchild), 10, "the command's child to end")
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
