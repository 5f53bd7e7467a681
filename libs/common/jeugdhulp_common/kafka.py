"""The one way to connect to Kafka: every producer, consumer and admin client in the project is built here.

A :class:`KafkaConnection` holds the broker address and the client's credentials:

* ``KAFKA_BOOTSTRAP_SERVERS``: ``host:port[,host:port]``;
* ``KAFKA_SECURITY_PROTOCOL``: ``SASL_SSL`` (what the project's broker offers), ``SSL``, ``SASL_PLAINTEXT``
  or ``PLAINTEXT`` (only for a broker you run without security);
* ``KAFKA_SASL_MECHANISM``: ``SCRAM-SHA-512`` (default), ``SCRAM-SHA-256`` or ``PLAIN``;
* ``<NAME>_KAFKA_SASL_USERNAME`` / ``<NAME>_KAFKA_SASL_PASSWORD``, falling back to ``KAFKA_SASL_USERNAME`` /
  ``KAFKA_SASL_PASSWORD``: the principal of this process (``<NAME>`` is the service, ``OPS`` for the operator
  CLI), so that one environment can hold each service's own credentials;
* ``KAFKA_SSL_CAFILE``: the certificate authority that signed the broker's certificate (unset: the system's
  trust store, as for a managed Kafka with a public certificate). The broker's host name is always verified.

Nothing here is specific to the local broker, so the same settings work against Strimzi or a cloud Kafka.
"""

from __future__ import annotations

import functools
import os
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.helpers import create_ssl_context
from aiokafka.partitioner import DefaultPartitioner, murmur2

SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN")


class KafkaConfigError(ValueError):
    """The Kafka settings do not make a usable connection; the message names the variable."""


