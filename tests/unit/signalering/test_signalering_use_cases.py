"""signalering's use cases on the in-memory unit of work: what they save, stage and audit, what the domain refuses
(and that a refusal stores nothing), the clock from the unit of work, and the version check. The repositories' own
queries (names, bevindingen, history rows, the due actiepunten, the salt) are replaced here by lists; on the real
Postgres they are covered by tests/middle/test_signalering_api.py."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from in_memory import Opslag, in_memory

from jeugdhulp_common.auth import Principal, Toegangsrol
from jeugdhulp_common.contracts.traject import IdentificerendeGegevens, KandidaatSignaal, SamenwerkingsoverlegGehoudenV2
from jeugdhulp_common.contracts.vocabulary import ActiepuntAdresNiveau, OverlegSoort, RegioELZ, SignaalSoort, ThemaStatus
from jeugdhulp_common.domain import GelijktijdigGewijzigd, NietGevonden, OngeldigeInvoer, OngeldigeOvergang, RegelGeschonden
from jeugdhulp_common.unit_of_work import VasteKlok
from signalering.adapters.repository import ActiepuntRepository, Geheimen, ThemaRepository
from signalering.domain import (
    ActiepuntActie,
    ActiepuntOpdracht,
    Bevinding,
    Deelnemer,
    ForumVorm,
    PersoonsgegevensGevonden,
    SignaleringRegels,
    Thema,
    signalen_uit_overleg,
)
from signalering.service_layer import usecases as uc
from signalering.service_layer.unit_of_work import SignaleringUnitOfWork

NU = dt.datetime(2025, 3, 20, 10, 0, tzinfo=dt.UTC)
WIE = Principal(uuid.uuid4(), "ORG-TEAM", frozenset({Toegangsrol.COORDINATOR}))
NAAM = "Zoltana Vermeulenaere"


class Extra:
    """The rows the repositories' own queries read and write, in memory."""

    def __init__(self) -> None:
        self.bevindingen: list[Bevinding] = []
        self.historie: list[dict[str, Any]] = []
        self.actiepunt_ids: list[uuid.UUID] = []


class Omgeving:
    def __init__(self) -> None:
        self.opslag = Opslag()
        self.extra = extra = Extra()

        class Themas(ThemaRepository):
            async def namen(self) -> list[str]:
                return [r["naam"] for r in opslag.tabel("thema").values()]

            async def bevindingen(self, thema_id: uuid.UUID | None = None) -> list[Bevinding]:
                return [b for b in extra.bevindingen if thema_id is None or b.thema_id == thema_id]

            async def voeg_bevindingen_toe(self, bevindingen: Any) -> None:
                extra.bevindingen += bevindingen

            async def _schrijf_historie(self, rijen: list[dict[str, Any]]) -> None:
                extra.historie += rijen

        class Actiepunten(ActiepuntRepository):
            async def open_sinds(self, grens: dt.date, *, batch: int) -> list[Any]:
                return [a for a in [await self.get(i) for i in extra.actiepunt_ids] if a.status.value == "OPEN"][:batch]

        class Salt(Geheimen):
            async def salt(self) -> bytes:
                return b"s" * 32

        opslag = self.opslag
        self.cls = type("TestUnitOfWork", (SignaleringUnitOfWork,), {"repositories": {**SignaleringUnitOfWork.repositories, "themas": Themas, "actiepunten": Actiepunten, "geheimen": Salt}})

    def uow(self, *, nu: dt.datetime = NU, regels: SignaleringRegels | None = None) -> Any:
        return in_memory(self.cls, self.opslag, principal=WIE, klok=VasteKlok(nu), regels=regels or SignaleringRegels())

    async def zet(self, *aggregaten: Any) -> None:
        """Stored as they are (restored aggregates, no events)."""
        uow = self.uow()
        async with uow:
            for a in aggregaten:
                {"Thema": uow.themas, "Signaal": uow.signalen}[type(a).__name__].add(a)


def _types(uow: Any) -> list[str]:
    return [type(e).__name__ for e in uow.gepubliceerd]


def _concept(tekst: str) -> Any:
    ev = SamenwerkingsoverlegGehoudenV2(
        traject_id=uuid.uuid4(),
        overleg_id=uuid.uuid4(),
        soort=OverlegSoort.SAMENWERKINGSOVERLEG_EINDE,
        datum=dt.date(2025, 3, 14),
        kandidaat_signalen=[KandidaatSignaal(vraag_id="5a", soort=SignaalSoort.DREMPEL, tekst=tekst)],
        thema_voorstellen=[],
        identificerend=IdentificerendeGegevens(namen=[NAAM], geboortedata=[dt.date(2011, 5, 17)], leeftijd=13, regio=RegioELZ.WESTHOEK),
    )
    (s,) = signalen_uit_overleg(ev, salt=b"s" * 32)
    return s


@pytest.fixture
def env() -> Omgeving:
    return Omgeving()


