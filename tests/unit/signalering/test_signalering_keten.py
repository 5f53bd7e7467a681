"""The whole loop of §6, pure: samenwerkingsoverleg → signals → release → recurring theme → lerend netwerk →
forum → stuurgroep → beleidsaanbeveling → terugkoppeling. Every event is anonymous (class A, §10) and carries
neither the traject id nor the young person's data (§9)."""

from __future__ import annotations

import ast
import datetime as dt
import pathlib
import uuid
from collections.abc import Callable

import signalering.domain as domein
from jeugdhulp_common import topics
from jeugdhulp_common.contracts.traject import SamenwerkingsoverlegGehoudenV2
from jeugdhulp_common.contracts.vocabulary import (
    AanbevelingNiveau,
    ActiepuntAdresNiveau,
    ActiepuntStatus,
    Niveau,
    Sector,
    ThemaStatus,
)
from jeugdhulp_common.events import REGISTRY, Event, PrivacyClass

from signalering.domain import (
    Beleidsaanbeveling,
    Deelnemer,
    DetectieContext,
    Discussietafel,
    Forum,
    ForumDeelnemer,
    ForumVorm,
    LerendNetwerkSessie,
    PostIt,
    PostItVraag,
    SignaleringRegels,
    Stelling,
    Thema,
    controleer_anoniem,
    koppel_actiepunt_terug,
    koppel_signaal,
    signalen_uit_overleg,
    terugkoppeling_na_lerend_netwerk,
    thema_traject_ref,
    traject_ref,
)


def test_de_hele_keten_is_anoniem(maak_overleg: Callable[..., SamenwerkingsoverlegGehoudenV2], salt: bytes, nu: dt.datetime) -> None:
    regels = SignaleringRegels()
    events: list[Event] = []
    thema = Thema.nieuw(uuid.uuid4(), "Coördinatie en continuïteit van zorg", nu=nu)

    # micro: two trajecten, the first with two signals
    traject_a, traject_b = uuid.uuid4(), uuid.uuid4()
    overleggen = [
        maak_overleg(traject_a, teksten=("Lisa Peeters (0470 12 34 56) bleef zonder plaats.", "Lisa wisselde vaak van consulent.")),
        maak_overleg(traject_b, teksten=("Zonder trajectcoördinator viel het plan stil.",), namen=("Omar Haddad",)),
    ]
    for overleg in overleggen:
        for signaal in signalen_uit_overleg(overleg, salt=salt):
            if signaal.persoonsgegevens():
                signaal.bewerk(tekst="De jongere bleef lang zonder vaste plaats; wissels van consulent wogen door.")
            signaal.vrijgeven(salt=salt, nu=nu)
            koppel_signaal(signaal, [thema], regels=regels, nu=nu)
            events += signaal.neem_events()
    assert (thema.status, thema.aantal_trajecten) == (ThemaStatus.BACKLOG, 2)
    assert thema.traject_refs == {thema_traject_ref(traject_ref(t, salt), thema.thema_id) for t in (traject_a, traject_b)}

    # meso: lerend netwerk
    sessie = LerendNetwerkSessie.plan(uuid.uuid4(), thema, dt.date(2025, 2, 6), nu=nu,
                                      deelnemers=[Deelnemer("Jeugdhulpregisseur", "ACT W-VL"), Deelnemer("Zorgcoördinator", "VOT")])  # fmt: skip
    sessie.voeg_stelling_toe(Stelling("Iedere jongere heeft één vaste trajectcoördinator.", 7, 3))
    sessie.voeg_post_it_toe(PostIt(Niveau.MESO, PostItVraag.WAT_WERKT_ER, "Afspraken over wie het overzicht bewaart"))
    sessie.leg_uitkomst_vast(subthemas=["Wie heeft de zorg vast?", "Relationele continuïteit"], verslag="Verslag.",
                             ontbrekende_partners=["OCJ"])  # fmt: skip
    bevindingen = sessie.houd(thema, nu=nu)
    terug_ln = terugkoppeling_na_lerend_netwerk(sessie, uuid.uuid4(), nu=nu)

    # macro: forum, stuurgroep, beleid, feedback
    forum = Forum.plan(uuid.uuid4(), dt.date(2025, 5, 15), ForumVorm.DIGITAAL, [ForumDeelnemer("ACT W-VL", Sector.GEEN, 4)])
    tafel = Discussietafel.open(uuid.uuid4(), forum, thema, bevindingen, nu=nu)
    tafel.stel_prioritering_vast({"Wie heeft de zorg vast?": 60, "Relationele continuïteit": 40}, nu=nu)
    actiepunt = tafel.voeg_actiepunt_toe(uuid.uuid4(), bevinding_id=bevindingen[0].bevinding_id, tekst="Trekkersrol vastleggen per traject",
                                         adres_niveau=ActiepuntAdresNiveau.NETWERKEN, eigenaar="Stuurgroep Co-ncept",
                                         aangemaakt_op=dt.date(2025, 5, 15), nu=nu)  # fmt: skip
    tafel.rond_af(nu=nu)
    actiepunt.opnemen(nu=nu)
    terug_ap = koppel_actiepunt_terug(actiepunt, uuid.uuid4(), nu=nu)
    thema.naar_stuurgroep(nu=nu)
    aanbeveling = Beleidsaanbeveling.formuleer(uuid.uuid4(), niveau=AanbevelingNiveau.NETWERKEN, themas=[thema],
                                               tekst="Leg per traject vast wie de zorg vasthoudt.",
                                               randvoorwaarden=["Mandaat van alle betrokken hulpverleners"],
                                               drempels=["Wissels van consulenten"], jaar=2025, nu=nu)  # fmt: skip
    terug_ab = aanbeveling.koppel_terug(uuid.uuid4(), naar_organisaties=["ACT W-VL", "VOT"], nu=nu)

    assert thema.status == ThemaStatus.BELEIDSVOORSTEL
    assert actiepunt.status == ActiepuntStatus.TERUGGEKOPPELD
    for agg in (thema, sessie, tafel, actiepunt, aanbeveling, terug_ln, terug_ap, terug_ab):
        events += agg.neem_events()

    soorten = [type(e).__name__ for e in events]
    assert soorten.count("SignaalVrijgegeven") == 3
    assert set(soorten) == {
        "SignaalVrijgegeven", "ThemaAangemaakt", "ThemaTerugkerend", "ThemaStatusGewijzigd", "LerendNetwerkSessieGehouden",
        "TerugkoppelingVerstuurd", "PrioriteringVastgesteld", "ActiepuntAangemaakt", "DiscussietafelAfgerond",
        "ActiepuntStatusGewijzigd", "BeleidsaanbevelingGeformuleerd",
    }  # fmt: skip

    context = DetectieContext(namen=("Lisa Peeters", "Marc Peeters", "Omar Haddad"))
    for ev in events:
        assert ev.privacy == PrivacyClass.A
        assert ev.topic in (topics.SIGNALERING_MESO, topics.SIGNALERING_MACRO)
        controleer_anoniem(ev, context=context)
        body = ev.model_dump_json(by_alias=True)
        for traject_id in (traject_a, traject_b):
            assert str(traject_id) not in body and traject_id.hex not in body
        for overleg in overleggen:
            assert str(overleg.overleg_id) not in body


