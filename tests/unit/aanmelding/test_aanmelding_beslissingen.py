"""The team's decisions and the consent: niet opstarten, instemming vastleggen/intrekken, opstarten (§5.1, §9)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from aanmelding.domain import (
    AanmeldingStatus,
    AlternatiefAdvies,
    InstemmingDoor,
    InstemmingScope,
)
from jeugdhulp_common.contracts.aanmelding import (
    AanmeldingNietOpgestart,
    AanmeldingOpgestart,
    InstemmingVastgelegd,
)
from jeugdhulp_common.contracts.vocabulary import BlokkadeStatus, Ondersteuningsvorm, RedenNietOpstart
from jeugdhulp_common.domain import NietGevonden, RegelGeschonden

S = AanmeldingStatus
R = RedenNietOpstart
D = InstemmingDoor
OPSTART = frozenset({InstemmingScope.TRAJECT_OPSTART})

# ---------------------------------------------------------------- niet opstarten: which reason where

# (how to reach the state, the reasons the team may give there) — written out from §5.1
SITUATIES: dict[str, tuple[dict, set[RedenNietOpstart]]] = {
    "gescreend-leeftijd-fout": (
        {"status": S.GESCREEND, "leeftijd_bij_aanmelding": 17},
        {R.EXCLUSIE_LEEFTIJD},
    ),
    "gescreend-regio-fout": (
        {"status": S.GESCREEND, "regio_jongere": "BUITEN_REGIO"},
        {R.EXCLUSIE_REGIO},
    ),
    "gescreend-beide-fout": (
        {"status": S.GESCREEND, "regio_jongere": "BUITEN_REGIO", "leeftijd_bij_aanmelding": 9},
        {R.EXCLUSIE_REGIO, R.EXCLUSIE_LEEFTIJD},
    ),
    "gescreend-geslaagd": ({"status": S.GESCREEND}, set()),  # must go in bespreking first
    "in-bespreking": ({"status": S.IN_BESPREKING}, {R.GEEN_CAPACITEIT, R.ANDER_AANBOD_PASSEND}),
    "wacht-op-instemming": ({"status": S.WACHT_OP_INSTEMMING}, {R.GEEN_INSTEMMING}),
    "wacht-ouder-stemde-in": (
        {"status": S.WACHT_OP_INSTEMMING, "instemmingen": (D.OUDER,)},
        {R.GEEN_INSTEMMING},
    ),
    "wacht-jongere-stemde-in": ({"status": S.WACHT_OP_INSTEMMING, "instemmingen": (D.JONGERE,)}, set()),
}

GEVALLEN = [(naam, reden, reden in toegelaten) for naam, (_, toegelaten) in SITUATIES.items() for reden in R]


@pytest.mark.parametrize(("situatie", "reden", "toegelaten"), GEVALLEN, ids=lambda x: str(x))
def test_reden_per_situatie(situatie: str, reden: RedenNietOpstart, toegelaten: bool, bouwer) -> None:
    opbouw, _ = SITUATIES[situatie]
    a = bouwer.in_status(**opbouw)
    van = a.status
    if toegelaten:
        a.niet_opstarten(reden=reden, alternatief_advies=bouwer.advies, nu=bouwer.nu)
        assert a.status is S.NIET_OPGESTART
        assert a.reden_niet_opstart is reden
        [ev] = a.events
        assert isinstance(ev, AanmeldingNietOpgestart)
        assert ev.reden is reden
    else:
        with pytest.raises(RegelGeschonden) as fout:
            a.niet_opstarten(reden=reden, alternatief_advies=bouwer.advies, nu=bouwer.nu)
        assert fout.value.veld == "reden"
        assert a.status is van
        assert a.reden_niet_opstart is None
        assert a.events == []


# ---------------------------------------------------------------- niet opstarten: alternatief advies

VANUIT = [
    ({"status": S.GESCREEND, "screening_ok": False}, R.EXCLUSIE_LEEFTIJD),
    ({"status": S.IN_BESPREKING}, R.ANDER_AANBOD_PASSEND),
    ({"status": S.WACHT_OP_INSTEMMING}, R.GEEN_INSTEMMING),
]


@pytest.mark.parametrize(("opbouw", "reden"), VANUIT, ids=["gescreend", "in_bespreking", "wacht"])
@pytest.mark.parametrize(
    "advies",
    [None, AlternatiefAdvies(), AlternatiefAdvies(tekst="   ")],
    ids=["geen", "leeg", "blanco-tekst"],
)
def test_niet_opstarten_zonder_alternatief_advies_geweigerd(
    opbouw: dict, reden: RedenNietOpstart, advies: AlternatiefAdvies | None, bouwer
) -> None:
    a = bouwer.in_status(**opbouw)
    van = a.status
    with pytest.raises(RegelGeschonden) as fout:
        a.niet_opstarten(reden=reden, alternatief_advies=advies, nu=bouwer.nu)
    assert fout.value.veld == "alternatiefAdvies"
    assert a.status is van
    assert (a.alternatief_advies, a.niet_opgestart_op) == (None, None)
    assert a.events == []


@pytest.mark.parametrize(
    ("advies", "vorm_in_event", "tekst_bewaard"),
    [
        (AlternatiefAdvies(vorm=Ondersteuningsvorm.DOP), Ondersteuningsvorm.DOP, None),
        (AlternatiefAdvies(tekst=" We beschouwen dit als passend voor DOP "), None, "We beschouwen dit als passend voor DOP"),
        (
            AlternatiefAdvies(vorm="GEZINSCOACHING", tekst="gezinscoach via CAW"),  # type: ignore[arg-type]
            Ondersteuningsvorm.GEZINSCOACHING,
            "gezinscoach via CAW",
        ),
    ],
)
def test_alternatief_advies_code_en_of_tekst(
    advies: AlternatiefAdvies, vorm_in_event: Ondersteuningsvorm | None, tekst_bewaard: str | None, bouwer
) -> None:
    a = bouwer.in_status(S.IN_BESPREKING)
    a.niet_opstarten(reden=R.ANDER_AANBOD_PASSEND, alternatief_advies=advies, nu=bouwer.later(5))
    assert a.alternatief_advies == AlternatiefAdvies(vorm=vorm_in_event, tekst=tekst_bewaard)
    assert a.niet_opgestart_op == bouwer.later(5)
    [ev] = a.events
    assert isinstance(ev, AanmeldingNietOpgestart)
    assert ev.alternatief_advies == vorm_in_event
    assert ev.aanmelder_organisatie == "SDJ Brugge"
    if tekst_bewaard:
        assert tekst_bewaard not in ev.model_dump_json()  # the text stays in the aggregate (§10)


def test_ongeldige_ondersteuningsvorm(bouwer) -> None:
    a = bouwer.in_status(S.IN_BESPREKING)
    with pytest.raises(RegelGeschonden) as fout:
        a.niet_opstarten(
            reden=R.ANDER_AANBOD_PASSEND,
            alternatief_advies=AlternatiefAdvies(vorm="THERAPIE"),  # type: ignore[arg-type]
            nu=bouwer.nu,
        )
    assert fout.value.veld == "alternatiefAdvies.vorm"


# ---------------------------------------------------------------- instemming vastleggen


def test_instemming_vastleggen(bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING)
    gegeven_op = bouwer.nu - dt.timedelta(days=2)
    i = a.instemming_vastleggen(
        door=D.OUDER,
        op=gegeven_op,
        scope={InstemmingScope.TRAJECT_OPSTART, InstemmingScope.GEGEVENSDELING_PARTNERS},
        nu=bouwer.nu,
    )
    assert a.instemmingen == [i]
    assert (i.door, i.op, i.actief) == (D.OUDER, gegeven_op, True)
    assert i.scope == {InstemmingScope.TRAJECT_OPSTART, InstemmingScope.GEGEVENSDELING_PARTNERS}
    assert a.status is S.WACHT_OP_INSTEMMING
    [ev] = a.events
    assert isinstance(ev, InstemmingVastgelegd)
    assert ev.instemming_id == i.instemming_id
    assert ev.door == "OUDER"
    assert ev.scope == ["GEGEVENSDELING_PARTNERS", "TRAJECT_OPSTART"]
    assert ev.op == gegeven_op
    assert ev.ingetrokken is False
    assert ev.occurred_at == bouwer.nu


@pytest.mark.parametrize(
    ("door", "op_delta", "scope", "veld"),
    [
        (D.JONGERE, dt.timedelta(0), set(), "scope"),
        (D.JONGERE, dt.timedelta(0), {"ALLES"}, "scope"),
        (D.JONGERE, dt.timedelta(minutes=1), OPSTART, "op"),  # not in the future
        ("BUURMAN", dt.timedelta(0), OPSTART, "door"),
    ],
)
def test_ongeldige_instemming(door: object, op_delta: dt.timedelta, scope: set, veld: str, bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING)
    with pytest.raises(RegelGeschonden) as fout:
        a.instemming_vastleggen(door=door, op=bouwer.nu + op_delta, scope=scope, nu=bouwer.nu)  # type: ignore[arg-type]
    assert fout.value.veld == veld
    assert a.instemmingen == [] and a.events == []


def test_instemming_met_naief_tijdstip(bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING)
    with pytest.raises(RegelGeschonden) as fout:
        a.instemming_vastleggen(door=D.JONGERE, op=dt.datetime(2024, 3, 1), scope=OPSTART, nu=bouwer.nu)
    assert fout.value.veld == "op"


def test_zelfde_instemming_id_twee_keer(bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING)
    iid = uuid.uuid4()
    a.instemming_vastleggen(door=D.JONGERE, op=bouwer.nu, scope=OPSTART, nu=bouwer.nu, instemming_id=iid)
    with pytest.raises(RegelGeschonden) as fout:
        a.instemming_vastleggen(door=D.OUDER, op=bouwer.nu, scope=OPSTART, nu=bouwer.nu, instemming_id=iid)
    assert fout.value.veld == "instemmingId"
    assert len(a.instemmingen) == 1


# ---------------------------------------------------------------- instemming intrekken


def test_instemming_intrekken(bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING, instemmingen=(D.JONGERE, D.OUDER))
    jongere, ouder = a.instemmingen
    ingetrokken = a.instemming_intrekken(jongere.instemming_id, op=bouwer.later(3), nu=bouwer.later(5))
    assert ingetrokken.ingetrokken_op == bouwer.later(3)
    assert a.instemmingen == [ingetrokken, ouder]  # the record is kept, marked withdrawn (§9 rule 5)
    assert not a.instemmingen[0].actief and a.instemmingen[1].actief
    assert a.status is S.WACHT_OP_INSTEMMING
    [ev] = a.events
    assert isinstance(ev, InstemmingVastgelegd)
    assert (ev.instemming_id, ev.door, ev.ingetrokken, ev.op) == (jongere.instemming_id, "JONGERE", True, bouwer.later(3))
    assert ev.scope == ["TRAJECT_OPSTART"]


def test_intrekken_na_opstart_blijft_opgestart(bouwer) -> None:
    a = bouwer.in_status(S.OPGESTART, instemmingen=(D.JONGERE,))
    a.instemming_intrekken(a.instemmingen[0].instemming_id, op=bouwer.nu, nu=bouwer.nu)
    assert a.status is S.OPGESTART
    assert not a.heeft_instemming_jongere()
    assert [type(e) for e in a.events] == [InstemmingVastgelegd]


def test_onbekende_instemming_intrekken(bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING, instemmingen=(D.JONGERE,))
    with pytest.raises(NietGevonden) as fout:
        a.instemming_intrekken(uuid.uuid4(), op=bouwer.nu, nu=bouwer.nu)
    assert fout.value.veld == "instemmingId"


def test_twee_keer_intrekken(bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING, instemmingen=(D.JONGERE,))
    iid = a.instemmingen[0].instemming_id
    a.instemming_intrekken(iid, op=bouwer.nu, nu=bouwer.nu)
    with pytest.raises(RegelGeschonden) as fout:
        a.instemming_intrekken(iid, op=bouwer.nu, nu=bouwer.nu)
    assert fout.value.veld == "instemmingId"
    assert len(a.events) == 1


@pytest.mark.parametrize("op_delta", [dt.timedelta(minutes=-1), dt.timedelta(minutes=1)])
def test_intrekken_voor_instemming_of_in_toekomst(op_delta: dt.timedelta, bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING, instemmingen=(D.JONGERE,))  # consent given at NU
    with pytest.raises(RegelGeschonden) as fout:
        a.instemming_intrekken(a.instemmingen[0].instemming_id, op=bouwer.nu + op_delta, nu=bouwer.nu)
    assert fout.value.veld == "op"
    assert a.instemmingen[0].actief


# ---------------------------------------------------------------- opstarten: consent of the jongere


def test_opstarten_met_instemming_jongere(bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING, instemmingen=(D.JONGERE,), blokkade_status_bij_aanmelding=BlokkadeStatus.DREIGEND_TE_BLOKKEREN)
    a.opstarten(nu=bouwer.later(10))
    assert a.status is S.OPGESTART
    assert a.opgestart_op == bouwer.later(10)
    [ev] = a.events
    assert isinstance(ev, AanmeldingOpgestart)
    assert ev.aanmelding_id == a.aanmelding_id
    assert ev.aanmelder_organisatie == "SDJ Brugge"
    assert ev.blokkade_status_bij_aanmelding is BlokkadeStatus.DREIGEND_TE_BLOKKEREN
    assert ev.occurred_at == bouwer.later(10)


@pytest.mark.parametrize(
    "instemmingen",
    [
        (),
        # INFERRED reading of §5.1/§5.2 [001: "Bij instemming van de jongere kon het traject opgestart worden."]:
        # it is the young person's own consent that allows the start; a parent's or guardian's does not replace it.
        (D.OUDER,),
        (D.VOOGD,),
        (D.OUDER, D.OUDER, D.VOOGD),
    ],
    ids=["geen", "enkel-ouder", "enkel-voogd", "ouders-en-voogd"],
)
def test_opstarten_zonder_instemming_jongere_geweigerd(instemmingen: tuple[InstemmingDoor, ...], bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING, instemmingen=instemmingen)
    with pytest.raises(RegelGeschonden) as fout:
        a.opstarten(nu=bouwer.nu)
    assert fout.value.veld == "instemmingen"
    assert a.status is S.WACHT_OP_INSTEMMING
    assert a.opgestart_op is None
    assert a.events == []


def test_ingetrokken_instemming_blokkeert_opstart(bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING, instemmingen=(D.JONGERE, D.OUDER))
    a.instemming_intrekken(a.instemmingen[0].instemming_id, op=bouwer.nu, nu=bouwer.nu)
    with pytest.raises(RegelGeschonden) as fout:
        a.opstarten(nu=bouwer.nu)
    assert fout.value.veld == "instemmingen"
    assert a.status is S.WACHT_OP_INSTEMMING


def test_nieuwe_instemming_na_intrekking_laat_opstart_toe(bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING, instemmingen=(D.JONGERE,))
    a.instemming_intrekken(a.instemmingen[0].instemming_id, op=bouwer.nu, nu=bouwer.nu)
    a.instemming_vastleggen(door=D.JONGERE, op=bouwer.later(1), scope=OPSTART, nu=bouwer.later(1))
    a.opstarten(nu=bouwer.later(2))
    assert a.status is S.OPGESTART


def test_instemming_jongere_buiten_scope_opstart_telt_niet(bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING)
    a.instemming_vastleggen(
        door=D.JONGERE, op=bouwer.nu, scope={InstemmingScope.CONTACTGEGEVENS_DOORGEVEN}, nu=bouwer.nu
    )
    assert not a.heeft_instemming_jongere()
    with pytest.raises(RegelGeschonden):
        a.opstarten(nu=bouwer.nu)


def test_geen_instemming_kan_na_intrekking_jongere(bouwer) -> None:
    a = bouwer.in_status(S.WACHT_OP_INSTEMMING, instemmingen=(D.JONGERE,))
    a.instemming_intrekken(a.instemmingen[0].instemming_id, op=bouwer.nu, nu=bouwer.nu)
    a.niet_opstarten(reden=R.GEEN_INSTEMMING, alternatief_advies=bouwer.advies, nu=bouwer.nu)
    assert a.status is S.NIET_OPGESTART
