"""Settings from the environment (pydantic-settings). Every variable is listed in the README.

Shared variables have no prefix (``KAFKA_BOOTSTRAP_SERVERS``, ``OTEL_*``, ``JH_*``); the database of a
service is ``<SERVICE>_DATABASE_URL`` (e.g. ``AANMELDING_DATABASE_URL``).
"""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from jeugdhulp_common.kafka import KafkaConnection


class CommonSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    service_name: str
    database_url: str = Field(description="SQLAlchemy async URL, postgresql+asyncpg://…")
    kafka_bootstrap_servers: str = Field("127.0.0.1:19092", validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    # Kafka security (see jeugdhulp_common.kafka); the username and password are this process's own principal:
    # <SERVICE>_KAFKA_SASL_USERNAME wins over KAFKA_SASL_USERNAME (see load_settings).
    kafka_security_protocol: str = Field("PLAINTEXT", validation_alias="KAFKA_SECURITY_PROTOCOL")
    kafka_sasl_mechanism: str = Field("SCRAM-SHA-512", validation_alias="KAFKA_SASL_MECHANISM")
    kafka_sasl_username: str | None = Field(None, validation_alias="KAFKA_SASL_USERNAME")
    kafka_sasl_password: str | None = Field(None, validation_alias="KAFKA_SASL_PASSWORD", repr=False)
    kafka_ssl_cafile: str | None = Field(None, validation_alias="KAFKA_SSL_CAFILE")

    # Tracing: OTLP/HTTP when an endpoint is set; a JSON-lines file when JH_TRACE_FILE is set (tests, local runs).
    otel_exporter_otlp_endpoint: str | None = Field(None, validation_alias="OTEL_EXPORTER_OTLP_ENDPOINT")
    trace_file: str | None = Field(None, validation_alias="JH_TRACE_FILE")
    log_level: str = Field("INFO", validation_alias="JH_LOG_LEVEL")

    # Verified API keys are cached this long per process (0: no cache); revocation evicts them at once (NOTIFY).
    auth_cache_seconds: float = Field(10.0, validation_alias="JH_AUTH_CACHE_SECONDS", ge=0)

    # Outbox relay
    relay_batch_size: int = Field(200, validation_alias="JH_RELAY_BATCH_SIZE")
    relay_idle_seconds: float = Field(0.2, validation_alias="JH_RELAY_IDLE_SECONDS")
    outbox_retention_hours: float = Field(168.0, validation_alias="JH_OUTBOX_RETENTION_HOURS")

    # Consumer
    consumer_max_attempts: int = Field(5, validation_alias="JH_CONSUMER_MAX_ATTEMPTS", ge=1)
    consumer_backoff_initial_seconds: float = Field(0.2, validation_alias="JH_CONSUMER_BACKOFF_INITIAL_SECONDS")
    consumer_backoff_max_seconds: float = Field(5.0, validation_alias="JH_CONSUMER_BACKOFF_MAX_SECONDS")
    # Records per poll, applied in one transaction (a failure replays them one by one): larger batches spread the
    # transaction, the inbox statement and the offset commit over more records when catching up or rebuilding.
    consumer_max_poll_records: int = Field(500, validation_alias="JH_CONSUMER_MAX_POLL_RECORDS", ge=1, le=10_000)
    # Processed records' offsets are committed at most this often (and on stop and rebalance): a commit is a broker
    # write; a record whose offset was not yet committed when the process dies is delivered again (the inbox absorbs it).
    consumer_commit_interval_seconds: float = Field(0.2, validation_alias="JH_CONSUMER_COMMIT_INTERVAL_SECONDS", ge=0, le=60)
    metrics_lag_refresh_seconds: float = Field(5.0, validation_alias="JH_METRICS_LAG_REFRESH_SECONDS", gt=0)
    # SIGTERM/SIGINT: the process ends within this many seconds whatever the broker and database do (see service.py).
    shutdown_seconds: float = Field(5.0, validation_alias="JH_SHUTDOWN_SECONDS", gt=0, le=300)

    # Topic creation (single-node dev broker: 1 replica)
    topic_partitions: int = Field(3, validation_alias="JH_TOPIC_PARTITIONS")
    topic_replication_factor: int = Field(1, validation_alias="JH_TOPIC_REPLICATION_FACTOR")
    # Dead-letter topics hold micro (P-class) data: they are kept no longer than this.
    dlt_retention_hours: float = Field(336.0, validation_alias="JH_DLT_RETENTION_HOURS", gt=0)
    # The largest record a topic takes (set as the topic's max.message.bytes when it is created) and the
    # producer's max request size; an event that would not fit is refused in the request that makes it.
    topic_max_message_bytes: int = Field(1_048_576, validation_alias="JH_TOPIC_MAX_MESSAGE_BYTES", ge=1024)

    # Database: how long a change waits for a row (or advisory) lock another change holds before it is refused
    # as a concurrent change (409); set per connection as Postgres' lock_timeout.
    db_lock_timeout_ms: int = Field(5000, validation_alias="JH_DB_LOCK_TIMEOUT_MS", ge=1, le=600_000)

    # HTTP
    max_request_bytes: int = Field(4 * 1024 * 1024, validation_alias="JH_MAX_REQUEST_BYTES", ge=1024)
    metrics_token: str | None = Field(None, validation_alias="JH_METRICS_TOKEN", repr=False)
    trace_sample_ratio: float = Field(1.0, validation_alias="JH_TRACE_SAMPLE_RATIO", ge=0.0, le=1.0)


    @property
    def kafka(self) -> KafkaConnection:
        """The connection every Kafka client of this process is built from."""
        return KafkaConnection(
            bootstrap_servers=self.kafka_bootstrap_servers,
            security_protocol=self.kafka_security_protocol.upper(),
            sasl_mechanism=self.kafka_sasl_mechanism.upper(),
            sasl_username=self.kafka_sasl_username,
            sasl_password=self.kafka_sasl_password,
            ssl_cafile=self.kafka_ssl_cafile,
        )


def load_settings(cls: type[CommonSettings], service_name: str) -> CommonSettings:
    """Settings of one service: the ``<SERVICE>_`` prefix applies to fields without an explicit alias."""

    prefix = f"{service_name.upper()}_"

    class _Prefixed(cls):  # type: ignore[valid-type, misc]
        model_config = SettingsConfigDict(env_prefix=prefix, extra="ignore")
        kafka_sasl_username: str | None = Field(None, validation_alias=AliasChoices(f"{prefix}KAFKA_SASL_USERNAME", "KAFKA_SASL_USERNAME"))
        kafka_sasl_password: str | None = Field(
            None, validation_alias=AliasChoices(f"{prefix}KAFKA_SASL_PASSWORD", "KAFKA_SASL_PASSWORD"), repr=False
        )

    _Prefixed.__name__ = cls.__name__
    return _Prefixed(service_name=service_name)
