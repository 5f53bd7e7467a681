"""Thema (§4.4, §5.4): the exhaustive transition table, recurrence over distinct trajecten, backlog ordering."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from jeugdhulp_common.contracts.signalering import ThemaAangemaakt, ThemaStatusGewijzigd, ThemaTerugkerend
from jeugdhulp_common.contracts.vocabulary import ThemaStatus
from jeugdhulp_common.domain import OngeldigeOvergang, RegelGeschonden

from signalering.domain import (
    THEMA_OVERGANGEN,
    Signaal,
    SignaalStatus,
    SignaleringRegels,
    Thema,
    ThemaActie,
    koppel_signaal,
    lerend_netwerk_backlog,
)

T, A = ThemaStatus, ThemaActie

VERWACHTE_TABEL = {
    (T.GESIGNALEERD, A.MARKEER_TERUGKEREND): T.TERUGKEREND,
    (T.TERUGKEREND, A.ZET_IN_BACKLOG): T.BACKLOG,
    (T.TERUGKEREND, A.PLAN_LN): T.LN_GEPLAND,
    (T.BACKLOG, A.PLAN_LN): T.LN_GEPLAND,
    (T.LN_GEPLAND, A.ANNULEER_LN): T.BACKLOG,
    (T.LN_GEPLAND, A.HOUD_LN): T.LN_GEHOUDEN,
    (T.LN_GEHOUDEN, A.ZET_OP_FORUM): T.OP_FORUM,
    (T.OP_FORUM, A.NAAR_STUURGROEP): T.IN_UITWERKING_STUURGROEP,
    (T.IN_UITWERKING_STUURGROEP, A.FORMULEER_BELEIDSVOORSTEL): T.BELEIDSVOORSTEL,
}


def test_overgangstabel_is_die_van_paragraaf_5_4() -> None:
    assert dict(THEMA_OVERGANGEN.tabel) == VERWACHTE_TABEL


def test_elke_toestand_bereikbaar_en_beleidsvoorstel_is_eindtoestand() -> None:
    bereikbaar = {T.GESIGNALEERD} | set(VERWACHTE_TABEL.values())
    assert bereikbaar == set(T)
    assert THEMA_OVERGANGEN.acties(T.BELEIDSVOORSTEL) == []


def _doe(thema: Thema, actie: ThemaActie, nu: dt.datetime) -> None:
    match actie:
        case A.MARKEER_TERUGKEREND:
            thema.markeer_terugkerend(nu=nu)
        case A.ZET_IN_BACKLOG:
            thema.zet_in_backlog(nu=nu)
        case A.PLAN_LN:
            thema.plan_ln(nu=nu)
        case A.ANNULEER_LN:
            thema.annuleer_ln(nu=nu)
        case A.HOUD_LN:
            thema.houd_ln(["Subthema"], nu=nu)
        case A.ZET_OP_FORUM:
            thema.zet_op_forum(nu=nu)
        case A.NAAR_STUURGROEP:
            thema.naar_stuurgroep(nu=nu)
        case A.FORMULEER_BELEIDSVOORSTEL:
            thema.formuleer_beleidsvoorstel(nu=nu)


@pytest.mark.parametrize("actie", list(A))
@pytest.mark.parametrize("status", list(T))
def test_elke_toestand_en_actie(
    status: ThemaStatus, actie: ThemaActie, nieuw_thema: Callable[..., Thema], nu: dt.datetime
) -> None:
    thema = nieuw_thema(status=status)
    if (status, actie) in VERWACHTE_TABEL:
        _doe(thema, actie, nu)
        nieuw = VERWACHTE_TABEL[(status, actie)]
        assert thema.status == nieuw
        [ev] = thema.events
        if actie == A.MARKEER_TERUGKEREND:
            assert isinstance(ev, ThemaTerugkerend)
        else:
            assert isinstance(ev, ThemaStatusGewijzigd)
            assert (ev.van, ev.status) == (status, nieuw)
        assert (ev.thema_id, ev.naam, ev.occurred_at) == (thema.thema_id, thema.naam, nu)
    else:
        with pytest.raises(OngeldigeOvergang) as fout:
            _doe(thema, actie, nu)
        assert (fout.value.aggregate, fout.value.toestand, fout.value.actie) == ("Thema", status.value, actie.value)
        assert thema.status == status
        assert thema.events == []


def test_nieuw_thema(nu: dt.datetime) -> None:
    thema_id = uuid.uuid4()
    thema = Thema.nieuw(thema_id, "  Daginvulling en impact van school ", nu=nu, subthemas=["Dagbesteding", " "])
    assert (thema.status, thema.naam, thema.subthemas, thema.aantal_trajecten) == (
        T.GESIGNALEERD,
        "Daginvulling en impact van school",
        ["Dagbesteding"],
        0,
    )
    [ev] = thema.events
    assert isinstance(ev, ThemaAangemaakt)
    assert (ev.thema_id, ev.naam, ev.aantal_trajecten, ev.status) == (thema_id, thema.naam, 0, T.GESIGNALEERD)


@pytest.mark.parametrize("naam", ["", "  ", "Bel 0470 12 34 56"])
def test_nieuw_thema_naam_verplicht_en_anoniem(naam: str, nu: dt.datetime) -> None:
    with pytest.raises(RegelGeschonden) as fout:
        Thema.nieuw(uuid.uuid4(), naam, nu=nu)
    assert fout.value.veld == "naam"


def test_herstellen_emit_niets(nieuw_thema: Callable[..., Thema]) -> None:
    thema = nieuw_thema(status=T.OP_FORUM, traject_refs={"a", "b"})
    assert thema.events == []
    assert thema.aantal_trajecten == 2


# --------------------------------------------------------------------------- recurrence


def test_terugkerend_bij_tweede_verschillend_traject_niet_bij_tweede_signaal_van_zelfde_traject(
    vrijgegeven_signaal: Callable[..., Signaal], nu: dt.datetime, regels: SignaleringRegels
) -> None:
    thema = Thema.nieuw(uuid.uuid4(), "Coördinatie en continuïteit van zorg", nu=nu)
    thema.neem_events()
    traject_a, traject_b = uuid.uuid4(), uuid.uuid4()

    eerste = vrijgegeven_signaal(traject_a)
    koppel_signaal(eerste, [thema], regels=regels, nu=nu)
    assert (thema.status, thema.aantal_trajecten, thema.events) == (T.GESIGNALEERD, 1, [])

    tweede_zelfde_traject = vrijgegeven_signaal(traject_a)
    koppel_signaal(tweede_zelfde_traject, [thema], regels=regels, nu=nu)
    assert (thema.status, thema.aantal_trajecten, thema.events) == (T.GESIGNALEERD, 1, [])
    assert thema.bron_signalen == [eerste.signaal_id, tweede_zelfde_traject.signaal_id]

    ander_traject = vrijgegeven_signaal(traject_b)
    koppel_signaal(ander_traject, [thema], regels=regels, nu=nu)
    assert (thema.status, thema.aantal_trajecten) == (T.BACKLOG, 2)
    terugkerend, naar_backlog = thema.events
    assert isinstance(terugkerend, ThemaTerugkerend)
    # the events go to the meso topic: a count of 2 is below the default minimum cell size (5) and is suppressed
    assert (terugkerend.status, terugkerend.aantal_trajecten) == (T.TERUGKEREND, None)
    assert isinstance(naar_backlog, ThemaStatusGewijzigd)
    assert (naar_backlog.van, naar_backlog.status, naar_backlog.aantal_trajecten) == (T.TERUGKEREND, T.BACKLOG, None)
    assert {eerste.status, tweede_zelfde_traject.status, ander_traject.status} == {SignaalStatus.GEKOPPELD}


@pytest.mark.parametrize(("n", "promotie_bij"), [(1, 1), (2, 2), (3, 3), (5, 5)])
def test_drempel_n_is_configureerbaar(
    n: int, promotie_bij: int, nieuw_thema: Callable[..., Thema], nu: dt.datetime
) -> None:
    regels = SignaleringRegels(terugkerend_vanaf_trajecten=n)
    thema = nieuw_thema()
    for i in range(1, 7):
        thema.registreer_signaal(uuid.uuid4(), f"ref-{i}", nu, regels=regels, nu=nu)
        assert thema.status == (T.BACKLOG if i >= promotie_bij else T.GESIGNALEERD), i
    assert [type(e).__name__ for e in thema.events] == ["ThemaTerugkerend", "ThemaStatusGewijzigd"]


@pytest.mark.parametrize(("minimum", "aantal", "gepubliceerd"), [(5, 0, 0), (5, 1, None), (5, 4, None), (5, 5, 5), (3, 2, None), (3, 3, 3), (1, 1, 1)])
def test_tellingen_in_thema_events_zijn_onderdrukt_onder_het_minimum(
    minimum: int, aantal: int, gepubliceerd: int | None, nieuw_thema: Callable[..., Thema], nu: dt.datetime
) -> None:
    """§9 rule 4: a count from 1 to the minimum - 1 in a meso event is null, 0 stays 0; the theme keeps the exact count."""
    regels = SignaleringRegels(terugkerend_vanaf_trajecten=10, minimum_celgrootte=minimum)
    aangemaakt = Thema.nieuw(uuid.uuid4(), "Wachtlijsten", nu=nu, regels=regels).events[0]
    assert aangemaakt.aantal_trajecten == 0
    thema = nieuw_thema()
    for i in range(aantal):
        thema.registreer_signaal(uuid.uuid4(), f"ref-{i}", nu, regels=regels, nu=nu)
    thema.markeer_terugkerend(nu=nu, regels=regels)
    thema.zet_in_backlog(nu=nu, regels=regels)
    thema.plan_ln(nu=nu, regels=regels)
    thema.annuleer_ln(nu=nu, regels=regels)
    assert thema.aantal_trajecten == aantal
    assert [e.aantal_trajecten for e in thema.events] == [gepubliceerd] * 4


def test_regels_weigeren_onzin() -> None:
    with pytest.raises(ValueError):
        SignaleringRegels(terugkerend_vanaf_trajecten=0)
    with pytest.raises(ValueError):
        SignaleringRegels(minimum_celgrootte=0)
    with pytest.raises(ValueError):
        SignaleringRegels(actiepunt_herinnering_na_dagen=0)
    assert SignaleringRegels() == SignaleringRegels(terugkerend_vanaf_trajecten=2, actiepunt_herinnering_na_dagen=90)


def test_registreren_is_idempotent_per_signaal(
    nieuw_thema: Callable[..., Thema], nu: dt.datetime, regels: SignaleringRegels
) -> None:
    thema = nieuw_thema()
    signaal_id = uuid.uuid4()
    for _ in range(3):
        thema.registreer_signaal(signaal_id, "ref-a", nu, regels=regels, nu=nu)
    assert (thema.bron_signalen, thema.aantal_trajecten, thema.status) == ([signaal_id], 1, T.GESIGNALEERD)


@pytest.mark.parametrize("status", [s for s in T if s != T.GESIGNALEERD])
def test_signalen_tellen_mee_in_latere_toestanden_zonder_statuswijziging(
    status: ThemaStatus, nieuw_thema: Callable[..., Thema], nu: dt.datetime, regels: SignaleringRegels
) -> None:
    thema = nieuw_thema(status=status)
    for ref in ("a", "b", "c"):
        thema.registreer_signaal(uuid.uuid4(), ref, nu, regels=regels, nu=nu)
    assert (thema.status, thema.aantal_trajecten, thema.events) == (status, 3, [])


def test_laatste_signaal_is_het_meest_recente(
    nieuw_thema: Callable[..., Thema], nu: dt.datetime, regels: SignaleringRegels
) -> None:
    thema = nieuw_thema()
    later, vroeger = nu + dt.timedelta(days=3), nu - dt.timedelta(days=3)
    thema.registreer_signaal(uuid.uuid4(), "a", later, regels=regels, nu=nu)
    thema.registreer_signaal(uuid.uuid4(), "a", vroeger, regels=regels, nu=nu)
    assert thema.laatste_signaal_op == later


def test_koppel_signaal_vraagt_een_vrijgegeven_signaal_en_een_thema(
    maak_overleg: Callable[..., object],
    vrijgegeven_signaal: Callable[..., Signaal],
    nieuw_thema: Callable[..., Thema],
    nu: dt.datetime,
    regels: SignaleringRegels,
) -> None:
    overleg = maak_overleg()
    concept = Signaal.uit_kandidaat(uuid.uuid4(), overleg, overleg.kandidaat_signalen[0])  # type: ignore[attr-defined]
    thema = nieuw_thema()
    with pytest.raises(OngeldigeOvergang):
        koppel_signaal(concept, [thema], regels=regels, nu=nu)
    assert thema.aantal_trajecten == 0
    with pytest.raises(RegelGeschonden) as fout:
        koppel_signaal(vrijgegeven_signaal(), [], regels=regels, nu=nu)
    assert fout.value.veld == "themaIds"


def test_een_signaal_aan_meerdere_themas(
    vrijgegeven_signaal: Callable[..., Signaal], nieuw_thema: Callable[..., Thema], nu: dt.datetime, regels: SignaleringRegels
) -> None:
    t1, t2 = nieuw_thema("Een"), nieuw_thema("Twee")
    signaal = vrijgegeven_signaal()
    koppel_signaal(signaal, [t1, t2], regels=regels, nu=nu)
    assert signaal.thema_ids == [t1.thema_id, t2.thema_id]
    # counted in each theme under that theme's own ref: not linkable across themes, nor to the published ref
    assert t1.traject_refs == {signaal.ref_voor_thema(t1.thema_id)} and t2.traject_refs == {signaal.ref_voor_thema(t2.thema_id)}
    assert t1.traject_refs.isdisjoint(t2.traject_refs) and signaal.traject_ref not in t1.traject_refs
    assert t1.laatste_signaal_op == signaal.vrijgegeven_op


# --------------------------------------------------------------------------- the lerend-netwerk backlog


def test_backlog_volgorde(nieuw_thema: Callable[..., Thema], nu: dt.datetime) -> None:
    dag = dt.timedelta(days=1)
    themas = [
        nieuw_thema("Oud, drie trajecten", status=T.BACKLOG, traject_refs={"a", "b", "c"}, laatste_signaal_op=nu - 9 * dag),
        nieuw_thema("Recent, drie trajecten", status=T.BACKLOG, traject_refs={"a", "b", "d"}, laatste_signaal_op=nu - dag),
        nieuw_thema("Zeer recent, twee", status=T.BACKLOG, traject_refs={"a", "b"}, laatste_signaal_op=nu),
        nieuw_thema("Geen signalen B", status=T.BACKLOG),
        nieuw_thema("geen signalen a", status=T.BACKLOG),
        nieuw_thema("Vier trajecten, al gepland", status=T.LN_GEPLAND, traject_refs={"a", "b", "c", "d"}),
        nieuw_thema("Nog niet terugkerend", status=T.GESIGNALEERD, traject_refs={"a"}, laatste_signaal_op=nu),
    ]
    assert [t.naam for t in lerend_netwerk_backlog(themas)] == [
        "Recent, drie trajecten",
        "Oud, drie trajecten",
        "Zeer recent, twee",
        "geen signalen a",
        "Geen signalen B",
    ]


def test_backlog_leeg() -> None:
    assert lerend_netwerk_backlog([]) == []
