"""Forum, Discussietafel, prioritering and Actiepunt (§4.6, §6 steps 4 and 6)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from jeugdhulp_common import topics
from jeugdhulp_common.contracts.signalering import (
    ActiepuntAangemaakt,
    ActiepuntStatusGewijzigd,
    DiscussietafelAfgerond,
    PrioriteringVastgesteld,
)
from jeugdhulp_common.contracts.vocabulary import ActiepuntAdresNiveau, ActiepuntStatus, Sector, ThemaStatus
from jeugdhulp_common.domain import OngeldigeOvergang, RegelGeschonden

from signalering.domain import (
    ACTIEPUNT_OVERGANGEN,
    TAFEL_OVERGANGEN,
    Actiepunt,
    ActiepuntActie,
    Bevinding,
    Discussietafel,
    Doelstelling,
    Forum,
    ForumDeelnemer,
    ForumVorm,
    SignaleringRegels,
    TafelActie,
    TafelStatus,
    Thema,
    forum_backlog,
    herinner_openstaande_actiepunten,
    valideer_prioritering,
)

FORUMDAG = dt.date(2024, 11, 22)
SUBTHEMAS = [
    "Contextbegeleiding in gedeelde zorg",
    "De ideale contextbegeleider",
    "Op maat van jongere en gezin",
    "Nood aan gezinsaanpak",
    "Drempels",
]
PRIORITERING = dict(zip(SUBTHEMAS, [8, 8, 28, 25, 31], strict=True))


def _forum() -> Forum:
    return Forum.plan(uuid.uuid4(), FORUMDAG, ForumVorm.FYSIEK, [ForumDeelnemer("WINGG", Sector.GGZ, 3)])


def _bevindingen(thema: Thema) -> list[Bevinding]:
    return [Bevinding.uit_subthema(thema.thema_id, s) for s in SUBTHEMAS]


# --------------------------------------------------------------------------- Forum


def test_forum_deelnemers_en_tellingen() -> None:
    forum = Forum.plan(
        uuid.uuid4(),
        FORUMDAG,
        ForumVorm.DIGITAAL,
        [ForumDeelnemer("VZW De Patio", Sector.BJB, 5), ForumDeelnemer("Tordale", Sector.VAPH), ForumDeelnemer("OSD", Sector.GEEN)],
    )
    assert (forum.vorm, forum.aantal_organisaties, forum.aantal_personen) == (ForumVorm.DIGITAAL, 3, 7)
    assert forum.personen_per_sector() == {Sector.BJB: 5, Sector.VAPH: 1, Sector.GEEN: 1}


def test_forum_organisatie_eenmaal() -> None:
    with pytest.raises(RegelGeschonden) as fout:
        Forum.plan(uuid.uuid4(), FORUMDAG, ForumVorm.FYSIEK, [ForumDeelnemer("INOA", Sector.VAPH), ForumDeelnemer("inoa", Sector.VAPH)])
    assert fout.value.veld == "deelnemers"


@pytest.mark.parametrize("aantal", [0, -1, True])
def test_forum_deelnemer_aantal_minstens_een(aantal: int) -> None:
    with pytest.raises(RegelGeschonden):
        ForumDeelnemer("INOA", Sector.VAPH, aantal)


def test_forum_vorm_enkel_fysiek_of_digitaal() -> None:
    with pytest.raises(ValueError):
        Forum.plan(uuid.uuid4(), FORUMDAG, "HYBRIDE")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- prioritering


def test_prioritering_van_100_aanvaard_in_volgorde_van_de_subthemas() -> None:
    omgekeerd = dict(reversed(list(PRIORITERING.items())))
    assert list(valideer_prioritering(omgekeerd, SUBTHEMAS).items()) == list(PRIORITERING.items())


@pytest.mark.parametrize("totaal", [99, 101])
def test_prioritering_van_99_of_101_geweigerd(totaal: int) -> None:
    prioritering = dict(PRIORITERING)
    prioritering["Drempels"] += totaal - 100
    assert sum(prioritering.values()) == totaal
    with pytest.raises(RegelGeschonden) as fout:
        valideer_prioritering(prioritering, SUBTHEMAS)
    assert fout.value.veld == "prioritering"
    assert f"not {totaal}" in fout.value.message


@pytest.mark.parametrize(
    "prioritering",
    [
        {**PRIORITERING, "Onbekend subthema": 0},  # a key that is not a subtheme of the table
        {k: v for k, v in PRIORITERING.items() if k != "Drempels"} | {"De ideale contextbegeleider": 39},  # missing key
        {**{k: 0 for k in PRIORITERING}, "Drempels": 100, "drempels": 0},  # case matters
        {**PRIORITERING, "Drempels": 31.0},  # not a whole number
        {**PRIORITERING, "Drempels": True},
        {**dict.fromkeys(PRIORITERING, 0), "Drempels": 101, "Nood aan gezinsaanpak": -1},  # out of range, sums 100
        {},
    ],
)
def test_ongeldige_prioritering_geweigerd(prioritering: dict[str, int]) -> None:
    with pytest.raises(RegelGeschonden) as fout:
        valideer_prioritering(prioritering, SUBTHEMAS)
    assert fout.value.veld == "prioritering"


def test_prioritering_mag_nul_bevatten() -> None:
    assert valideer_prioritering({"A": 0, "B": 100}, ["A", "B"]) == {"A": 0, "B": 100}


# --------------------------------------------------------------------------- Discussietafel


def test_tafel_openen_zet_thema_op_forum_ook_voor_tweede_tafel(nieuw_thema: Callable[..., Thema], nu: dt.datetime) -> None:
    forum = _forum()
    thema = nieuw_thema(status=ThemaStatus.LN_GEHOUDEN)
    eerste = Discussietafel.open(uuid.uuid4(), forum, thema, _bevindingen(thema), nu=nu)
    tweede = Discussietafel.open(uuid.uuid4(), forum, thema, _bevindingen(thema), nu=nu)
    assert thema.status == ThemaStatus.OP_FORUM
    assert [(e.van, e.status) for e in thema.events] == [(ThemaStatus.LN_GEHOUDEN, ThemaStatus.OP_FORUM)]
    assert forum.tafel_ids == [eerste.tafel_id, tweede.tafel_id]
    assert (eerste.status, eerste.forum_id, eerste.thema_id, eerste.subthemas) == (
        TafelStatus.OPEN, forum.forum_id, thema.thema_id, SUBTHEMAS,
    )  # fmt: skip
    assert eerste.events == []


@pytest.mark.parametrize("status", [ThemaStatus.BACKLOG, ThemaStatus.LN_GEPLAND, ThemaStatus.BELEIDSVOORSTEL])
def test_tafel_enkel_op_thema_waarvan_ln_gehouden(status: ThemaStatus, nieuw_thema: Callable[..., Thema], nu: dt.datetime) -> None:
    forum = _forum()
    thema = nieuw_thema(status=status)
    with pytest.raises(OngeldigeOvergang):
        Discussietafel.open(uuid.uuid4(), forum, thema, _bevindingen(thema), nu=nu)
    assert forum.tafel_ids == []


def test_tafel_bevindingen_van_het_eigen_thema_een_per_subthema(nieuw_thema: Callable[..., Thema], nu: dt.datetime) -> None:
    forum, thema, ander = _forum(), nieuw_thema(status=ThemaStatus.LN_GEHOUDEN), nieuw_thema()
    for bevindingen in ([], _bevindingen(ander), _bevindingen(thema) + [Bevinding.uit_subthema(thema.thema_id, "drempels")]):
        with pytest.raises(RegelGeschonden) as fout:
            Discussietafel.open(uuid.uuid4(), forum, thema, bevindingen, nu=nu)
        assert fout.value.veld == "bevindingen"
    assert thema.status == ThemaStatus.LN_GEHOUDEN


VERWACHTE_TAFELTABEL = {
    (TafelStatus.OPEN, TafelActie.PRIORITEREN): TafelStatus.OPEN,
    (TafelStatus.OPEN, TafelActie.DOELSTELLING_VASTLEGGEN): TafelStatus.OPEN,
    (TafelStatus.OPEN, TafelActie.ACTIEPUNT_TOEVOEGEN): TafelStatus.OPEN,
    (TafelStatus.OPEN, TafelActie.AFRONDEN): TafelStatus.AFGEROND,
}


def test_tafel_overgangstabel() -> None:
    assert dict(TAFEL_OVERGANGEN.tabel) == VERWACHTE_TAFELTABEL


def _tafel(status: TafelStatus) -> Discussietafel:
    thema_id = uuid.uuid4()
    return Discussietafel(
        tafel_id=uuid.uuid4(),
        forum_id=uuid.uuid4(),
        thema_id=thema_id,
        bevindingen=[Bevinding.uit_subthema(thema_id, s) for s in SUBTHEMAS],
        status=status,
    )


def _doe_tafel(tafel: Discussietafel, actie: TafelActie, nu: dt.datetime) -> None:
    match actie:
        case TafelActie.PRIORITEREN:
            tafel.stel_prioritering_vast(PRIORITERING, nu=nu)
        case TafelActie.DOELSTELLING_VASTLEGGEN:
            tafel.stel_doelstelling_vast(Doelstelling("Versnipperd landschap helder maken.", "Regio", "Gelaagd zorgmodel"))
        case TafelActie.ACTIEPUNT_TOEVOEGEN:
            tafel.voeg_actiepunt_toe(
                uuid.uuid4(),
                bevinding_id=tafel.bevindingen[0].bevinding_id,
                tekst="Contextbegeleider naast verblijf evident maken",
                adres_niveau=ActiepuntAdresNiveau.INDIVIDUELE_ORGANISATIES,
                eigenaar="Voorzieningen",
                aangemaakt_op=FORUMDAG,
                nu=nu,
            )
        case TafelActie.AFRONDEN:
            tafel.rond_af(nu=nu)


@pytest.mark.parametrize("actie", list(TafelActie))
@pytest.mark.parametrize("status", list(TafelStatus))
def test_tafel_elke_toestand_en_actie(status: TafelStatus, actie: TafelActie, nu: dt.datetime) -> None:
    tafel = _tafel(status)
    if (status, actie) in VERWACHTE_TAFELTABEL:
        _doe_tafel(tafel, actie, nu)
        assert tafel.status == VERWACHTE_TAFELTABEL[(status, actie)]
    else:
        with pytest.raises(OngeldigeOvergang) as fout:
            _doe_tafel(tafel, actie, nu)
        assert fout.value.aggregate == "Discussietafel"
        assert (tafel.status, tafel.events, tafel.prioritering, tafel.actiepunt_ids) == (status, [], None, [])


def test_prioritering_vastleggen_emit_event(nu: dt.datetime) -> None:
    tafel = _tafel(TafelStatus.OPEN)
    tafel.stel_prioritering_vast(PRIORITERING, nu=nu)
    [ev] = tafel.events
    assert isinstance(ev, PrioriteringVastgesteld)
    assert (ev.forum_id, ev.tafel_id, ev.prioritering) == (tafel.forum_id, tafel.tafel_id, PRIORITERING)
    assert ev.topic == topics.SIGNALERING_MACRO


@pytest.mark.parametrize("totaal", [99, 101])
def test_tafel_weigert_prioritering_die_niet_100_is(totaal: int, nu: dt.datetime) -> None:
    tafel = _tafel(TafelStatus.OPEN)
    with pytest.raises(RegelGeschonden) as fout:
        tafel.stel_prioritering_vast({**PRIORITERING, "Drempels": 31 + totaal - 100}, nu=nu)
    assert fout.value.veld == "prioritering"
    assert (tafel.prioritering, tafel.events) == (None, [])


def test_doelstelling_wat_wie_hoe_verplicht() -> None:
    for wat, wie, hoe in (("", "b", "c"), ("a", " ", "c"), ("a", "b", "")):
        with pytest.raises(RegelGeschonden) as fout:
            Doelstelling(wat, wie, hoe)
        assert fout.value.veld == "doelstelling"


def test_afronden_emit_bevindingen_en_actiepunten(nu: dt.datetime) -> None:
    tafel = _tafel(TafelStatus.OPEN)
    ap = tafel.voeg_actiepunt_toe(
        uuid.uuid4(),
        bevinding_id=tafel.bevinding("op maat van jongere en gezin").bevinding_id,
        tekst="Weg van “ticket-denken”",
        adres_niveau=ActiepuntAdresNiveau.BELEIDSMAKERS,
        eigenaar="Stuurgroep",
        aangemaakt_op=FORUMDAG,
        nu=nu,
    )
    tafel.rond_af(nu=nu)
    [ev] = tafel.events
    assert isinstance(ev, DiscussietafelAfgerond)
    assert (ev.forum_id, ev.tafel_id, ev.thema_id) == (tafel.forum_id, tafel.tafel_id, tafel.thema_id)
    assert ev.bevindingen == SUBTHEMAS
    assert ev.actiepunt_ids == [ap.actiepunt_id]


def test_actiepunt_op_onbekende_bevinding_of_dubbel_geweigerd(nu: dt.datetime) -> None:
    tafel = _tafel(TafelStatus.OPEN)
    kwargs = {
        "tekst": "Trauma-scan?",
        "adres_niveau": ActiepuntAdresNiveau.INDIVIDUELE_ORGANISATIES,
        "eigenaar": "Voorzieningen",
        "aangemaakt_op": FORUMDAG,
        "nu": nu,
    }
    with pytest.raises(RegelGeschonden) as fout:
        tafel.voeg_actiepunt_toe(uuid.uuid4(), bevinding_id=uuid.uuid4(), **kwargs)  # type: ignore[arg-type]
    assert fout.value.veld == "bevinding"
    with pytest.raises(RegelGeschonden):
        tafel.bevinding("Bestaat niet")
    ap_id = uuid.uuid4()
    tafel.voeg_actiepunt_toe(ap_id, bevinding_id=tafel.bevindingen[0].bevinding_id, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(RegelGeschonden):
        tafel.voeg_actiepunt_toe(ap_id, bevinding_id=tafel.bevindingen[0].bevinding_id, **kwargs)  # type: ignore[arg-type]
    assert tafel.actiepunt_ids == [ap_id]


@pytest.mark.parametrize(
    ("tekst", "eigenaar", "veld"),
    [("", "Stuurgroep", "tekst"), ("Bel 0470 12 34 56", "Stuurgroep", "tekst"), ("Trauma-scan?", " ", "eigenaar"),
     ("Trauma-scan?", "jan@voorziening.be", "eigenaar")],
)  # fmt: skip
def test_actiepunt_tekst_en_eigenaar_verplicht_en_zonder_contactgegevens(
    tekst: str, eigenaar: str, veld: str, nu: dt.datetime
) -> None:
    tafel = _tafel(TafelStatus.OPEN)
    with pytest.raises(RegelGeschonden) as fout:
        tafel.voeg_actiepunt_toe(
            uuid.uuid4(),
            bevinding_id=tafel.bevindingen[0].bevinding_id,
            tekst=tekst,
            adres_niveau=ActiepuntAdresNiveau.BELEIDSMAKERS,
            eigenaar=eigenaar,
            aangemaakt_op=FORUMDAG,
            nu=nu,
        )
    assert fout.value.veld == veld
    assert tafel.actiepunt_ids == []


def test_forum_backlog_zijn_de_nog_niet_besproken_bevindingen(nieuw_thema: Callable[..., Thema], nu: dt.datetime) -> None:
    thema = nieuw_thema(status=ThemaStatus.LN_GEHOUDEN)
    alle = _bevindingen(thema)
    tafel = Discussietafel.open(uuid.uuid4(), _forum(), thema, alle[:2], nu=nu)
    assert forum_backlog(alle + alle[4:], [tafel]) == alle[2:]
    assert forum_backlog(alle, []) == alle


# --------------------------------------------------------------------------- Actiepunt


AS, AA = ActiepuntStatus, ActiepuntActie
VERWACHTE_ACTIEPUNTTABEL = {
    (AS.OPEN, AA.OPNEMEN): AS.OPGENOMEN,
    (AS.OPEN, AA.HERINNEREN): AS.OPEN,
    (AS.OPGENOMEN, AA.OMZETTEN): AS.OMGEZET,
    (AS.OPGENOMEN, AA.TERUGKOPPELEN): AS.TERUGGEKOPPELD,
}


def test_actiepunt_overgangstabel() -> None:
    assert dict(ACTIEPUNT_OVERGANGEN.tabel) == VERWACHTE_ACTIEPUNTTABEL


def _actiepunt(status: ActiepuntStatus = AS.OPEN, aangemaakt_op: dt.date = FORUMDAG) -> Actiepunt:
    return Actiepunt(
        actiepunt_id=uuid.uuid4(),
        tafel_id=uuid.uuid4(),
        bevinding_id=uuid.uuid4(),
        tekst="Eén structuur die VAPH en opgroeien onderbrengt.",
        adres_niveau=ActiepuntAdresNiveau.BELEIDSMAKERS,
        eigenaar="Stuurgroep Co-ncept",
        aangemaakt_op=aangemaakt_op,
        status=status,
    )


def _doe_actiepunt(ap: Actiepunt, actie: ActiepuntActie, nu: dt.datetime, regels: SignaleringRegels) -> None:
    match actie:
        case AA.OPNEMEN:
            ap.opnemen(nu=nu)
        case AA.OMZETTEN:
            ap.omzetten(nu=nu)
        case AA.TERUGKOPPELEN:
            ap.terugkoppelen(nu=nu)
        case AA.HERINNEREN:
            ap.herinner(vandaag=ap.aangemaakt_op + dt.timedelta(days=365), regels=regels, nu=nu)


@pytest.mark.parametrize("actie", list(AA))
@pytest.mark.parametrize("status", list(AS))
def test_actiepunt_elke_toestand_en_actie(
    status: ActiepuntStatus, actie: ActiepuntActie, nu: dt.datetime, regels: SignaleringRegels
) -> None:
    ap = _actiepunt(status)
    if (status, actie) in VERWACHTE_ACTIEPUNTTABEL:
        _doe_actiepunt(ap, actie, nu, regels)
        nieuw = VERWACHTE_ACTIEPUNTTABEL[(status, actie)]
        assert ap.status == nieuw
        [ev] = ap.events
        assert isinstance(ev, ActiepuntStatusGewijzigd)
        assert (ev.actiepunt_id, ev.status, ev.occurred_at) == (ap.actiepunt_id, nieuw, nu)
        assert ev.opnieuw_gesignaleerd is (actie == AA.HERINNEREN)
    else:
        with pytest.raises(OngeldigeOvergang) as fout:
            _doe_actiepunt(ap, actie, nu, regels)
        assert fout.value.aggregate == "Actiepunt"
        assert (ap.status, ap.events) == (status, [])


def test_actiepunt_aanmaken_emit_event(nu: dt.datetime) -> None:
    tafel = _tafel(TafelStatus.OPEN)
    ap = tafel.voeg_actiepunt_toe(
        uuid.uuid4(),
        bevinding_id=tafel.bevindingen[2].bevinding_id,
        tekst="  Weg van “ticket-denken”  ",
        adres_niveau=ActiepuntAdresNiveau.NETWERK_DIW,
        eigenaar="DIW",
        aangemaakt_op=FORUMDAG,
        nu=nu,
    )
    [ev] = ap.events
    assert isinstance(ev, ActiepuntAangemaakt)
    assert (ev.actiepunt_id, ev.tekst, ev.adres_niveau, ev.eigenaar, ev.status) == (
        ap.actiepunt_id, "Weg van “ticket-denken”", ActiepuntAdresNiveau.NETWERK_DIW, "DIW", AS.OPEN,
    )  # fmt: skip
    assert ap.bevinding_id == tafel.bevindingen[2].bevinding_id
    assert tafel.events == []


def test_opnemen_kan_eigenaar_benoemen(nu: dt.datetime) -> None:
    ap = _actiepunt()
    ap.opnemen(nu=nu, eigenaar="Opgroeien")
    assert (ap.status, ap.eigenaar, ap.events[0].eigenaar) == (AS.OPGENOMEN, "Opgroeien", "Opgroeien")


# --------------------------------------------------------------------------- reminders ("Aanklampend signaleren")


def test_herinnering_pas_na_de_ingestelde_termijn(nu: dt.datetime) -> None:
    regels = SignaleringRegels(actiepunt_herinnering_na_dagen=30)
    ap = _actiepunt()
    assert not ap.herinnering_verschuldigd(FORUMDAG + dt.timedelta(days=29), regels)
    assert ap.herinnering_verschuldigd(FORUMDAG + dt.timedelta(days=30), regels)
    with pytest.raises(RegelGeschonden):
        ap.herinner(vandaag=FORUMDAG + dt.timedelta(days=29), regels=regels, nu=nu)
    assert ap.events == []


def test_herinneren_hoogstens_eenmaal_per_periode(nu: dt.datetime) -> None:
    regels = SignaleringRegels(actiepunt_herinnering_na_dagen=90)
    oud, nieuw, opgenomen = _actiepunt(), _actiepunt(aangemaakt_op=FORUMDAG + dt.timedelta(days=60)), _actiepunt(AS.OPGENOMEN)
    dag = FORUMDAG + dt.timedelta(days=90)

    assert herinner_openstaande_actiepunten([oud, nieuw, opgenomen], vandaag=dag, regels=regels, nu=nu) == [oud]
    [ev] = oud.events
    assert isinstance(ev, ActiepuntStatusGewijzigd)
    assert (ev.status, ev.opnieuw_gesignaleerd) == (AS.OPEN, True)
    assert oud.laatst_gesignaleerd_op == dag

    # the same day again and the following days: nobody (oud was just reminded, nieuw is 30–89 days old)
    for extra in (0, 1, 59):
        dag_x = dag + dt.timedelta(days=extra)
        assert herinner_openstaande_actiepunten([oud, nieuw, opgenomen], vandaag=dag_x, regels=regels, nu=nu) == []
    # nieuw: 90 days after it was made; oud: one period after its reminder
    assert herinner_openstaande_actiepunten([oud, nieuw, opgenomen], vandaag=dag + dt.timedelta(days=60), regels=regels, nu=nu) == [nieuw]
    assert herinner_openstaande_actiepunten([oud, nieuw, opgenomen], vandaag=dag + dt.timedelta(days=89), regels=regels, nu=nu) == []
    assert herinner_openstaande_actiepunten([oud, nieuw, opgenomen], vandaag=dag + dt.timedelta(days=90), regels=regels, nu=nu) == [oud]
    assert (len(oud.events), len(nieuw.events), opgenomen.events) == (2, 1, [])
    assert oud.laatst_gesignaleerd_op == dag + dt.timedelta(days=90)


def test_opgenomen_actiepunt_wordt_niet_herinnerd(regels: SignaleringRegels) -> None:
    for status in (AS.OPGENOMEN, AS.OMGEZET, AS.TERUGGEKOPPELD):
        assert not _actiepunt(status).herinnering_verschuldigd(FORUMDAG + dt.timedelta(days=1000), regels)