@dataclass(frozen=True)
class KafkaConnection:
    bootstrap_servers: str
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = "SCRAM-SHA-512"
    sasl_username: str | None = None
    sasl_password: str | None = None
    ssl_cafile: str | None = None

    def __post_init__(self) -> None:
        if self.security_protocol not in SECURITY_PROTOCOLS:
            raise KafkaConfigError(f"KAFKA_SECURITY_PROTOCOL={self.security_protocol!r}: one of {', '.join(SECURITY_PROTOCOLS)}")
        if self.uses_sasl:
            if self.sasl_mechanism not in SASL_MECHANISMS:
                raise KafkaConfigError(f"KAFKA_SASL_MECHANISM={self.sasl_mechanism!r}: one of {', '.join(SASL_MECHANISMS)}")
            if not self.sasl_username or not self.sasl_password:
                raise KafkaConfigError(f"KAFKA_SECURITY_PROTOCOL={self.security_protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD")
        if self.ssl_cafile and not os.path.isfile(self.ssl_cafile):
            raise KafkaConfigError(f"KAFKA_SSL_CAFILE={self.ssl_cafile!r} is not a file")

    @property
    def uses_sasl(self) -> bool:
        return self.security_protocol.startswith("SASL_")

    @property
    def uses_tls(self) -> bool:
        return self.security_protocol in ("SSL", "SASL_SSL")

    @property
    def principal(self) -> str | None:
        return self.sasl_username if self.uses_sasl else None

    @classmethod
    def from_env(cls, name: str | None = None, env: Mapping[str, str] | None = None) -> KafkaConnection:
        """The connection of process ``name`` from environment variables (see the module docstring)."""
        env = os.environ if env is None else env
        prefix = f"{name.upper()}_" if name else ""

        def own(var: str) -> str | None:
            return (env.get(prefix + var) if prefix else None) or env.get(var) or None

        return cls(
            bootstrap_servers=env.get("KAFKA_BOOTSTRAP_SERVERS") or "127.0.0.1:19092",
            security_protocol=(env.get("KAFKA_SECURITY_PROTOCOL") or "PLAINTEXT").upper(),
            sasl_mechanism=(env.get("KAFKA_SASL_MECHANISM") or "SCRAM-SHA-512").upper(),
            sasl_username=own("KAFKA_SASL_USERNAME"),
            sasl_password=own("KAFKA_SASL_PASSWORD"),
            ssl_cafile=env.get("KAFKA_SSL_CAFILE") or None,
        )

    def as_user(self, username: str, password: str) -> KafkaConnection:
        """The same broker and security, another principal (tests, the subscriber CLI)."""
        return KafkaConnection(self.bootstrap_servers, self.security_protocol, self.sasl_mechanism, username, password, self.ssl_cafile)

    def ssl_context(self) -> ssl.SSLContext | None:
        if not self.uses_tls:
            return None
        ctx = create_ssl_context(cafile=self.ssl_cafile) if self.ssl_cafile else ssl.create_default_context()
        ctx.check_hostname = True
        ctx.verify_mode = ssl.CERT_REQUIRED
        return ctx

    def options(self) -> dict[str, Any]:
        """Keyword arguments shared by aiokafka's producer, consumer and admin client."""
        opts: dict[str, Any] = {"bootstrap_servers": self.bootstrap_servers, "security_protocol": self.security_protocol}
        if self.uses_tls:
            opts["ssl_context"] = self.ssl_context()
        if self.uses_sasl:
            opts.update(sasl_mechanism=self.sasl_mechanism, sasl_plain_username=self.sasl_username, sasl_plain_password=self.sasl_password)
        return opts

    def librdkafka_config(self) -> dict[str, str]:
        """The same connection for confluent-kafka (librdkafka), used only for ACL and SCRAM-user administration."""
        cfg = {"bootstrap.servers": self.bootstrap_servers, "security.protocol": self.security_protocol.lower()}
        if self.uses_tls:
            cfg["ssl.endpoint.identification.algorithm"] = "https"
            if self.ssl_cafile:
                cfg["ssl.ca.location"] = self.ssl_cafile
        if self.uses_sasl:
            cfg.update({"sasl.mechanism": self.sasl_mechanism, "sasl.username": self.sasl_username or "", "sasl.password": self.sasl_password or ""})
        return cfg

    def producer(self, **kw: Any) -> AIOKafkaProducer:
        """An idempotent producer, acks from all in-sync replicas, keyed records partitioned as by aiokafka's default
        (:func:`key_partitioner`) (override with ``kw``)."""
        opts: dict[str, Any] = {
            "enable_idempotence": True,
            "acks": "all",
            "linger_ms": 5,
            "request_timeout_ms": 15000,
            "partitioner": key_partitioner,
        }
        opts.update(kw)
        return AIOKafkaProducer(**self.options(), **opts)

    def consumer(self, *topics: str, **kw: Any) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(*topics, **self.options(), **kw)

    def admin(self, **kw: Any) -> AIOKafkaAdminClient:
        return AIOKafkaAdminClient(**self.options(), **kw)


@functools.lru_cache(maxsize=4096)
def _key_hash(key: bytes) -> int:
    return murmur2(key) & 0x7FFFFFFF


_DEFAULT_PARTITIONER = DefaultPartitioner()


def key_partitioner(key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
    """aiokafka's default partitioner (murmur2 of the key, as the Java client) with the key's hash remembered: the hash is
    pure Python (about a tenth of a millisecond per record on a busy machine) and the events of one aggregate, published
    together, share a key. The same partition for every key as :class:`aiokafka.partitioner.DefaultPartitioner`."""
    if key is None:
        return _DEFAULT_PARTITIONER(key, all_partitions, available)
    return all_partitions[_key_hash(key) % len(all_partitions)]


async def partitions(consumer: AIOKafkaConsumer, topics: Iterable[str], *, refresh: bool = False) -> list[TopicPartition]:
    """Every partition of ``topics`` (in that order, partitions ascending; a topic the broker does not show has none).
    The client's metadata is refreshed first when ``refresh`` (a topic may have been created since the client
    started), else only when it does not know a topic yet (the first use of a topic in this client)."""
    if refresh:
        await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public way
    tps: list[TopicPartition] = []
    for topic in topics:
        parts = consumer.partitions_for_topic(topic)
        if parts is None:
            await consumer._client.force_metadata_update()  # noqa: SLF001 - first use of the topic in this client
            parts = consumer.partitions_for_topic(topic) or set()
        tps += [TopicPartition(topic, p) for p in sorted(parts)]
    return tps
