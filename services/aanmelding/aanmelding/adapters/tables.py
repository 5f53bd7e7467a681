"""Tables of the aanmelding database (schema changes go through migrations/)."""

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, Table, Text, Uuid
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

aanmelding_table = Table(
    "aanmelding",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("aanmelder_organisatie", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("jongere_ref", Text, nullable=False),
    Column("ontvangen_op", DateTime(timezone=True), nullable=False),
    Column("document", JSONB, nullable=False),  # the aggregate through jeugdhulp_common.codec (0005_i15a)
    Column("version", Integer, nullable=False),  # checked on every save (jeugdhulp_common.unit_of_work)
    Column("regio_jongere", Text, nullable=False),  # 0002: for the list filter
)

intake_table = Table(
    "intake",
    metadata,
    Column("sleutel", Text, primary_key=True),  # one row: aanmelding.domain.INTAKE_KEY
    Column("open", Boolean, nullable=False),
    Column("reden", Text),
    Column("gewijzigd_op", DateTime(timezone=True)),
    Column("version", Integer, nullable=False),
)
