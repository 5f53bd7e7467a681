"""The three services as processes, a coördinator / planmaker / partner / stuurgroep key valid on all three, and the
history fixture (the project's own copy of the 2024 report's history)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import support

from jeugdhulp_common.auth import Toegangsrol, create_credential
from rapportage_helpers import ENV, Stack

@pytest.fixture(scope="module")
async def stack(log_dir: Path, infra: None) -> Stack:
    urls = {s: support.database_url(s) for s in support.SERVICES}
    keys = {r: await create_credential(urls, f"Rapportage {r.value}", [r]) for r in Toegangsrol}
    procs = {
        s: support.ServiceProcess(s, "serve", log_dir=log_dir, port=support.free_port(), env=ENV).start() for s in support.SERVICES
    }
    try:
        for p in procs.values():
            await p.wait_healthy(timeout=120)
        yield Stack(procs["aanmelding"], procs["traject"], procs["signalering"], keys)
    finally:
        for p in procs.values():
            p.stop()


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's chromium; installed (as root, with apt-get) when missing."""
    path = shutil.which("chromium")
    if path is None:
        subprocess.run(["apt-get", "update", "-qq"], check=True, capture_output=True, timeout=600)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"],
            check=True,
            capture_output=True,
            timeout=1200,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        )
        path = shutil.which("chromium")
    assert path, "chromium could not be installed"
    return path
