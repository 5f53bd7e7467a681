"""Topic creation (the broker does not auto-create topics)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping

from aiokafka.admin import NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError

from jeugdhulp_common.kafka import KafkaConnection

log = logging.getLogger(__name__)


async def ensure_topics(
    kafka: KafkaConnection,
    topics: Iterable[str],
    *,
    partitions: int,
    replication_factor: int,
    configs: Mapping[str, str] | None = None,
    attempts: int = 30,
) -> None:
    """Create the topics that do not exist yet, with ``configs`` (topic-level settings such as
    ``max.message.bytes``; existing topics are left as they are). Retries while the broker is not reachable."""
    wanted = sorted(set(topics))
    for attempt in range(1, attempts + 1):
        admin = kafka.admin(request_timeout_ms=10000)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [t for t in wanted if t not in existing]
            if missing:
                try:
                    await admin.create_topics([NewTopic(t, partitions, replication_factor, topic_configs=dict(configs or {})) for t in missing])
                except TopicAlreadyExistsError:
                    pass  # created concurrently by another service
            return
        except KafkaError as exc:
            if attempt == attempts:
                raise
            log.warning("broker not ready for topic creation, retrying", extra={"error": type(exc).__name__})
            await asyncio.sleep(min(0.5 * attempt, 3))
        finally:
            await admin.close()
