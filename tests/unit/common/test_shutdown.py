"""The bounded shutdown of a service process (``jeugdhulp_common.service.Shutdown``), without broker or database: a
step that does not end in its share is given up and named in the log; workers that do not stop are cancelled, and
those that do not even end when cancelled are left behind; past the budget the watchdog ends the process.
(``tests/e2e/test_e2e_shutdown.py`` shows it for the real processes against a broker and database that stop answering.)"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import textwrap
import time

import pytest

from jeugdhulp_common.service import Shutdown


async def _forever() -> None:
    await asyncio.Event().wait()


async def test_a_step_that_ends_in_time_is_awaited() -> None:
    assert await Shutdown(1.0).step("quick", asyncio.sleep(0.01), 0.5)


async def test_a_step_that_does_not_end_in_its_share_is_given_up_and_named(caplog: pytest.LogCaptureFixture) -> None:
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="jeugdhulp_common.bounded"):
        assert not await Shutdown(1.0).step("database pool close", _forever(), 0.2)
    assert time.monotonic() - started < 1.0
    [record] = [r for r in caplog.records if r.getMessage().startswith("gave up a step")]
    assert record.step == "database pool close"


async def test_workers_that_do_not_stop_are_cancelled_and_those_that_refuse_are_left_behind(caplog: pytest.LogCaptureFixture) -> None:
    stop = asyncio.Event()
    refused = asyncio.Event()

    async def obedient() -> None:
        await stop.wait()

    async def deaf() -> None:  # ignores stop, ends when cancelled
        await _forever()

    async def stubborn() -> None:  # ignores stop and swallows the first cancellation
        try:
            await _forever()
        except asyncio.CancelledError:
            refused.set()
            await _forever()

    running = [asyncio.create_task(f(), name=f.__name__) for f in (obedient, deaf, stubborn)]
    shutdown = Shutdown(1.0)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="jeugdhulp_common.service"):
        await shutdown.stop_workers(stop, running)
    took = time.monotonic() - started
    assert took < shutdown.seconds * (shutdown.WORKERS + shutdown.CANCELLED) + 0.3
    assert stop.is_set() and refused.is_set()
    assert running[0].done() and not running[0].cancelled() and running[1].cancelled() and not running[2].done()
    messages = {r.getMessage(): r.workers for r in caplog.records if r.getMessage().startswith("shutdown:")}
    assert messages == {
        "shutdown: workers did not stop in time, cancelling them": ["deaf", "stubborn"],
        "shutdown: cancelled workers still running, left behind": ["stubborn"],
    }
    running[2].cancel()


def test_the_watchdog_ends_a_process_whose_shutdown_hangs() -> None:
    """A process that began its shutdown and then hangs outside the event loop (a blocking call) still ends, one
    second after the budget, with exit code 1 and a log line."""
    code = textwrap.dedent("""
        import logging, sys, time
        logging.basicConfig(stream=sys.stderr, level=logging.INFO)
        from jeugdhulp_common.service import Shutdown
        Shutdown(0.5).begin()
        time.sleep(60)
    """)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    took = time.monotonic() - started
    assert done.returncode == Shutdown.EXIT_CODE
    assert "shutdown did not end in time: exiting now" in done.stderr
    assert 1.5 <= took < 15  # 0.5 s budget + 1 s margin, after the interpreter's start-up
