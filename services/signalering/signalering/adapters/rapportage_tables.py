"""Tables of the report read model (migration 0003_i12): one fact row per aanmelding and per traject, kept by the
event handlers of :mod:`signalering.service_layer.rapportage` and rebuilt from the event log when needed.

Keys are salted refs (HMAC-SHA256 with the service's salt, :mod:`signalering.domain.pseudoniem`), never the micro
ids. A separate ``MetaData``: migration 0002 creates every table of :mod:`signalering.adapters.tables`.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Integer, MetaData, Table, Text
from sqlalchemy.dialects.postgresql import ARRAY

rapportage_metadata = MetaData()

rapportage_aanmelding = Table(
    "rapportage_aanmelding",
    rapportage_metadata,
    Column("ref", Text, primary_key=True),
    Column("ontvangen_op", Date),
    Column("aanmelder_categorie", Text),
    Column("aanmelder_organisatie", Text),
    Column("leeftijd", Integer),
    Column("regio", Text),
    Column("blokkade_bij_aanmelding", Text),
    Column("opgestart_op", Date),
    Column("niet_opgestart_op", Date),
    Column("reden_niet_opstart", Text),
    Column("alternatief_advies", Text),
)

rapportage_traject = Table(
    "rapportage_traject",
    rapportage_metadata,
    Column("ref", Text, primary_key=True),
    Column("aanmelding_ref", Text),
    Column("startdatum", Date),
    Column("afgerond_op", Date),
    Column("afrondingsredenen", ARRAY(Text)),
    Column("blokkade_einde", Text),
)

RAPPORTAGE_TABELLEN = (rapportage_aanmelding, rapportage_traject)
