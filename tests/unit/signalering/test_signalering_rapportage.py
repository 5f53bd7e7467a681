"""The report domain (§8): the seed's Tabel 1–4 from the seed history's facts, its invariants, periods, suppression."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from jeugdhulp_common.domain import RegelGeschonden

from signalering.domain.rapportage import (
    AanmeldingFeit,
    Doelgroep,
    Periode,
    TrajectFeit,
    Trechter,
    bereken,
    voor_doelgroep,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rapportage"
SEED = json.loads((FIXTURES / "seed_tabellen.json").read_text())


def _d(s: str) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


def seed_feiten() -> tuple[list[AanmeldingFeit], list[TrajectFeit]]:
    """The facts the event handlers would keep after importing the seed history."""
    rows = list(csv.DictReader((FIXTURES / "historiek_seed.csv").open(encoding="utf-8"), delimiter=";"))
    aanmeldingen, trajecten = [], []
    for r in rows:
        aanmeldingen.append(
            AanmeldingFeit(
                ref=r["ref"],
                ontvangen_op=_d(r["ontvangen_op"]),
                aanmelder_categorie=r["aanmelder_categorie"],
                aanmelder_organisatie=r["aanmelder_organisatie"],
                leeftijd=int(r["leeftijd_bij_aanmelding"]),
                regio=r["regio_jongere"],
                blokkade_bij_aanmelding=r["blokkade_status_bij_aanmelding"] or None,
                opgestart_op=_d(r["beslist_op"]) if r["beslissing"] == "OPGESTART" else None,
                niet_opgestart_op=_d(r["beslist_op"]) if r["beslissing"] == "NIET_OPGESTART" else None,
                reden_niet_opstart=r["reden_niet_opstart"] or None,
                alternatief_advies=r["alternatief_advies"] or None,
            )
        )
        if r["startdatum"]:
            trajecten.append(
                TrajectFeit(
                    ref="t-" + r["ref"],
                    aanmelding_ref=r["ref"],
                    startdatum=_d(r["startdatum"]),
                    afgerond_op=_d(r["afgerond_op"]),
                    afrondingsredenen=tuple(x for x in r["afrondingsredenen"].split(",") if x),
                    blokkade_einde=r["blokkade_status_einde"] or None,
                )
            )
    return aanmeldingen, trajecten


SEED_PERIODE = Periode(dt.date(2023, 1, 1), dt.date(2025, 12, 31))


def test_the_seed_history_gives_exactly_tabel_1_to_4() -> None:
    r = bereken(SEED_PERIODE, *seed_feiten())
    jaren = {k.label: k for k in r.tabel1}
    for jaar, rij in SEED["tabel1"].items():
        if not jaar.isdigit():
            continue
        for maat, waarde in rij.items():
            assert getattr(jaren[jaar], maat) == waarde, (jaar, maat)
    assert [jaren["2024"].lopend_begin, jaren["2025"].lopend_begin] == SEED["tabel1"]["lopende_trajecten_raw"]
    assert [jaren["2023"].lopend_eind, jaren["2024"].lopend_eind] == SEED["tabel1"]["lopende_trajecten_raw"]
    assert r.totaal_trajecten == SEED["tabel1"]["totaal_aantal_trajecten"]
    assert r.tabel2_leeftijd == SEED["tabel2_leeftijd_bij_aanmelding"]
    assert r.tabel3_regio == SEED["tabel3_regio_jongeren"]
    assert {c: {o: n for o, n in rij.items() if o != "totaal"} for c, rij in r.tabel4_aanmelder.items()} == SEED["tabel4_aanmelder"]


def test_the_seed_invariants_hold() -> None:
    r = bereken(SEED_PERIODE, *seed_feiten())
    jaren = [k for k in r.tabel1 if k.label != "periode"]
    opstart = sum(k.opstart for k in jaren)
    assert opstart == 18
    assert sum(r.tabel2_leeftijd.values()) == sum(r.tabel3_regio.values()) == sum(c["totaal"] for c in r.tabel4_aanmelder.values()) == 18
    assert sum(k.nieuwe_aanmeldingen for k in jaren) == 28
    assert r.tabel4_aanmelder["VOORZIENING"]["totaal"] == 6 and r.tabel4_aanmelder["SDJ"]["totaal"] == 5
    assert [k.niet_opgestart for k in jaren] == [5, 5, 0]
    assert [(k.lopend_begin, k.lopend_eind) for k in jaren] == [(0, 7), (7, 11), (11, 0)]
    for k in r.tabel1:
        assert k.lopend_eind == k.lopend_begin + k.opstart - k.afronding
    for a, b in zip(jaren, jaren[1:], strict=False):
        assert a.lopend_eind == b.lopend_begin
    assert sum(r.blokkade_bij_start.values()) == 18
    assert sum(r.blokkade_bij_einde.values()) == 18
    assert sum(c.aantal for c in r.kruistabel) == 18


def test_a_single_year_and_a_cut_period() -> None:
    a, t = seed_feiten()
    r = bereken(Periode.jaar(2024), a, t)
    assert [k.label for k in r.tabel1] == ["2024", "periode"]
    jaar = r.tabel1[0]
    assert (jaar.nieuwe_aanmeldingen, jaar.opstart, jaar.afronding, jaar.lopend_begin, jaar.lopend_eind) == (12, 7, 3, 7, 11)
    assert r.totaal_trajecten == 14  # 7 running on 1 January + 7 started
    assert sum(r.tabel2_leeftijd.values()) == 7  # only those started in 2024
    half = bereken(Periode(dt.date(2023, 7, 1), dt.date(2024, 6, 30)), a, t)
    for k in half.tabel1:
        assert k.lopend_eind == k.lopend_begin + k.opstart - k.afronding
    assert half.tabel1[0].van == dt.date(2023, 7, 1) and half.tabel1[1].tot == dt.date(2024, 6, 30)


def test_a_traject_without_its_aanmelding_counts_as_onbekend_so_sums_hold() -> None:
    r = bereken(Periode.jaar(2024), [], [TrajectFeit(ref="x", aanmelding_ref="weg", startdatum=dt.date(2024, 3, 1))])
    assert r.tabel3_regio["ONBEKEND"] == 1 and r.tabel4_aanmelder == {"ONBEKEND": {"totaal": 1, "ONBEKEND": 1}}
    assert r.tabel2_leeftijd == {**{str(x): 0 for x in range(10, 17)}, "ONBEKEND": 1}
    extern = voor_doelgroep(r, Doelgroep.EXTERN, minimum=5)
    assert extern.tabel2_leeftijd["ANDERE"] is None and "ONBEKEND" not in extern.tabel2_leeftijd


def test_bad_periods_are_refused_naming_the_field() -> None:
    with pytest.raises(RegelGeschonden) as e:
        Periode(dt.date(2024, 2, 1), dt.date(2024, 1, 1))
    assert e.value.veld == "tot"
    with pytest.raises(RegelGeschonden):
        Periode(dt.date(2001, 1, 1), dt.date(2026, 1, 1))
    with pytest.raises(RegelGeschonden) as e:
        Periode(dt.date(2020, 1, 1), dt.date(9999, 12, 31))
    assert e.value.veld == "tot"


def _alle_tellingen(r) -> list[int | None]:
    out: list[int | None] = [r.totaal_trajecten]
    for k in r.tabel1:
        out += [k.nieuwe_aanmeldingen, k.opstart, k.afronding, k.niet_opgestart, k.lopend_begin, k.lopend_eind]
    for t in (r.tabel2_leeftijd, r.tabel3_regio, r.niet_opgestart_reden, r.niet_opgestart_alternatief_advies, r.blokkade_bij_start,
              r.blokkade_bij_einde, r.afronding_redenen, *(getattr(r.trechter, g) for g in Trechter.GROEPEN)):
        out += list(t.values())
    for rij in r.tabel4_aanmelder.values():
        out += list(rij.values())
    return out


@pytest.mark.parametrize("minimum", [2, 3, 5, 8])
@pytest.mark.parametrize("periode", [SEED_PERIODE, Periode.jaar(2023), Periode.jaar(2024), Periode.jaar(2025)])
def test_extern_never_shows_a_count_below_the_minimum_and_never_the_cross_table(minimum: int, periode: Periode) -> None:
    trechter = Trechter(actiepunten={"OPEN": 3, "OPGENOMEN": 9}, lerend_netwerk_sessies={"GEHOUDEN": 2})
    team = bereken(periode, *seed_feiten(), trechter=trechter)
    extern = voor_doelgroep(team, Doelgroep.EXTERN, minimum=minimum)
    assert extern.kruistabel is None and extern.minimum_cel == minimum
    for v in _alle_tellingen(extern):
        assert v is None or v == 0 or v >= minimum
    assert all(set(rij) == {"totaal"} for rij in extern.tabel4_aanmelder.values())  # no organisations outside the team
    # fixed keys: the presence of a key reveals nothing
    assert list(extern.tabel2_leeftijd) == ["10", "11", "12", "13", "14", "15", "16", "ANDERE"]
    assert len(extern.tabel4_aanmelder) == 8 and "ANDERE" in extern.tabel4_aanmelder
    assert "EXCLUSIE_REGIO" in extern.niet_opgestart_reden and "PROJECT_EINDE" in extern.afronding_redenen
    # whatever is shown is exact
    for ke, kt in zip(extern.tabel1, team.tabel1, strict=True):
        for veld in ("nieuwe_aanmeldingen", "opstart", "afronding", "lopend_begin", "lopend_eind"):
            assert getattr(ke, veld) in (None, getattr(kt, veld))


def test_extern_tabel1_hides_no_lone_cell_of_the_flow_and_links_years() -> None:
    extern = voor_doelgroep(bereken(SEED_PERIODE, *seed_feiten()), Doelgroep.EXTERN, minimum=5)
    for k in extern.tabel1:
        stroom = [k.lopend_begin, k.opstart, k.afronding, k.lopend_eind]
        assert sum(v is None for v in stroom) != 1, k
    jaren = [k for k in extern.tabel1 if k.label != "periode"]
    for a, b in zip(jaren, jaren[1:], strict=False):
        assert (a.lopend_eind is None) == (b.lopend_begin is None)


def test_team_sees_exact_counts() -> None:
    team = bereken(SEED_PERIODE, *seed_feiten())
    assert voor_doelgroep(team, Doelgroep.TEAM, minimum=5) is team
