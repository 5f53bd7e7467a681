"""Tables of the traject database (schema changes go through migrations/)."""

from sqlalchemy import Column, DateTime, MetaData, Table, Text, Uuid

metadata = MetaData()

aanmelding_projectie = Table(
    "aanmelding_projectie",
    metadata,
    Column("aanmelding_id", Uuid, primary_key=True),
    Column("aanmelder_organisatie", Text, nullable=False),
    Column("ontvangen_op", DateTime(timezone=True), nullable=False),
    Column("bron_event_id", Uuid, nullable=False),
    Column("geregistreerd_op", DateTime(timezone=True)),
)
