"""Tables of the aanmelding database (schema changes go through migrations/)."""

from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text, Uuid
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
    Column("document", JSONB, nullable=False),
    Column("version", Integer, nullable=False),
)
