"""Tables of the traject database (schema changes go through migrations/)."""

from sqlalchemy import ARRAY, BigInteger, Boolean, Column, Date, DateTime, Integer, MetaData, Table, Text, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB

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

# The aggregates' rows follow the shared repository's shape (jeugdhulp_common.unit_of_work.Repository): the key
# ``id``, the whole aggregate as JSONB ``document`` (the source of truth when loading) and ``version``. The stored
# column names predate that shape and stay (``key=`` gives them the shared names in code).

# The Traject aggregate (§4.2). The columns next to the document mirror what queries need: the timer (status,
# evaluatie_datum), partner scoping (rol_organisaties).
traject_table = Table(
    "traject",
    metadata,
    Column("traject_id", Uuid, key="id", primary_key=True),
    Column("aanmelding_id", Uuid, nullable=False, unique=True),  # 1:1 (§4.2)
    Column("status", Text, nullable=False),
    Column("startdatum", Date),
    Column("evaluatie_datum", Date),
    Column("blokkade_status", Text, nullable=False),
    Column("acute_crisis", Boolean, nullable=False),
    Column("rol_organisaties", ARRAY(Text), nullable=False),
    Column("data", JSONB, key="document", nullable=False),
    Column("version", Integer, nullable=False),
    Column("bron_event_id", Uuid, nullable=False),
    Column("aangemaakt_op", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("gewijzigd_op", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# The DIW-fonds aanvraag aggregate (§4.8, §5.3).
diw_aanvraag_table = Table(
    "diw_aanvraag",
    metadata,
    Column("aanvraag_id", Uuid, key="id", primary_key=True),
    Column("traject_id", Uuid, nullable=False),
    Column("status", Text, nullable=False),
    Column("bedrag_eurocent", BigInteger, nullable=False),
    Column("volgende_evaluatie_datum", Date),
    Column("data", JSONB, key="document", nullable=False),
    Column("version", Integer, nullable=False),
    Column("aangemaakt_op", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("gewijzigd_op", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