def test_alle_signalering_events_zijn_klasse_a() -> None:
    klassen = [c for c in REGISTRY.all() if c.producer == "signalering"]
    assert len(klassen) == 14  # 11 events, 3 of them (the theme events) also as version 1, kept for reading
    assert len({c.event_type for c in klassen}) == 11
    assert {c.privacy for c in klassen} == {PrivacyClass.A}
    assert all("traject_id" not in c.model_fields for c in klassen)


def test_domeinpakket_doet_geen_io_en_leest_geen_klok() -> None:
    """Pure domain: no asyncio, database, HTTP, file or clock access in the package source."""
    verboden_modules = {"asyncio", "sqlalchemy", "fastapi", "aiokafka", "asyncpg", "httpx", "requests", "os", "time", "random"}
    verboden_methodes = {"now", "utcnow", "today", "uuid1", "uuid4", "urandom", "read_text", "write_text"}
    verboden_functies = {"open", "uuid1", "uuid4", "urandom", "input", "print"}
    map_ = pathlib.Path(domein.__file__).parent
    bestanden = sorted(map_.glob("*.py"))
    assert len(bestanden) >= 10
    for bestand in bestanden:
        boom = ast.parse(bestand.read_text(encoding="utf-8"))
        for knoop in ast.walk(boom):
            if isinstance(knoop, ast.Import):
                assert not {a.name.split(".")[0] for a in knoop.names} & verboden_modules, bestand.name
            elif isinstance(knoop, ast.ImportFrom):
                assert (knoop.module or "").split(".")[0] not in verboden_modules, bestand.name
            elif isinstance(knoop, ast.Call) and isinstance(knoop.func, ast.Attribute):
                assert knoop.func.attr not in verboden_methodes, f"{bestand.name}: .{knoop.func.attr}()"
            elif isinstance(knoop, ast.Call) and isinstance(knoop.func, ast.Name):
                assert knoop.func.id not in verboden_functies, f"{bestand.name}: {knoop.func.id}()"
