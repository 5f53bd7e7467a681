"""The yearly report to the funder (domain guide §8): Tabel 1–4 of the 2024 report, the non-starts, blokkade at the
start and at the end, afronding reasons, and the funnel of signalering (§6) — per calendar year and per period.

Pure: the report is computed from *facts* (one per aanmelding, one per traject) that the event handlers keep
(:mod:`signalering.service_layer.rapportage`), so it can be rebuilt from the event log. Facts are keyed by salted
refs, never by the micro ids. Then :func:`voor_doelgroep` applies small-number suppression (§9 rule 4) for
anything that leaves the team.

Definitions (INFERRED where §8 is silent):

* **nieuwe aanmeldingen** in a year: aanmeldingen received (``ontvangen_op``) in it; **opstart**: trajecten whose
  startdatum (the startgesprek, §5.2) lies in it; **afronding**: trajecten closed (``afgerond_op``) in it, of
  those whose start the read model knows (otherwise the flow below would not hold); **niet opgestart**: non-start decisions in it.
* **lopend begin** of a year: trajecten started before its first day and not closed before it; **lopend eind**:
  started on or before its last day and not closed on or before it. So ``lopend_eind = lopend_begin + opstart −
  afronding`` always holds, and both readings of the seed's "Lopende trajecten" row (1 January of the next year
  or 31 December of the year) are shown. A period that cuts a year uses the days of the year inside the period.
* **totaal trajecten** of a period: trajecten that ran in it (lopend at its start + started in it).
* Tabel 2–4 count the trajecten **started** in the period (not the aanmeldingen): each sums to ``opstart``. A
  traject whose aanmelding is not (yet) known counts as ``ONBEKEND``, so the sums still hold.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from jeugdhulp_common.contracts.vocabulary import (
    AanmelderCategorie,
    AfrondingsReden,
    BlokkadeStatus,
    Ondersteuningsvorm,
    RedenNietOpstart,
    RegioELZ,
)
from jeugdhulp_common.domain import OngeldigeInvoer, RegelGeschonden
from jeugdhulp_common.suppression import suppress_counts, suppress_table

ONBEKEND = "ONBEKEND"
ANDERE = "ANDERE"
LEEFTIJDEN = tuple(str(x) for x in range(10, 17))  # the ages in the project's data (10–16); others are shown too
REGIOS = tuple(r.value for r in RegioELZ if r is not RegioELZ.BUITEN_REGIO)
MAX_PERIODE_JAREN = 25
MIN_JAAR, MAX_JAAR = 2000, 2100


class Doelgroep(StrEnum):
    """Who sees the report: the team (exact counts) or anyone outside it (suppressed)."""

    TEAM = "TEAM"
    EXTERN = "EXTERN"


@dataclass(frozen=True)
class AanmeldingFeit:
    ref: str
    ontvangen_op: dt.date | None = None
    aanmelder_categorie: str | None = None
    aanmelder_organisatie: str | None = None
    leeftijd: int | None = None
    regio: str | None = None
    blokkade_bij_aanmelding: str | None = None
    opgestart_op: dt.date | None = None
    niet_opgestart_op: dt.date | None = None
    reden_niet_opstart: str | None = None
    alternatief_advies: str | None = None


@dataclass(frozen=True)
class TrajectFeit:
    ref: str
    aanmelding_ref: str | None = None
    startdatum: dt.date | None = None
    afgerond_op: dt.date | None = None
    afrondingsredenen: tuple[str, ...] = ()
    blokkade_einde: str | None = None


@dataclass(frozen=True)
class Periode:
    van: dt.date
    tot: dt.date  # inclusive

    def __post_init__(self) -> None:
        for veld in ("van", "tot"):
            if not MIN_JAAR <= getattr(self, veld).year <= MAX_JAAR:
                raise RegelGeschonden(f"{veld}: a year from {MIN_JAAR} to {MAX_JAAR}", veld=veld)
        if self.tot < self.van:
            raise RegelGeschonden("tot: the period ends before it starts", veld="tot")
        if self.tot.year - self.van.year >= MAX_PERIODE_JAREN:
            raise RegelGeschonden(f"tot: a period spans at most {MAX_PERIODE_JAREN} calendar years", veld="tot")

    @classmethod
    def jaar(cls, jaar: int) -> Periode:
        return cls(dt.date(jaar, 1, 1), dt.date(jaar, 12, 31))

    @classmethod
    def uit_vraag(cls, jaar: int | None, van: dt.date | None, tot: dt.date | None) -> Periode | None:
        """The period a report request asks for: a ``jaar``, or a period ``van``..``tot`` (both), or None (the
        default period). Anything else is an invalid field of the request (:class:`OngeldigeInvoer`)."""
        try:
            if jaar is not None:
                if van is not None or tot is not None:
                    raise RegelGeschonden("jaar: give a jaar or a period (van, tot), not both", veld="jaar")
                return cls.jaar(jaar)
            if van is None and tot is None:
                return None
            if van is None or tot is None:
                raise RegelGeschonden("van: a period needs both van and tot", veld="van" if van is None else "tot")
            return cls(van, tot)
        except RegelGeschonden as exc:
            raise OngeldigeInvoer(exc.veld or "jaar", exc.message) from None

    def bevat(self, d: dt.date | None) -> bool:
        return d is not None and self.van <= d <= self.tot

    def jaren(self) -> list[Periode]:
        """The calendar years of the period, each cut to the period."""
        return [
            Periode(max(self.van, dt.date(j, 1, 1)), min(self.tot, dt.date(j, 12, 31))) for j in range(self.van.year, self.tot.year + 1)
        ]


Telling = dict[str, int | None]


@dataclass(frozen=True)
class Tabel1Kolom:
    """One column of Tabel 1: a calendar year (cut to the period) or the whole period."""

    label: str
    van: dt.date
    tot: dt.date
    nieuwe_aanmeldingen: int | None
    opstart: int | None
    afronding: int | None
    niet_opgestart: int | None
    lopend_begin: int | None
    lopend_eind: int | None


TABEL1_RIJEN = ("nieuwe_aanmeldingen", "opstart", "afronding", "niet_opgestart", "lopend_begin", "lopend_eind")
STROOM = ("lopend_begin", "opstart", "afronding", "lopend_eind")


@dataclass(frozen=True)
class Kruiscel:
    leeftijd: str
    regio: str
    aanmelder_categorie: str
    aantal: int


@dataclass(frozen=True)
class Trechter:
    """The funnel of signalering (§6): micro → meso → macro, counts only."""

    signalen_vrijgegeven_per_thema: Telling = field(default_factory=dict)
    themas_per_status: Telling = field(default_factory=dict)
    lerend_netwerk_sessies: Telling = field(default_factory=dict)
    forum_discussietafels: Telling = field(default_factory=dict)
    actiepunten: Telling = field(default_factory=dict)  # OPEN, OPGENOMEN, …, and OPNIEUW_GESIGNALEERD
    beleidsaanbevelingen_per_niveau: Telling = field(default_factory=dict)

    GROEPEN = (
        "signalen_vrijgegeven_per_thema",
        "themas_per_status",
        "lerend_netwerk_sessies",
        "forum_discussietafels",
        "actiepunten",
        "beleidsaanbevelingen_per_niveau",
    )


@dataclass(frozen=True)
class Rapport:
    periode: Periode
    doelgroep: Doelgroep
    minimum_cel: int | None  # None for the team (exact counts)
    tabel1: list[Tabel1Kolom]  # the years, then the period as a whole (label "periode")
    totaal_trajecten: int | None
    tabel2_leeftijd: Telling
    tabel3_regio: Telling
    tabel4_aanmelder: dict[str, Telling]  # categorie -> {"totaal": n, organisatie: n…}; organisations for the team only
    niet_opgestart_reden: Telling
    niet_opgestart_alternatief_advies: Telling
    blokkade_bij_start: Telling
    blokkade_bij_einde: Telling
    afronding_redenen: Telling
    trechter: Trechter
    kruistabel: list[Kruiscel] | None  # leeftijd × regio × aanmelder: the team only, never outside it


def _telling(waarden: Iterable[str], sleutels: Iterable[str] = ()) -> Telling:
    c = Counter(waarden)
    out: Telling = {k: c.get(k, 0) for k in sleutels}
    for k in sorted(c):
        out.setdefault(k, c[k])
    return out


def _kolom(label: str, p: Periode, aanmeldingen: list[AanmeldingFeit], trajecten: list[TrajectFeit]) -> Tabel1Kolom:
    def gestart_voor(t: TrajectFeit, d: dt.date) -> bool:
        return t.startdatum is not None and t.startdatum < d

    def open_op(t: TrajectFeit, d: dt.date) -> bool:  # not closed before d
        return t.afgerond_op is None or t.afgerond_op >= d

    na_eind = p.tot + dt.timedelta(days=1)
    return Tabel1Kolom(
        label=label,
        van=p.van,
        tot=p.tot,
        nieuwe_aanmeldingen=sum(p.bevat(a.ontvangen_op) for a in aanmeldingen),
        opstart=sum(p.bevat(t.startdatum) for t in trajecten),
        afronding=sum(t.startdatum is not None and p.bevat(t.afgerond_op) for t in trajecten),
        niet_opgestart=sum(p.bevat(a.niet_opgestart_op) for a in aanmeldingen),
        lopend_begin=sum(gestart_voor(t, p.van) and open_op(t, p.van) for t in trajecten),
        lopend_eind=sum(gestart_voor(t, na_eind) and open_op(t, na_eind) for t in trajecten),
    )


def bereken(
    periode: Periode,
    aanmeldingen: Iterable[AanmeldingFeit],
    trajecten: Iterable[TrajectFeit],
    trechter: Trechter | None = None,
) -> Rapport:
    """The exact report of a period (the team's view)."""
    aanmeldingen = list(aanmeldingen)
    trajecten = list(trajecten)
    per_ref = {a.ref: a for a in aanmeldingen}
    kolommen = [_kolom(str(j.van.year), j, aanmeldingen, trajecten) for j in periode.jaren()]
    geheel = _kolom("periode", periode, aanmeldingen, trajecten)

    gestart = [t for t in trajecten if periode.bevat(t.startdatum)]
    bij = [per_ref.get(t.aanmelding_ref or "", AanmeldingFeit(ref="")) for t in gestart]
    leeftijden = [a.leeftijd for a in bij if a.leeftijd is not None]
    leeftijd_sleutels = sorted({*LEEFTIJDEN, *(str(x) for x in leeftijden)}, key=int)

    tabel4: dict[str, Telling] = {}
    for a in bij:
        cat = a.aanmelder_categorie or ONBEKEND
        rij = tabel4.setdefault(cat, {"totaal": 0})
        rij["totaal"] = (rij["totaal"] or 0) + 1
        org = a.aanmelder_organisatie or ONBEKEND
        rij[org] = (rij.get(org) or 0) + 1
    volgorde = [c.value for c in AanmelderCategorie] + [ONBEKEND]
    tabel4 = {c: dict(sorted(tabel4[c].items(), key=lambda kv: (kv[0] != "totaal", kv[0]))) for c in volgorde if c in tabel4}

    beslist = [a for a in aanmeldingen if periode.bevat(a.niet_opgestart_op)]
    afgerond = [t for t in trajecten if t.startdatum is not None and periode.bevat(t.afgerond_op)]
    blokkade_sleutels = [b.value for b in BlokkadeStatus]
    kruis = Counter(
        (str(a.leeftijd) if a.leeftijd is not None else ONBEKEND, a.regio or ONBEKEND, a.aanmelder_categorie or ONBEKEND) for a in bij
    )
    return Rapport(
        periode=periode,
        doelgroep=Doelgroep.TEAM,
        minimum_cel=None,
        tabel1=[*kolommen, geheel],
        totaal_trajecten=(geheel.lopend_begin or 0) + (geheel.opstart or 0),
        tabel2_leeftijd=_telling((str(a.leeftijd) if a.leeftijd is not None else ONBEKEND for a in bij), leeftijd_sleutels),
        tabel3_regio=_telling((a.regio or ONBEKEND for a in bij), REGIOS),
        tabel4_aanmelder=tabel4,
        niet_opgestart_reden=_telling(a.reden_niet_opstart or ONBEKEND for a in beslist),
        niet_opgestart_alternatief_advies=_telling(a.alternatief_advies or "ALLEEN_TEKST" for a in beslist),
        # a traject without a "situatie vroeger" starts NIET_GEBLOKKEERD (the traject domain's rule, §5.2)
        blokkade_bij_start=_telling((a.blokkade_bij_aanmelding or BlokkadeStatus.NIET_GEBLOKKEERD.value for a in bij), blokkade_sleutels),
        blokkade_bij_einde=_telling((t.blokkade_einde or ONBEKEND for t in afgerond), blokkade_sleutels),
        afronding_redenen=_telling(r for t in afgerond for r in t.afrondingsredenen),
        trechter=trechter or Trechter(),
        kruistabel=[Kruiscel(leeftijd=k[0], regio=k[1], aanmelder_categorie=k[2], aantal=n) for k, n in sorted(kruis.items())],
    )


# --------------------------------------------------------------------------- suppression (§9 rule 4)


def _onderdruk_tabel1(kolommen: list[Tabel1Kolom], minimum: int) -> list[Tabel1Kolom]:
    """Every count below the minimum hidden, then complementary cells until nothing can be recovered:

    * per column (a year or the period) and per row (a measure over the years) no single hidden cell;
    * the flow ``lopend_eind = lopend_begin + opstart − afronding`` per column: never one hidden among the four;
    * ``lopend_eind`` of a year equals ``lopend_begin`` of the next: both hidden or both shown.
    """
    waarden = {k.label: {r: getattr(k, r) for r in TABEL1_RIJEN} for k in kolommen}
    verborgen: set[tuple[str, str]] = set()
    while True:
        tabel = {label: {r: (None if (label, r) in verborgen else v) for r, v in rij.items()} for label, rij in waarden.items()}
        # hidden cells count as 1 so that suppress_table keeps them hidden (1 < any minimum >= 2)
        gemaskeerd = {label: {r: (1 if v is None else v) for r, v in rij.items()} for label, rij in tabel.items()}
        uit = suppress_table(gemaskeerd, minimum=minimum) if minimum > 1 else tabel
        nieuw = {(label, r) for label, rij in uit.items() for r, v in rij.items() if v is None}
        for label, rij in waarden.items():
            stroom = {r: (1 if (label, r) in nieuw else rij[r]) for r in STROOM}
            for r, v in suppress_counts(stroom, minimum=max(minimum, 2)).items():
                if v is None:
                    nieuw.add((label, r))
        labels = [k.label for k in kolommen if k.label != "periode"]
        for a, b in zip(labels, labels[1:], strict=False):
            if (a, "lopend_eind") in nieuw or (b, "lopend_begin") in nieuw:
                nieuw |= {(a, "lopend_eind"), (b, "lopend_begin")}
        if nieuw <= verborgen:
            break
        verborgen |= nieuw
    return [replace(k, **{r: None for r in TABEL1_RIJEN if (k.label, r) in verborgen}) for k in kolommen]


def _onderdruk(t: Mapping[str, int | None], minimum: int, sleutels: Iterable[str] | None = None) -> Telling:
    """Suppressed counts. With ``sleutels``: always exactly those keys plus ``ANDERE`` (everything else), so that
    the mere presence of a key (an age, a regio, a reason) does not reveal that some child has it."""
    if sleutels is not None:
        sleutels = list(sleutels)
        vast = {k: t.get(k) or 0 for k in sleutels}
        vast[ANDERE] = sum(v or 0 for k, v in t.items() if k not in vast)
        t = vast
    return dict(suppress_counts({k: (v or 0) for k, v in t.items()}, minimum=minimum, total_shown=True))


def voor_doelgroep(rapport: Rapport, doelgroep: Doelgroep, *, minimum: int) -> Rapport:
    """The report as ``doelgroep`` may see it. For EXTERN: every count from 1 to ``minimum`` − 1 is hidden (None),
    with complementary suppression; every table has fixed keys (plus ``ANDERE``), so a key's presence reveals
    nothing; Tabel 4 is shown per categorie only (organisations with one or two trajecten
    point at a child); the leeftijd × regio × aanmelder cross-table is left out."""
    if doelgroep is Doelgroep.TEAM:
        return rapport
    if minimum < 1:
        raise ValueError("minimum must be at least 1")
    tabel1 = _onderdruk_tabel1(rapport.tabel1, minimum)
    totaal = rapport.totaal_trajecten
    totaal = None if totaal is not None and 0 < totaal < minimum else totaal
    categorieen = _onderdruk(
        {c: rij.get("totaal") for c, rij in rapport.tabel4_aanmelder.items()},
        minimum,
        [c.value for c in AanmelderCategorie if c is not AanmelderCategorie.ANDERE],
    )
    tr = rapport.trechter
    trechter = Trechter(**{g: _onderdruk(getattr(tr, g), minimum) for g in Trechter.GROEPEN})
    return replace(
        rapport,
        doelgroep=doelgroep,
        minimum_cel=minimum,
        tabel1=tabel1,
        totaal_trajecten=totaal,
        tabel2_leeftijd=_onderdruk(rapport.tabel2_leeftijd, minimum, LEEFTIJDEN),
        tabel3_regio=_onderdruk(rapport.tabel3_regio, minimum, REGIOS),
        tabel4_aanmelder={c: {"totaal": n} for c, n in categorieen.items()},
        niet_opgestart_reden=_onderdruk(rapport.niet_opgestart_reden, minimum, [r.value for r in RedenNietOpstart]),
        niet_opgestart_alternatief_advies=_onderdruk(
            rapport.niet_opgestart_alternatief_advies, minimum, [v.value for v in Ondersteuningsvorm] + ["ALLEEN_TEKST"]
        ),
        blokkade_bij_start=_onderdruk(rapport.blokkade_bij_start, minimum, [b.value for b in BlokkadeStatus]),
        blokkade_bij_einde=_onderdruk(rapport.blokkade_bij_einde, minimum, [b.value for b in BlokkadeStatus]),
        afronding_redenen=_onderdruk(rapport.afronding_redenen, minimum, [r.value for r in AfrondingsReden]),
        trechter=trechter,
        kruistabel=None,
    )
