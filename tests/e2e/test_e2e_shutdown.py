"""On SIGTERM every kind of service process (``serve``, ``relay``, ``consume``) ends within a few seconds, whatever its
broker and database do. Here they stop answering altogether (frozen with SIGSTOP: connections that stay open and never
answer, the hardest case for every client's close, commit and flush); unbounded, these processes waited 40 s and more.

The test runs on a Kafka and a Postgres of its own (``scripts/devstack.py up`` on free ports in a temporary state dir),
so the shared test broker and database are never disturbed; that stack is thawed and taken down afterwards.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import support

DEVSTACK = str(support.ROOT / "scripts" / "devstack.py")
SHUTDOWN_SECONDS = 5  # JH_SHUTDOWN_SECONDS (its default)
LIMIT = SHUTDOWN_SECONDS + 4  # the budget, the watchdog's margin of 1 s, and room for a busy machine


def _devstack(command: str, state: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, DEVSTACK, command, "--state-dir", str(state)], env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Postgres's backends and helpers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class OwnStack:
    def __init__(self, state: Path, env: dict[str, str]) -> None:
        self.state = state
        self.env = env  # what `devstack.py up` exports: the stack's database URLs and broker credentials
        self.frozen: list[int] = []

    def freeze(self) -> None:
        """SIGSTOP the broker, the postmaster and every Postgres process under it: nothing answers, nothing closes."""
        kafka = int((self.state / "kafka.pid").read_text().split()[0])
        postmaster = int((self.state / "pg" / "data" / "postmaster.pid").read_text().split()[0])
        self.frozen = [kafka, postmaster, *_children(postmaster)]
        for pid in self.frozen:
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self.frozen:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass
        self.frozen = []


@pytest.fixture(scope="module")
def own_stack() -> Iterator[OwnStack]:
    state = Path(tempfile.mkdtemp(prefix="jh-shutdown-"))
    state.chmod(0o755)  # the postgres user has to traverse it
    ports = ("JH_KAFKA_PORT", "JH_KAFKA_CONTROLLER_PORT", "JH_KAFKA_JMX_PORT", "JH_PG_PORT")
    env = {**os.environ, "JH_STATE_DIR": str(state), **{name: str(support.free_port()) for name in ports}}
    stack = None
    try:
        exports = _devstack("up", state, env)
        stack_env = {}
        for line in exports.splitlines():
            if line.startswith("export "):
                key, _, value = line.removeprefix("export ").partition("=")
                stack_env[key] = shlex.split(value)[0] if value else ""
        stack_env["JH_SHUTDOWN_SECONDS"] = str(SHUTDOWN_SECONDS)
        stack = OwnStack(state, stack_env)
        for service in ("aanmelding", "traject"):
            done = subprocess.run(
                [sys.executable, "-m", service, "migrate"], env={**env, **stack_env}, cwd=support.ROOT, capture_output=True, text=True, timeout=180,
            )
            assert done.returncode == 0, done.stderr[-3000:]
        yield stack
    finally:
        if stack is not None:
            stack.thaw()
        try:
            _devstack("down", state, env)
        finally:
            shutil.rmtree(state, ignore_errors=True)


async def test_every_kind_of_process_ends_on_sigterm_within_seconds_when_broker_and_database_stop_answering(own_stack, log_dir) -> None:
    env = own_stack.env
    processes = {
        "aanmelding serve": support.ServiceProcess("aanmelding", "serve", log_dir=log_dir, env=env, port=support.free_port()),
        "aanmelding relay": support.ServiceProcess("aanmelding", "relay", log_dir=log_dir, env=env),
        "traject serve": support.ServiceProcess("traject", "serve", log_dir=log_dir, env=env, port=support.free_port()),
        "traject consume": support.ServiceProcess("traject", "consume", log_dir=log_dir, env=env),
    }
    try:
        for p in processes.values():
            p.start()
        for name, p in processes.items():  # running: past start-up, with their clients connected
            if p.port is not None:
                await p.wait_healthy(timeout=120)
            else:
                await support.wait_for(lambda p=p: p.assert_running() or "workers running" in p.log_tail(200), timeout=120, what=f"{name} running")

        own_stack.freeze()
        started = time.monotonic()
        for p in processes.values():
            p.proc.send_signal(signal.SIGTERM)
        took: dict[str, float] = {}
        while len(took) < len(processes) and time.monotonic() - started < LIMIT:
            for name, p in processes.items():
                if name not in took and p.proc.poll() is not None:
                    took[name] = time.monotonic() - started
            await asyncio.sleep(0.05)
        still = [name for name in processes if name not in took]
        assert not still, (
            f"still running {LIMIT} s after SIGTERM: {still} (ended: {took})\n"
            + "\n".join(f"--- {name}\n{processes[name].log_tail(15)}" for name in still)
        )
        assert max(took.values()) <= LIMIT
    finally:
        for p in processes.values():
            p.kill()
        own_stack.thaw()
