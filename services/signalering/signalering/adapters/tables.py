"""Tables of the signalering service (its own database). Aggregates are stored as a JSONB document (``data``,
written and read by :mod:`jeugdhulp_common.codec`) with a ``version`` (the shared locking policy) next to the columns
that queries need.

Privacy: ``signaal.traject_id`` and the identifying data inside a CONCEPT's document exist only while the signal is
CONCEPT (the domain drops them on release, and the repository then writes NULL). The salt lives in
``signalering_geheim`` and nowhere else. Created by migration 0002 (``version`` added by 0006_i15).

:func:`als_document` gives the repositories (:mod:`jeugdhulp_common.unit_of_work`) the same table with the keys
the repository base expects (``id``, ``document``, ``version``); the column names in the database stay as they are.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Identity,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

metadata = MetaData()

geheim_table = Table(
    "signalering_geheim",
    metadata,
    Column("naam", Text, primary_key=True),  # "traject_ref_salt"
    Column("waarde", LargeBinary, nullable=False),
    Column("aangemaakt_op", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

signaal_table = Table(
    "signaal",
    metadata,
    Column("signaal_id", Uuid, primary_key=True),
    Column("status", Text, nullable=False),
    Column("traject_id", Uuid),  # only while CONCEPT
    Column("aangemaakt_op", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("gewijzigd_op", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("data", JSONB, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),  # the shared locking policy (0006_i15)
    Index("signaal_status", "status", "aangemaakt_op"),
)

thema_table = Table(
    "thema",
    metadata,
    Column("thema_id", Uuid, primary_key=True),
    Column("naam", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("aantal_trajecten", Integer, nullable=False, server_default="0"),
    Column("laatste_signaal_op", DateTime(timezone=True)),
    Column("data", JSONB, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),  # the shared locking policy (0006_i15)
    UniqueConstraint("naam", name="thema_naam_uniek"),
)

thema_historie_table = Table(
    "thema_historie",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("thema_id", Uuid, nullable=False),
    Column("op", DateTime(timezone=True), nullable=False),
    Column("gebeurtenis", Text, nullable=False),  # the event type, or SIGNAAL_GEKOPPELD
    Column("status", Text, nullable=False),
    Column("van", Text),
    Column("aantal_trajecten", Integer, nullable=False),
    Index("thema_historie_thema", "thema_id", "id"),
)

sessie_table = Table(
    "lerend_netwerk_sessie",
    metadata,
    Column("sessie_id", Uuid, primary_key=True),
    Column("thema_id", Uuid, nullable=False),
    Column("status", Text, nullable=False),
    Column("datum", Date, nullable=False),
    Column("data", JSONB, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),  # the shared locking policy (0006_i15)
    Index("sessie_thema", "thema_id"),
)

bevinding_table = Table(
    "bevinding",
    metadata,
    Column("bevinding_id", Uuid, primary_key=True),
    Column("thema_id", Uuid, nullable=False),
    Column("subthema", Text, nullable=False),
    Column("sessie_id", Uuid),
    Column("toelichting", Text, nullable=False, server_default=""),
    Column("volgorde", BigInteger, Identity(), nullable=False),
    Index("bevinding_thema", "thema_id"),
)

forum_table = Table(
    "forum",
    metadata,
    Column("forum_id", Uuid, primary_key=True),
    Column("datum", Date, nullable=False),
    Column("vorm", Text, nullable=False),
    Column("data", JSONB, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),  # the shared locking policy (0006_i15)
)

tafel_table = Table(
    "discussietafel",
    metadata,
    Column("tafel_id", Uuid, primary_key=True),
    Column("forum_id", Uuid, nullable=False),
    Column("thema_id", Uuid, nullable=False),
    Column("status", Text, nullable=False),
    Column("volgorde", BigInteger, Identity(), nullable=False),
    Column("data", JSONB, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),  # the shared locking policy (0006_i15)
    Index("tafel_forum", "forum_id"),
)

actiepunt_table = Table(
    "actiepunt",
    metadata,
    Column("actiepunt_id", Uuid, primary_key=True),
    Column("tafel_id", Uuid, nullable=False),
    Column("status", Text, nullable=False),
    Column("aangemaakt_op", Date, nullable=False),
    Column("laatst_gesignaleerd_op", Date),
    Column("volgorde", BigInteger, Identity(), nullable=False),
    Column("data", JSONB, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),  # the shared locking policy (0006_i15)
    Index("actiepunt_open", "status", "aangemaakt_op"),
    Index("actiepunt_tafel", "tafel_id"),
)

aanbeveling_table = Table(
    "beleidsaanbeveling",
    metadata,
    Column("aanbeveling_id", Uuid, primary_key=True),
    Column("niveau", Text, nullable=False),
    Column("jaar", Integer, nullable=False),
    Column("status", Text, nullable=False),
    Column("volgorde", BigInteger, Identity(), nullable=False),
    Column("data", JSONB, nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),  # the shared locking policy (0006_i15)
)

terugkoppeling_table = Table(
    "terugkoppeling",
    metadata,
    Column("terugkoppeling_id", Uuid, primary_key=True),
    Column("van_niveau", Text, nullable=False),
    Column("naar_organisaties", ARRAY(Text), nullable=False),
    Column("inhoud_ref", Text, nullable=False),
    Column("verstuurd_op", DateTime(timezone=True), nullable=False),
)

telling_table = Table(
    "telling",
    metadata,
    Column("bron", Text, nullable=False),  # BLOKKADE_NAAR, ACUTE_CRISIS, NIET_OPGESTART_REDEN, AFGEROND_REDEN, …
    Column("code", Text, nullable=False),
    Column("jaar", Integer, nullable=False),
    Column("aantal", Integer, nullable=False),
    PrimaryKeyConstraint("bron", "code", "jaar", name="telling_pkey"),
)


_documenten = MetaData()
_KEYS = {"data": "document"}


def als_document(table: Table, sleutel: str) -> Table:
    """``table`` as the repository base sees it: primary key ``sleutel`` under the key ``id``, ``data`` under the key
    ``document`` (same database columns; a separate MetaData, never migrated). ``gewijzigd_op`` is set on update."""
    kolommen = [
        Column(
            c.name,
            c.type,
            key="id" if c.name == sleutel else _KEYS.get(c.name, c.name),
            primary_key=c.primary_key,
            nullable=c.nullable,
            server_default=c.server_default._copy() if c.server_default is not None else None,  # type: ignore[attr-defined]
            onupdate=func.now() if c.name == "gewijzigd_op" else None,
        )
        for c in table.columns
    ]
    return Table(table.name, _documenten, *kolommen)
