"""LerendNetwerkSessie (§4.5, §6 step 3): planning, recording, holding, the bevindingen for the forum backlog."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from jeugdhulp_common.contracts.signalering import LerendNetwerkSessieGehouden, ThemaStatusGewijzigd
from jeugdhulp_common.contracts.vocabulary import Niveau, ThemaStatus
from jeugdhulp_common.domain import OngeldigeOvergang, RegelGeschonden

from signalering.domain import (
    SESSIE_OVERGANGEN,
    Bevinding,
    Deelnemer,
    LerendNetwerkSessie,
    PostIt,
    PostItVraag,
    SessieActie,
    SessieStatus,
    SignaleringRegels,
    Stelling,
    Thema,
)
from signalering.domain.lerend_netwerk import bevinding_id_voor

S, A = SessieStatus, SessieActie
DATUM = dt.date(2024, 9, 26)

VERWACHTE_TABEL = {
    (S.GEPLAND, A.STELLING_TOEVOEGEN): S.GEPLAND,
    (S.GEPLAND, A.POST_IT_TOEVOEGEN): S.GEPLAND,
    (S.GEPLAND, A.UITKOMST_VASTLEGGEN): S.GEPLAND,
    (S.GEPLAND, A.HOUDEN): S.GEHOUDEN,
    (S.GEPLAND, A.ANNULEREN): S.GEANNULEERD,
}

SUBTHEMAS = [
    "Begrip en nuance",
    "Impact plaatsing / psychische veiligheid",
    "Ruimte voor traumasensitief handelen",
    "Belang van vorming en preventie",
    "Intersectoraal samenwerken",
]


def test_overgangstabel() -> None:
    assert dict(SESSIE_OVERGANGEN.tabel) == VERWACHTE_TABEL


def _sessie_en_thema(status: SessieStatus, nieuw_thema: Callable[..., Thema]) -> tuple[LerendNetwerkSessie, Thema]:
    thema = nieuw_thema("Traumasensitief handelen", status=ThemaStatus.LN_GEPLAND)
    sessie = LerendNetwerkSessie(
        sessie_id=uuid.uuid4(),
        thema_id=thema.thema_id,
        datum=DATUM,
        status=status,
        subthemas=list(SUBTHEMAS),
        verslag="Verslag van het lerend netwerk.",
    )
    return sessie, thema


def _doe(sessie: LerendNetwerkSessie, thema: Thema, actie: SessieActie, nu: dt.datetime) -> None:
    match actie:
        case A.STELLING_TOEVOEGEN:
            sessie.voeg_stelling_toe(Stelling("Iedere plaatsing is een trauma voor kind/jongere.", 9, 2, "Ja, door de relatiebreuk."))
        case A.POST_IT_TOEVOEGEN:
            sessie.voeg_post_it_toe(PostIt(Niveau.MESO, PostItVraag.WAT_WERKT_ER, "Intervisie"))
        case A.UITKOMST_VASTLEGGEN:
            sessie.leg_uitkomst_vast(volgende_themas=["Cultuursensitief opvoeden"])
        case A.HOUDEN:
            sessie.houd(thema, nu=nu)
        case A.ANNULEREN:
            sessie.annuleer(thema, nu=nu)


@pytest.mark.parametrize("actie", list(A))
@pytest.mark.parametrize("status", list(S))
def test_elke_toestand_en_actie(
    status: SessieStatus, actie: SessieActie, nieuw_thema: Callable[..., Thema], nu: dt.datetime
) -> None:
    sessie, thema = _sessie_en_thema(status, nieuw_thema)
    if (status, actie) in VERWACHTE_TABEL:
        _doe(sessie, thema, actie, nu)
        assert sessie.status == VERWACHTE_TABEL[(status, actie)]
    else:
        with pytest.raises(OngeldigeOvergang) as fout:
            _doe(sessie, thema, actie, nu)
        assert fout.value.aggregate == "LerendNetwerkSessie"
        assert sessie.status == status
        assert sessie.events == [] and thema.events == []
        assert thema.status == ThemaStatus.LN_GEPLAND


# --------------------------------------------------------------------------- planning


@pytest.mark.parametrize("status", [ThemaStatus.BACKLOG, ThemaStatus.TERUGKEREND])
def test_plannen_zet_thema_op_ln_gepland(status: ThemaStatus, nieuw_thema: Callable[..., Thema], nu: dt.datetime) -> None:
    thema = nieuw_thema(status=status)
    deelnemers = [Deelnemer("Jeugdhulpregisseur", "ACT"), Deelnemer("Therapeut", "Tordale")]
    sessie = LerendNetwerkSessie.plan(uuid.uuid4(), thema, DATUM, nu=nu, deelnemers=deelnemers)
    assert (sessie.status, sessie.thema_id, sessie.datum, sessie.deelnemers) == (S.GEPLAND, thema.thema_id, DATUM, deelnemers)
    assert thema.status == ThemaStatus.LN_GEPLAND
    [ev] = thema.events
    assert isinstance(ev, ThemaStatusGewijzigd) and (ev.van, ev.status) == (status, ThemaStatus.LN_GEPLAND)


@pytest.mark.parametrize(("minimum", "gepubliceerd"), [(5, None), (3, 3), (2, 3)])
def test_plannen_houden_annuleren_geven_het_minimum_door_aan_het_thema_event(
    minimum: int, gepubliceerd: int | None, nieuw_thema: Callable[..., Thema], nu: dt.datetime
) -> None:
    """The theme events of a session carry the count suppressed with the configured minimum (§9 rule 4)."""
    regels = SignaleringRegels(minimum_celgrootte=minimum)
    thema = nieuw_thema(status=ThemaStatus.BACKLOG, traject_refs={"a", "b", "c"})
    sessie = LerendNetwerkSessie.plan(uuid.uuid4(), thema, DATUM, nu=nu, regels=regels)
    sessie.annuleer(thema, nu=nu, regels=regels)
    sessie = LerendNetwerkSessie.plan(uuid.uuid4(), thema, DATUM, nu=nu, regels=regels)
    sessie.leg_uitkomst_vast(subthemas=["Wachttijden"], verslag="Besproken wachttijden.")
    sessie.houd(thema, nu=nu, regels=regels)
    assert [e.aantal_trajecten for e in thema.events] == [gepubliceerd] * 4


@pytest.mark.parametrize("status", [ThemaStatus.GESIGNALEERD, ThemaStatus.LN_GEPLAND, ThemaStatus.OP_FORUM])
def test_plannen_op_thema_dat_niet_in_backlog_staat_geweigerd(
    status: ThemaStatus, nieuw_thema: Callable[..., Thema], nu: dt.datetime
) -> None:
    thema = nieuw_thema(status=status)
    with pytest.raises(OngeldigeOvergang):
        LerendNetwerkSessie.plan(uuid.uuid4(), thema, DATUM, nu=nu)
    assert thema.status == status


def test_annuleren_zet_thema_terug_in_backlog(nieuw_thema: Callable[..., Thema], nu: dt.datetime) -> None:
    sessie, thema = _sessie_en_thema(S.GEPLAND, nieuw_thema)
    sessie.annuleer(thema, nu=nu)
    assert (sessie.status, thema.status) == (S.GEANNULEERD, ThemaStatus.BACKLOG)
    assert sessie.bevindingen() == []


# --------------------------------------------------------------------------- recording


def test_stellingen_post_its_en_uitkomst_vastleggen(nieuw_thema: Callable[..., Thema]) -> None:
    sessie, _ = _sessie_en_thema(S.GEPLAND, nieuw_thema)
    sessie.voeg_stelling_toe(Stelling("Traumasensitief werken is (enkel) gespecialiseerde hulp.", 0, 12, "Allemaal niet akkoord."))
    sessie.voeg_post_it_toe(PostIt(Niveau.MICRO, PostItVraag.WAT_IS_ER, "Te grote leefgroepen"))
    sessie.voeg_post_it_toe(PostIt(Niveau.MACRO, PostItVraag.IDEALE_WERELD, "Basisvorming voor iedereen"))
    sessie.leg_uitkomst_vast(
        subthemas=[" Begrip en nuance ", "", "Intersectoraal samenwerken"],
        volgende_themas=["Cultuursensitief opvoeden"],
        ontbrekende_partners=["OCJ", "SDJ", "CLB"],
        verslag="Kort verslag.",
    )
    assert [s.niet_akkoord for s in sessie.stellingen] == [12]
    assert [(p.niveau, p.vraag) for p in sessie.post_its] == [
        (Niveau.MICRO, PostItVraag.WAT_IS_ER),
        (Niveau.MACRO, PostItVraag.IDEALE_WERELD),
    ]
    assert sessie.subthemas == ["Begrip en nuance", "Intersectoraal samenwerken"]
    assert sessie.ontbrekende_partners == ["OCJ", "SDJ", "CLB"]
    sessie.leg_uitkomst_vast(verslag="Nieuw verslag.")  # None leaves the other fields alone
    assert (sessie.verslag, sessie.volgende_themas) == ("Nieuw verslag.", ["Cultuursensitief opvoeden"])


def test_dubbele_subthemas_geweigerd(nieuw_thema: Callable[..., Thema]) -> None:
    sessie, _ = _sessie_en_thema(S.GEPLAND, nieuw_thema)
    with pytest.raises(RegelGeschonden) as fout:
        sessie.leg_uitkomst_vast(subthemas=["Drempels", "drempels"])
    assert fout.value.veld == "subthemas"


@pytest.mark.parametrize(("akkoord", "niet_akkoord"), [(-1, 0), (0, -3), (True, 0), (1.5, 0)])
def test_stelling_tellingen_zijn_aantallen(akkoord: object, niet_akkoord: object) -> None:
    with pytest.raises(RegelGeschonden) as fout:
        Stelling("Stelling", akkoord, niet_akkoord)  # type: ignore[arg-type]
    assert fout.value.veld == "stellingen"


def test_stelling_tekst_verplicht() -> None:
    with pytest.raises(RegelGeschonden):
        Stelling(" ")


def test_post_it_vragen_zijn_de_drie_vragen_van_de_seed() -> None:
    assert [v.tekst for v in PostItVraag] == ["Wat is er?", "Wat werkt er?", "Wat in een ideale wereld?"]
    assert PostItVraag.van_tekst(" wat werkt er? ") == PostItVraag.WAT_WERKT_ER
    with pytest.raises(ValueError):
        PostItVraag.van_tekst("Wat is er nodig?")
    with pytest.raises(RegelGeschonden):
        PostIt(Niveau.MESO, "Wat is er?", "tekst")  # type: ignore[arg-type]
    with pytest.raises(RegelGeschonden):
        PostIt("MESO", PostItVraag.WAT_IS_ER, "tekst")  # type: ignore[arg-type]
    with pytest.raises(RegelGeschonden):
        PostIt(Niveau.MESO, PostItVraag.WAT_IS_ER, "")


def test_deelnemer_functie_en_organisatie_verplicht() -> None:
    with pytest.raises(RegelGeschonden):
        Deelnemer("", "ACT")
    with pytest.raises(RegelGeschonden):
        Deelnemer("Jeugdhulpregisseur", " ")


# --------------------------------------------------------------------------- holding


def test_houden_emit_event_en_levert_bevindingen(nieuw_thema: Callable[..., Thema], nu: dt.datetime) -> None:
    sessie, thema = _sessie_en_thema(S.GEPLAND, nieuw_thema)
    thema.subthemas = ["Begrip en nuance"]
    sessie.leg_uitkomst_vast(volgende_themas=["Dagbesteding + onderwijs"], ontbrekende_partners=["OCJ", "SDJ", "CLB"])
    bevindingen = sessie.houd(thema, nu=nu)

    assert sessie.status == S.GEHOUDEN
    assert thema.status == ThemaStatus.LN_GEHOUDEN
    assert thema.subthemas == SUBTHEMAS  # merged, no duplicates
    [ev] = sessie.events
    assert isinstance(ev, LerendNetwerkSessieGehouden)
    assert (ev.sessie_id, ev.thema_id, ev.datum, ev.occurred_at) == (sessie.sessie_id, thema.thema_id, DATUM, nu)
    assert ev.subthemas == SUBTHEMAS
    assert ev.volgende_themas == ["Dagbesteding + onderwijs"]
    assert ev.ontbrekende_partners == ["OCJ", "SDJ", "CLB"]
    [thema_ev] = thema.events
    assert (thema_ev.van, thema_ev.status) == (ThemaStatus.LN_GEPLAND, ThemaStatus.LN_GEHOUDEN)

    assert [b.subthema for b in bevindingen] == SUBTHEMAS
    assert all(b.thema_id == thema.thema_id and b.sessie_id == sessie.sessie_id for b in bevindingen)
    assert bevindingen[0].bevinding_id == bevinding_id_voor(thema.thema_id, "begrip en nuance ")
    assert len({b.bevinding_id for b in bevindingen}) == 5
    assert sessie.bevindingen() == bevindingen


@pytest.mark.parametrize(
    ("uitkomst", "veld"),
    [
        ({"subthemas": []}, "subthemas"),
        ({"verslag": "  "}, "verslag"),
        ({"subthemas": ["Contact: jan@voorbeeld.be"]}, "subthemas"),
        ({"ontbrekende_partners": ["OCJ 050 12 34 56"]}, "ontbrekendePartners"),
    ],
)
def test_houden_geweigerd_zonder_uitkomst_of_met_contactgegevens(
    uitkomst: dict[str, object], veld: str, nieuw_thema: Callable[..., Thema], nu: dt.datetime
) -> None:
    sessie, thema = _sessie_en_thema(S.GEPLAND, nieuw_thema)
    sessie.leg_uitkomst_vast(**uitkomst)  # type: ignore[arg-type]
    with pytest.raises(RegelGeschonden) as fout:
        sessie.houd(thema, nu=nu)
    assert fout.value.veld == veld
    assert (sessie.status, thema.status, sessie.events) == (S.GEPLAND, ThemaStatus.LN_GEPLAND, [])


def test_houden_met_ander_thema_geweigerd(nieuw_thema: Callable[..., Thema], nu: dt.datetime) -> None:
    sessie, _ = _sessie_en_thema(S.GEPLAND, nieuw_thema)
    ander = nieuw_thema(status=ThemaStatus.LN_GEPLAND)
    with pytest.raises(RegelGeschonden) as fout:
        sessie.houd(ander, nu=nu)
    assert fout.value.veld == "themaId"
    assert ander.status == ThemaStatus.LN_GEPLAND


def test_bevinding_id_is_stabiel_per_thema_en_subthema() -> None:
    thema_id = uuid.uuid4()
    a = Bevinding.uit_subthema(thema_id, "Drempels")
    b = Bevinding.uit_subthema(thema_id, " drempels ", sessie_id=uuid.uuid4())
    c = Bevinding.uit_subthema(uuid.uuid4(), "Drempels")
    assert a.bevinding_id == b.bevinding_id != c.bevinding_id
    with pytest.raises(RegelGeschonden):
        Bevinding.uit_subthema(thema_id, "")


def test_organisaties_voor_terugkoppeling_uniek(nieuw_thema: Callable[..., Thema]) -> None:
    sessie, _ = _sessie_en_thema(S.GEPLAND, nieuw_thema)
    sessie.leg_uitkomst_vast(
        deelnemers=[Deelnemer("Therapeut", "Tordale"), Deelnemer("Contextmedewerker", "Tordale"), Deelnemer("Arts", "CLB Trikant")]
    )
    assert sessie.organisaties == ["Tordale", "CLB Trikant"]