async def test_new_theme_staged_audited_and_a_second_with_the_same_name_refused(env: Omgeving) -> None:
    uow = env.uow()
    thema = await uc.nieuw_thema(uow, "Vervoer naar school", ["Leerlingenvervoer"])
    assert _types(uow) == ["ThemaAangemaakt"] and uow.gecommit == 1
    assert [(a.actie, a.aggregaat, a.ids) for a in uow.geaudit] == [("AANMAKEN", "Thema", (thema.thema_id,))]
    assert [(h["gebeurtenis"], h["status"], h["aantal_trajecten"]) for h in env.extra.historie] == [("ThemaAangemaakt", "GESIGNALEERD", 0)]
    assert env.opslag.tabel("thema")[thema.thema_id]["version"] == 1

    tweede = env.uow()
    with pytest.raises(RegelGeschonden) as fout:
        await uc.nieuw_thema(tweede, "  vervoer NAAR school ", [])
    assert fout.value.veld == "naam"
    assert tweede.gecommit == 0 and tweede.gepubliceerd == [] and len(env.opslag.tabel("thema")) == 1


async def test_release_refused_while_a_name_is_found_then_released_and_linked(env: Omgeving) -> None:
    signaal = _concept(f"{NAAM} wachtte acht maanden op een plaats.")
    thema = Thema(uuid.uuid4(), "Wachtlijsten")
    await env.zet(signaal, thema)

    geweigerd = env.uow()
    with pytest.raises(PersoonsgegevensGevonden) as fout:
        await uc.vrijgeven(geweigerd, signaal.signaal_id, [thema.thema_id])
    assert fout.value.veld == "tekst" and fout.value.extra == {"soorten": ["NAAM"]}
    assert geweigerd.gecommit == 0 and env.opslag.tabel("signaal")[signaal.signaal_id]["version"] == 1

    bewerk = env.uow()
    await uc.bewerk_signaal(bewerk, signaal.signaal_id, tekst="Een jongere wachtte acht maanden op een plaats.", levensdomeinen=None, sectoren=None)
    assert [a.actie for a in bewerk.geaudit] == ["BEWERKEN"]

    vrij = env.uow()
    uit = await uc.vrijgeven(vrij, signaal.signaal_id, [thema.thema_id])
    assert uit.status.value == "GEKOPPELD" and uit.traject_id is None
    assert _types(vrij) == ["SignaalVrijgegeven"]  # one traject: the theme is not recurring yet
    assert [a.actie for a in vrij.geaudit] == ["VRIJGEVEN"]
    rij = env.opslag.tabel("thema")[thema.thema_id]
    assert rij["aantal_trajecten"] == 1 and rij["version"] == 2
    assert [h["gebeurtenis"] for h in env.extra.historie][-1] == "SIGNAAL_GEKOPPELD"


async def test_an_unknown_theme_named_is_an_invalid_field(env: Omgeving) -> None:
    signaal = _concept("Een jongere wachtte lang.")
    await env.zet(signaal)
    uow = env.uow()
    with pytest.raises(OngeldigeInvoer) as fout:
        await uc.vrijgeven(uow, signaal.signaal_id, [uuid.uuid4()])
    assert fout.value.veld == "themaIds" and uow.gecommit == 0


async def test_two_changes_from_the_same_version_the_second_refused(env: Omgeving) -> None:
    thema = Thema(uuid.uuid4(), "Zorg op maat", status=ThemaStatus.IN_UITWERKING_STUURGROEP)
    await env.zet(thema)
    a, b = env.uow(), env.uow()
    with pytest.raises(GelijktijdigGewijzigd):
        async with a:
            await a.themas.get(thema.thema_id)
            async with b:
                (await b.themas.get(thema.thema_id)).naam = "b"
            (await a.themas.get(thema.thema_id)).naam = "a"
    assert env.opslag.tabel("thema")[thema.thema_id]["document"]["naam"] == "b"


async def _ln_gehouden(env: Omgeving) -> tuple[Thema, Any]:
    thema = Thema(uuid.uuid4(), "Zorg op maat en op tijd", status=ThemaStatus.BACKLOG)
    await env.zet(thema)
    uow = env.uow()
    sessie = await uc.plan_sessie(uow, thema.thema_id, dt.date(2025, 4, 1), [Deelnemer("Regisseur", "ACT"), Deelnemer("Begeleider", "CAW")])
    assert _types(uow)[0] == "ThemaStatusGewijzigd"
    await uc.wijzig_sessie(env.uow(), sessie.sessie_id, "UITKOMST", lambda s: s.leg_uitkomst_vast(subthemas=["Wegwijs in het aanbod", "Tijdige zorg"], verslag="Verslag."))
    houd = env.uow()
    await uc.houd_sessie(houd, sessie.sessie_id)
    assert "TerugkoppelingVerstuurd" in _types(houd)  # to the organisations at the table
    assert env.opslag.tabel("terugkoppeling")
    assert [b.subthema for b in env.extra.bevindingen] == ["Wegwijs in het aanbod", "Tijdige zorg"]
    return thema, sessie


