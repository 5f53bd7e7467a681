"""The README's recipe on an empty database: the credential and operator CLIs migrate first; expected conditions are one line."""

from __future__ import annotations

import asyncio
import os
import sys

import asyncpg
import support

from jeugdhulp_common import topics


async def run(module: str, *args: str, env: dict[str, str]) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, *args, cwd=support.ROOT, env={**os.environ, **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return proc.returncode, out.decode(), err.decode()


async def test_credential_and_ops_commands_migrate_an_empty_database_first() -> None:
    url, dsn = await support.fresh_database("traject", "i11_fresh")
    env = {"TRAJECT_DATABASE_URL": url}

    rc, out, err = await run("jeugdhulp_common.auth", "create", "--organisatie", "Voorziening X", "--rol", "PARTNER", "--service", "traject", env=env)
    assert rc == 0, err
    assert out.startswith("jh_") and "Traceback" not in err
    conn = await asyncpg.connect(dsn)
    try:
        assert await conn.fetchval("SELECT count(*) FROM api_credential WHERE organisatie = 'Voorziening X'") == 1
        assert await conn.fetchval("SELECT version_num FROM alembic_version") is not None
    finally:
        await conn.close()

    rc, out, err = await run("jeugdhulp_common.ops", "outbox", "list", "traject", env=env)
    assert (rc, out.strip()) == (0, "no parked outbox rows for traject")


async def test_expected_conditions_are_one_line_not_a_traceback() -> None:
    rc, out, err = await run("jeugdhulp_common.ops", "outbox", "list", "traject", env={"TRAJECT_DATABASE_URL": ""})
    assert rc == 1 and err.strip() == 'Error: set TRAJECT_DATABASE_URL (e.g. eval "$(python scripts/devstack.py env)")'
    gone = support.database_url("traject").rsplit("@", 1)[0] + f"@127.0.0.1:{support.free_port()}/traject"
    rc, out, err = await run("jeugdhulp_common.ops", "outbox", "requeue", "traject", "--all", env={"TRAJECT_DATABASE_URL": gone})
    assert rc == 1 and len(err.strip().splitlines()) == 1 and "is it running?" in err and "Traceback" not in err
    rc, out, err = await run("jeugdhulp_common.ops", "dlt", "list", "traject", env={"KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{support.free_port()}"})
    assert rc == 1 and "not reachable" in err and "Traceback" not in err
    rc, out, err = await run("jeugdhulp_common.ops", "rebuild", "traject", env={})
    assert rc == 0 and out.startswith("would reset consumer group traject to the beginning of: jeugdhulp.aanmelding.micro")


async def test_rebuild_replays_the_log_into_a_stopped_service_with_a_progress_bar_and_no_second_effect(log_dir) -> None:
    signalen = lambda: support.db_fetchval("signalering", "SELECT count(*) FROM signaal")  # noqa: E731
    inbox = lambda: support.db_fetchval("signalering", "SELECT count(*) FROM inbox")  # noqa: E731
    # Other tests of the suite publish events that no signalering consumer was running to take: let one catch up
    # first, so that every event on its topics is in its inbox before the rebuild replays them all.
    catching_up = support.ServiceProcess("signalering", "consume", log_dir=log_dir).start()
    try:
        await support.wait_for(
            lambda: support.consumer_group_caught_up("signalering", *topics.SERVICE_READS["signalering"]),
            timeout=240, interval=1, what="signalering's consumer group at the end of its topics",
        )
    finally:
        catching_up.stop()
    before = (await signalen(), await inbox())
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "jeugdhulp_common.ops", "rebuild", "signalering", "--yes", "--follow", cwd=support.ROOT, env=dict(os.environ),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    consumer = None
    try:
        assert proc.stdout is not None
        first = (await asyncio.wait_for(proc.stdout.readline(), timeout=120)).decode()
        if not first:
            raise AssertionError((await proc.communicate())[1].decode())
        assert first.startswith("consumer group signalering reset to the beginning of ") and "record(s) to re-read" in first, first
        assert (await proc.stdout.readline()).decode().strip() == "start the consumer: python -m signalering consume (or serve)"
        consumer = support.ServiceProcess("signalering", "consume", log_dir=log_dir).start()
        out, err = await asyncio.wait_for(proc.communicate(), timeout=300)
        assert proc.returncode == 0, err.decode()
        assert "signalering consuming the log" in err.decode()  # the progress bar (stderr)

        # While its consumer runs, a rebuild is refused in one line.
        rc, out, err = await run("jeugdhulp_common.ops", "rebuild", "signalering", "--yes", env={})
        assert rc == 1 and "active member(s)" in err and "stop the signalering consumers first" in err
    finally:
        if proc.returncode is None:
            proc.kill()
        if consumer is not None:
            consumer.stop()
    assert (await signalen(), await inbox()) == before  # every event was already in the inbox: no second effect
