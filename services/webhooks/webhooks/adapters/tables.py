"""Tables of the webhooks service (its own database; created by migration 0001_i13, reshaped by 0002_i15w).

* ``subscription``: the subscription aggregate (:class:`webhooks.domain.abonnement.Abonnement`, with its signing
  secrets) as one JSONB ``document`` with ``id`` and ``version``, the shape of every aggregate row
  (:class:`jeugdhulp_common.unit_of_work.Repository`); ``organisatie``, ``url`` and ``status`` are lookup columns
  for lists and the delivery worker's claim. A secret must be readable to sign with, so it is stored as is: protect
  the database (and its backups) like the secrets themselves.
* ``delivery``: the durable delivery log, one row per (subscription, event): status, attempts, last error; the
  worker claims due rows ``FOR UPDATE SKIP LOCKED``. ``id`` orders deliveries of one aggregate per subscription.
* ``scope_aanmelding`` / ``scope_traject`` / ``scope_traject_org``: the dispatcher's projection of which organisations
  an aanmelding or traject concerns (ids and organisation names only).

Migration 0001_i13 creates these tables from this module as it is when it runs; 0002_i15w therefore reshapes only
a database that 0001 created in the earlier shape (columns per field, a ``subscription_secret`` table).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

subscription_table = Table(
    "subscription",
    metadata,
    Column("id", Uuid, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("document", JSONB, nullable=False),
    Column("organisatie", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("status", Text, nullable=False),  # ACTIVE | PAUSED | DISABLED
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("id", name="subscription_pkey"),
    Index("subscription_organisatie", "organisatie"),
)

delivery_table = Table(
    "delivery",
    metadata,
    Column("id", BigInteger, Identity(), nullable=False),
    Column("subscription_id", Uuid, nullable=False),
    Column("webhook_id", Text, nullable=False),
    Column("event_id", Uuid, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("aggregate_key", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("trace", JSONB),  # the consuming span's W3C trace context: each attempt's span is its child
    Column("status", Text, nullable=False),  # PENDING | DELIVERED | FAILED
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("window_started_at", DateTime(timezone=True)),  # first attempt (of this round: a replay restarts it)
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("last_status_code", Integer),
    Column("last_error", Text),
    Column("delivered_at", DateTime(timezone=True)),
    PrimaryKeyConstraint("id", name="delivery_pkey"),
    UniqueConstraint("subscription_id", "event_id", name="delivery_subscription_event_key"),
    ForeignKeyConstraint(["subscription_id"], ["subscription.id"], ondelete="CASCADE", name="delivery_subscription_fkey"),
    Index("delivery_due", "next_attempt_at", postgresql_where=text("status = 'PENDING'")),
    Index("delivery_pending_per_aggregate", "subscription_id", "aggregate_key", "id", postgresql_where=text("status = 'PENDING'")),
    Index("delivery_log", "subscription_id", "id"),
)

scope_aanmelding_table = Table(
    "scope_aanmelding",
    metadata,
    Column("aanmelding_id", Uuid, nullable=False),
    Column("organisatie", Text, nullable=False),
    PrimaryKeyConstraint("aanmelding_id", name="scope_aanmelding_pkey"),
)

scope_traject_table = Table(
    "scope_traject",
    metadata,
    Column("traject_id", Uuid, nullable=False),
    Column("aanmelding_id", Uuid, nullable=False),
    PrimaryKeyConstraint("traject_id", name="scope_traject_pkey"),
)

scope_traject_org_table = Table(
    "scope_traject_org",
    metadata,
    Column("traject_id", Uuid, nullable=False),
    Column("organisatie", Text, nullable=False),
    PrimaryKeyConstraint("traject_id", "organisatie", name="scope_traject_org_pkey"),
)
