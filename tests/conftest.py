"""Fixtures shared by the suite.

Unit tests (tests/unit) need nothing. Integration and end-to-end tests need the real broker and
database that ``make test`` starts with ``scripts/devstack.py test``; without them they FAIL with a
message saying so — they are never skipped.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import support

import jeugdhulp_common.contracts  # noqa: F401 - registers every event type
from jeugdhulp_common import topics
from jeugdhulp_common.kafka_admin import ensure_topics


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/integration/" in str(item.fspath) or "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.infra)


@pytest.fixture(scope="session")
async def infra() -> None:
    """Migrations applied and every topic created, once per session (autouse in integration/ and e2e/)."""
    await asyncio.to_thread(support.migrate_all)  # Alembic runs its own event loop
    names = [*topics.EVENT_TOPICS, *(topics.dead_letter_topic(s) for s in support.SERVICES)]
    await ensure_topics(support.kafka(), names, partitions=3, replication_factor=1, configs=topics.topic_configs(names, dlt_retention_hours=336))


@pytest.fixture(scope="session")
def log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("service-logs")
