"""Tables every service database has, besides its own: messaging (outbox, inbox), API credentials,
audit log and idempotency records. Created by each service's first migration through
:func:`jeugdhulp_common.migrations.create_common_tables`.
"""

from __future__ import annotations

from sqlalchemy import ARRAY, BigInteger, Column, DateTime, Identity, Index, Integer, MetaData, PrimaryKeyConstraint, Table, Text, Uuid, func, text
from sqlalchemy.dialects.postgresql import JSONB

common_metadata = MetaData()

outbox_table = Table(
    "outbox",
    common_metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("topic", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("headers", JSONB, nullable=False),  # CloudEvents attributes + the writer's trace context
    Column("payload", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True)),
    # Refused by the broker for a non-transient reason (e.g. too large): set aside until an operator re-queues it;
    # later rows of the same topic and key wait behind it (added by each service's migration 0003_i11).
    Column("parked_at", DateTime(timezone=True)),
    Column("parked_reason", Text),
    Index("outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
)

inbox_table = Table(
    "inbox",
    common_metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("event_type", Text, nullable=False),
    Column("topic", Text, nullable=False),
    Column("consumed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

api_credential_table = Table(
    "api_credential",
    common_metadata,
    Column("id", Uuid, primary_key=True),
    Column("organisatie", Text, nullable=False),
    Column("rollen", ARRAY(Text), nullable=False),
    Column("secret_sha256", Text, nullable=False),
    Column("omschrijving", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("revoked_at", DateTime(timezone=True)),
)

audit_log_table = Table(
    "audit_log",
    common_metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("op", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("credential_id", Uuid, nullable=False),
    Column("organisatie", Text, nullable=False),
    Column("rollen", ARRAY(Text), nullable=False),
    Column("actie", Text, nullable=False),  # LEZEN, AANMAKEN, or the domain action (e.g. OPSTARTEN)
    Column("aggregate_type", Text, nullable=False),
    Column("aggregate_id", Text, nullable=False),
    Column("trace_id", Text),
    # Set for refused requests (actie GEWEIGERD): status, problem title and the fields it names, never values (0003_i11).
    Column("reden", Text),
    Index("audit_log_aggregate", "aggregate_type", "aggregate_id", "op"),
)

idempotency_table = Table(
    "idempotency_record",
    common_metadata,
    Column("organisatie", Text, nullable=False),
    Column("sleutel", Text, nullable=False),
    Column("request_sha256", Text, nullable=False),
    Column("status_code", Integer),
    Column("response", JSONB),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("organisatie", "sleutel", name="idempotency_record_pkey"),
)