async def test_table_discusses_the_subthemes_named_by_the_domain_and_refuses_others(env: Omgeving) -> None:
    thema, _ = await _ln_gehouden(env)
    forum = await uc.plan_forum(env.uow(), dt.date(2025, 11, 20), ForumVorm.DIGITAAL, [])

    with pytest.raises(RegelGeschonden) as fout:
        await uc.open_tafel(env.uow(), forum.forum_id, thema.thema_id, ["Iets anders"])
    assert fout.value.veld == "subthemas"

    tafel = await uc.open_tafel(env.uow(), forum.forum_id, thema.thema_id, ["tijdige ZORG"])
    assert tafel.subthemas == ["Tijdige zorg"]
    assert env.opslag.tabel("thema")[thema.thema_id]["status"] == "OP_FORUM"

    # a table is found only at its own forum
    with pytest.raises(NietGevonden):
        await uc.rond_tafel_af(env.uow(), uuid.uuid4(), tafel.tafel_id)


async def test_actiepunt_actions_by_the_domain_table_and_the_reminder_once_per_period(env: Omgeving) -> None:
    thema, _ = await _ln_gehouden(env)
    forum = await uc.plan_forum(env.uow(), dt.date(2025, 11, 20), ForumVorm.DIGITAAL, [])
    tafel = await uc.open_tafel(env.uow(), forum.forum_id, thema.thema_id, None)
    maak = env.uow()
    ap = await uc.actiepunt_toevoegen(
        maak, forum.forum_id, tafel.tafel_id, subthema="Tijdige zorg", tekst="Wachttijden opvolgen", adres_niveau=ActiepuntAdresNiveau.NETWERKEN, eigenaar="ACT"
    )
    assert _types(maak) == ["ActiepuntAangemaakt"] and ap.aangemaakt_op == forum.datum
    env.extra.actiepunt_ids.append(ap.actiepunt_id)

    # the reminder: 90 days after the forum, once; the clock is the unit of work's
    laat = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    vroeg = env.uow(nu=dt.datetime(2025, 12, 1, tzinfo=dt.UTC))
    assert await uc.herinner_actiepunten(vroeg) == 0
    eerste = env.uow(nu=laat)
    assert await uc.herinner_actiepunten(eerste) == 1 and _types(eerste) == ["ActiepuntStatusGewijzigd"]
    assert await uc.herinner_actiepunten(env.uow(nu=laat)) == 0

    with pytest.raises(OngeldigeOvergang):
        await uc.actiepunt_actie(env.uow(), ap.actiepunt_id, ActiepuntOpdracht(ActiepuntActie.OMZETTEN))
    with pytest.raises(OngeldigeInvoer) as fout:
        await uc.actiepunt_actie(env.uow(), ap.actiepunt_id, ActiepuntOpdracht(ActiepuntActie.HERINNEREN))
    assert fout.value.veld == "actie"
    opnemen = env.uow()
    assert (await uc.actiepunt_actie(opnemen, ap.actiepunt_id, ActiepuntOpdracht(ActiepuntActie.OPNEMEN, eigenaar="CAW"))).eigenaar == "CAW"
    assert [a.actie for a in opnemen.geaudit] == ["OPNEMEN"]
    terug = env.uow()
    await uc.actiepunt_actie(terug, ap.actiepunt_id, ActiepuntOpdracht(ActiepuntActie.TERUGKOPPELEN, naar_organisaties=["ACT"]))
    assert _types(terug) == ["ActiepuntStatusGewijzigd", "TerugkoppelingVerstuurd"]


async def test_policy_recommendation_refuses_a_theme_named_twice(env: Omgeving) -> None:
    thema = Thema(uuid.uuid4(), "Zorg op maat", status=ThemaStatus.IN_UITWERKING_STUURGROEP)
    await env.zet(thema)
    args: dict[str, Any] = {"niveau": "BELEIDSMAKERS", "tekst": "Eén aanspreekpunt.", "randvoorwaarden": ["Middelen"], "drempels": ["Versnipperd"], "jaar": 2025}
    with pytest.raises(RegelGeschonden) as fout:
        await uc.formuleer_aanbeveling(env.uow(), thema_ids=[thema.thema_id, thema.thema_id], **args)
    assert fout.value.veld == "themaIds"
    uow = env.uow()
    ab = await uc.formuleer_aanbeveling(uow, thema_ids=[thema.thema_id], **args)
    assert _types(uow) == ["ThemaStatusGewijzigd", "BeleidsaanbevelingGeformuleerd"]
    terug = env.uow()
    await uc.aanbeveling_terugkoppelen(terug, ab.aanbeveling_id, ["ACT W-VL"])
    assert _types(terug) == ["TerugkoppelingVerstuurd"]
