from __future__ import annotations

import pytest
import support

from jeugdhulp_common import topics
from jeugdhulp_common.kafka_admin import ensure_topics


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/integration/" in str(item.fspath) or "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.infra)


@pytest.fixture(scope="session", autouse=True)
async def infra() -> None:
    """Migrations applied and every topic created, once per session."""
    support.migrate_all()
    await ensure_topics(
        support.bootstrap(),
        [*topics.EVENT_TOPICS, *(topics.dead_letter_topic(s) for s in support.SERVICES)],
        partitions=3,
        replication_factor=1,
    )
