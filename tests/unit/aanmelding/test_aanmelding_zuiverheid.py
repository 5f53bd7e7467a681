"""The domain package is pure: no I/O frameworks, no clock reads (time comes in as ``nu``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import aanmelding.domain

DOMEIN = Path(aanmelding.domain.__file__).parent
BESTANDEN = sorted(DOMEIN.glob("*.py"))
VERBODEN_MODULES = {"asyncio", "sqlalchemy", "fastapi", "aiokafka", "asyncpg", "httpx", "time", "os", "socket", "logging"}
VERBODEN_AANROEPEN = {"now", "utcnow", "today", "time", "monotonic"}


def test_er_zijn_bestanden() -> None:
    assert {p.name for p in BESTANDEN} >= {"__init__.py", "model.py", "intake.py", "screening.py", "toestanden.py"}


@pytest.mark.parametrize("pad", BESTANDEN, ids=lambda p: p.name)
def test_geen_io_en_geen_klok(pad: Path) -> None:
    boom = ast.parse(pad.read_text())
    for knoop in ast.walk(boom):
        if isinstance(knoop, ast.Import):
            namen = [a.name for a in knoop.names]
        elif isinstance(knoop, ast.ImportFrom):
            namen = [knoop.module or ""]
        else:
            namen = []
        for naam in namen:
            assert naam.split(".")[0] not in VERBODEN_MODULES, f"{pad.name} imports {naam}"
        if isinstance(knoop, ast.Call) and isinstance(knoop.func, ast.Attribute):
            assert knoop.func.attr not in VERBODEN_AANROEPEN, f"{pad.name} calls .{knoop.func.attr}()"
