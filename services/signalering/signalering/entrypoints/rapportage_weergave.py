"""The three forms of a report: typed JSON (response models, in OpenAPI), CSV (semicolon-separated, UTF-8 with a
BOM, so that Excel in a Flemish locale opens it as columns) and an HTML page with tables beside SVG charts drawn on
the server with matplotlib's SVG backend, printable on A4. All three are made from the same :class:`Rapport`, after
suppression for the audience, so none can show what another hides.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from signalering.domain.rapportage import Doelgroep, Rapport, Trechter
from signalering.entrypoints.schemas import Aantal, RapportOut

def toelichting(r: Rapport) -> str:
    if r.doelgroep is Doelgroep.TEAM:
        return "Intern rapport voor het team: exacte aantallen, met de kruistabel leeftijd × regio × aanmelder."
    return (
        f"Rapport voor buiten het team: aantallen van 1 tot {r.minimum_cel - 1} zijn onderdrukt, net als de cellen die ze "
        "via een totaal zouden verraden (complementaire onderdrukking); Tabel 4 toont alleen categorieën; er is geen "
        "kruistabel leeftijd × regio × aanmelder."
    ) if r.minimum_cel else "Rapport voor buiten het team."


def als_json(r: Rapport) -> RapportOut:
    d = dataclasses.asdict(r)
    d.pop("periode")
    return RapportOut.model_validate(
        {**d, "periode_van": r.periode.van, "periode_tot": r.periode.tot, "toelichting": toelichting(r)}
    )


# --------------------------------------------------------------------------- CSV

TABEL1_NAMEN = {
    "nieuwe_aanmeldingen": "Nieuwe aanmeldingen",
    "opstart": "Opstart trajecten",
    "afronding": "Afronding trajecten",
    "niet_opgestart": "Niet opgestart",
    "lopend_begin": "Lopend bij begin",
    "lopend_eind": "Lopend bij einde",
}

TELLINGEN = (
    ("tabel2_leeftijd", "Tabel 2 — Leeftijd bij aanmelding (opgestarte trajecten)"),
    ("tabel3_regio", "Tabel 3 — Regio van de jongeren"),
    ("niet_opgestart_reden", "Niet opgestart — reden"),
    ("niet_opgestart_alternatief_advies", "Niet opgestart — alternatief advies"),
    ("blokkade_bij_start", "Blokkadestatus bij de start"),
    ("blokkade_bij_einde", "Blokkadestatus bij de afronding"),
    ("afronding_redenen", "Redenen van afronding"),
)

TRECHTER_NAMEN = {
    "signalen_vrijgegeven_per_thema": "Signalen vrijgegeven per thema",
    "themas_per_status": "Thema's per fase",
    "lerend_netwerk_sessies": "Sessies lerend netwerk",
    "forum_discussietafels": "Discussietafels netwerkforum",
    "actiepunten": "Actiepunten",
    "beleidsaanbevelingen_per_niveau": "Beleidsaanbevelingen per niveau",
}

ONDERDRUKT = "onderdrukt"
CSV_KOLOMMEN = ("tabel", "groep", "sleutel", "waarde")


def _w(v: Aantal) -> str:
    return ONDERDRUKT if v is None else str(v)


def csv_rijen(r: Rapport) -> Iterator[tuple[str, str, str, str]]:
    yield ("rapport", "", "periode_van", r.periode.van.isoformat())
    yield ("rapport", "", "periode_tot", r.periode.tot.isoformat())
    yield ("rapport", "", "doelgroep", r.doelgroep.value)
    yield ("rapport", "", "minimum_cel", "" if r.minimum_cel is None else str(r.minimum_cel))
    for k in r.tabel1:
        for veld in TABEL1_NAMEN:
            yield ("tabel1", k.label, veld, _w(getattr(k, veld)))
    yield ("tabel1", "periode", "totaal_trajecten", _w(r.totaal_trajecten))
    for naam, _ in TELLINGEN[:2]:
        for k, v in getattr(r, naam).items():
            yield (naam, "", k, _w(v))
    for cat, rij in r.tabel4_aanmelder.items():
        for org, v in rij.items():
            yield ("tabel4_aanmelder", cat, org, _w(v))
    for naam, _ in TELLINGEN[2:]:
        for k, v in getattr(r, naam).items():
            yield (naam, "", k, _w(v))
    for groep in Trechter.GROEPEN:
        for k, v in getattr(r.trechter, groep).items():
            yield ("trechter", groep, k, _w(v))
    for c in r.kruistabel or ():
        yield ("kruistabel", f"{c.leeftijd}|{c.regio}", c.aanmelder_categorie, str(c.aantal))


def als_csv(r: Rapport) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(CSV_KOLOMMEN)
    w.writerows(csv_rijen(r))
    return "\ufeff".join(["", buf.getvalue()]).encode("utf-8")


# --------------------------------------------------------------------------- charts (matplotlib, SVG backend)

_GRAFIEK_LOCK = threading.Lock()  # rcParams are global; one chart at a time
_BREEDTE_MM = 85
_MM = 1 / 25.4


def _svg(naam: str, teken: Any, hoogte_mm: float = 60) -> Markup:
    """A chart as inline SVG. Every bar carries the id ``<naam>-staaf-<i>`` so tests (and CSS) can find them."""
    import matplotlib

    matplotlib.use("svg", force=False)
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    with _GRAFIEK_LOCK, rc_context({"svg.fonttype": "none", "svg.hashsalt": naam, "font.size": 7, "svg.id": naam}):
        fig = Figure(figsize=(_BREEDTE_MM * _MM, hoogte_mm * _MM))
        ax = fig.add_subplot()
        teken(ax)
        from matplotlib.ticker import MaxNLocator

        horizontaal = getattr(ax, "_horizontaal", False)
        (ax.xaxis if horizontaal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
        if horizontaal:
            ax.set_xlim(left=0, right=max(ax.get_xlim()[1], 1))
        else:
            ax.set_ylim(bottom=0, top=max(ax.get_ylim()[1], 1))
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    tekst = buf.getvalue()
    tekst = tekst[tekst.index("<svg") :]  # inline: no XML declaration or doctype
    return Markup(f'<figure class="grafiek" id="grafiek-{naam}">{tekst}</figure>')


def _staven(naam: str, titel: str, waarden: Mapping[str, Aantal], *, horizontaal: bool = False) -> Markup:
    getoond = [(k, v) for k, v in waarden.items() if v is not None]

    def teken(ax: Any) -> None:
        labels = [k for k, _ in getoond]
        hoogtes = [v for _, v in getoond]
        staven = (ax.barh if horizontaal else ax.bar)(range(len(getoond)), hoogtes, color="#2f6f8f")
        for i, staaf in enumerate(staven):
            staaf.set_gid(f"{naam}-staaf-{i}")
        if horizontaal:
            ax._horizontaal = True  # integer ticks on the value axis (see _svg)
            ax.set_yticks(range(len(labels)), labels)
            ax.invert_yaxis()
        else:
            ax.set_xticks(range(len(labels)), labels, rotation=30 if max((len(x) for x in labels), default=0) > 4 else 0, ha="right" if max((len(x) for x in labels), default=0) > 4 else "center")
        ax.set_title(titel)
        if not getoond:
            ax.text(0.5, 0.5, "alle aantallen onderdrukt" if waarden else "geen gegevens", ha="center", va="center", transform=ax.transAxes)

    return _svg(naam, teken, hoogte_mm=60 + (4 * len(getoond) if horizontaal else 0))


def _stroom(r: Rapport) -> Markup:
    """Tabel 1 as a flow (waterfall) per year: lopend bij begin, + opstart, − afronding, lopend bij einde."""
    jaren = [k for k in r.tabel1 if k.label != "periode"]

    def teken(ax: Any) -> None:
        i = 0
        ticks, labels = [], []
        for j, k in enumerate(jaren):
            basis = j * 5
            delen = [
                ("begin", k.lopend_begin, 0, "#8aa9b8"),
                ("+ opstart", k.opstart, k.lopend_begin, "#3b8f4f"),
                ("− afronding", k.afronding, None if k.lopend_eind is None else k.lopend_eind, "#b5543c"),
                ("einde", k.lopend_eind, 0, "#2f6f8f"),
            ]
            for n, (label, v, onder, kleur) in enumerate(delen):
                if v is None:
                    continue
                staaf = ax.bar(basis + n, v, bottom=onder or 0, color=kleur)[0]
                staaf.set_gid(f"stroom-staaf-{i}")
                i += 1
                ticks.append(basis + n)
                labels.append(f"{k.label} {label}" if n == 0 else label)
        ax.set_xticks(ticks, labels, rotation=45, ha="right")
        ax.set_title("Trajecten per jaar")

    return _svg("stroom", teken, hoogte_mm=70)


def _trechter(r: Rapport) -> Markup:
    t = r.trechter

    def som(d: Mapping[str, Aantal]) -> Aantal:
        return None if any(v is None for v in d.values()) else sum(v or 0 for v in d.values())

    fasen = {
        "Signalen vrijgegeven (micro → meso)": som(t.signalen_vrijgegeven_per_thema),
        "Thema's": som(t.themas_per_status),
        "Sessies lerend netwerk": som(t.lerend_netwerk_sessies),
        "Discussietafels forum (macro)": som(t.forum_discussietafels),
        "Actiepunten": som({k: v for k, v in t.actiepunten.items() if k != "OPNIEUW_GESIGNALEERD"}),
        "Beleidsaanbevelingen": som(t.beleidsaanbevelingen_per_niveau),
    }
    return _staven("trechter", "Trechter van signalering", fasen, horizontaal=True)


# --------------------------------------------------------------------------- HTML

_PAGINA = """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Rapport {{ r.periode.van }} – {{ r.periode.tot }} ({{ doelgroep }})</title>
<style>
  @page { size: A4; margin: 12mm; }
  * { box-sizing: border-box; }
  html, body { margin: 0; padding: 0; }
  body { font: 10pt/1.35 "DejaVu Sans", Arial, sans-serif; color: #222; width: 100%; max-width: 186mm; padding: 4mm; }
  h1 { font-size: 15pt; margin: 0 0 2mm; }
  h2 { font-size: 11.5pt; margin: 5mm 0 2mm; border-bottom: 1px solid #bbb; }
  .meta { margin: 0 0 3mm; }
  .meta span { display: inline-block; margin-right: 6mm; }
  .let-op { border: 1px solid #b5543c; background: #fbeee9; padding: 2mm 3mm; margin: 2mm 0; }
  .rij { display: flex; flex-wrap: wrap; gap: 4mm; align-items: flex-start; page-break-inside: avoid; break-inside: avoid; }
  .rij > * { flex: 1 1 85mm; min-width: 0; max-width: 100%; }
  .rij > .breed { flex-basis: 100%; }
  table { border-collapse: collapse; width: 100%; font-size: 9pt; table-layout: fixed; }
  th, td { border: 1px solid #ccc; padding: 1mm 1.5mm; text-align: left; overflow-wrap: anywhere; }
  td.n { text-align: right; font-variant-numeric: tabular-nums; }
  td.onderdrukt { color: #777; text-align: right; }
  figure.grafiek { margin: 0; }
  figure.grafiek svg { width: 100%; height: auto; display: block; }
</style>
</head>
<body>
<h1>Rapport Co-ncept Jeugdhulp</h1>
<p class="meta"><span><b>Periode:</b> <time id="periode-van">{{ r.periode.van }}</time> t.e.m. <time id="periode-tot">{{ r.periode.tot }}</time></span>
<span><b>Publiek:</b> <span id="doelgroep">{{ doelgroep }}</span></span>
<span><b>Gemaakt op:</b> {{ gemaakt_op }}</span></p>
<p class="{{ 'let-op' if r.minimum_cel else 'meta' }}" id="toelichting">{{ toelichting }}{% if r.minimum_cel %} Onderdrukte cellen tonen „–”.{% endif %}</p>

{% macro aantal(v) %}{% if v is none %}<td class="onderdrukt" data-onderdrukt="1">–</td>{% else %}<td class="n">{{ v }}</td>{% endif %}{% endmacro %}
{% macro telling(titel, waarden, id) %}
<table id="{{ id }}"><thead><tr><th>{{ titel }}</th><th style="width:22mm">Aantal</th></tr></thead><tbody>
{% for k, v in waarden.items() %}<tr><td>{{ k }}</td>{{ aantal(v) }}</tr>{% else %}<tr><td colspan="2">geen gegevens</td></tr>{% endfor %}
</tbody></table>
{% endmacro %}

<h2>Tabel 1 — Aanmeldingen, opstart, afronding en lopende trajecten</h2>
<div class="rij">
<table id="tabel1" class="breed"><thead><tr><th></th>{% for k in r.tabel1 %}<th>{{ 'Periode' if k.label == 'periode' else k.label }}</th>{% endfor %}</tr></thead>
<tbody>
{% for veld, naam in tabel1_namen.items() %}<tr><td>{{ naam }}</td>{% for k in r.tabel1 %}{{ aantal(k[veld]) }}{% endfor %}</tr>{% endfor %}
<tr><td>Totaal aantal trajecten</td>{% for k in r.tabel1 %}{% if loop.last %}{{ aantal(r.totaal_trajecten) }}{% else %}<td></td>{% endif %}{% endfor %}</tr>
</tbody></table>
{{ stroom }}
<p>„Lopend bij begin” is het aantal lopende trajecten op 1 januari, „lopend bij einde” op 31 december; lopend bij einde = lopend bij begin + opstart − afronding.</p>
</div>

<h2>Tabel 2 — Leeftijd bij aanmelding</h2>
<div class="rij">{{ telling("Leeftijd", r.tabel2_leeftijd, "tabel2") }}{{ grafiek_leeftijd }}</div>

<h2>Tabel 3 — Regio van de jongeren</h2>
<div class="rij">{{ telling("Regio", r.tabel3_regio, "tabel3") }}{{ grafiek_regio }}</div>

<h2>Tabel 4 — Aanmelders</h2>
<div class="rij">
<table id="tabel4"><thead><tr><th>Categorie</th><th>Organisatie</th><th style="width:22mm">Aantal</th></tr></thead><tbody>
{% for cat, rij in r.tabel4_aanmelder.items() %}{% for org, v in rij.items() %}<tr><td>{{ cat }}</td><td>{{ 'Totaal' if org == 'totaal' else org }}</td>{{ aantal(v) }}</tr>{% endfor %}{% endfor %}
</tbody></table>
{{ grafiek_aanmelder }}
</div>
<p>Tabellen 2 tot 4 tellen de opgestarte trajecten van de periode, niet de aanmeldingen.</p>

<h2>Niet opgestarte aanmeldingen, blokkade en afronding</h2>
<div class="rij">{{ telling("Reden niet opgestart", r.niet_opgestart_reden, "niet-opgestart-reden") }}{{ telling("Alternatief advies", r.niet_opgestart_alternatief_advies, "alternatief-advies") }}</div>
<div class="rij">{{ telling("Blokkadestatus bij de start", r.blokkade_bij_start, "blokkade-start") }}{{ telling("Blokkadestatus bij de afronding", r.blokkade_bij_einde, "blokkade-einde") }}</div>
<div class="rij">{{ telling("Reden van afronding", r.afronding_redenen, "afronding-redenen") }}</div>

<h2>Signalering: van micro naar meso en macro</h2>
<div class="rij">{{ trechter }}<div>
{% for groep, naam in trechter_namen.items() %}{{ telling(naam, r.trechter[groep], "trechter-" ~ groep) }}{% endfor %}
</div></div>

{% if r.kruistabel is not none %}
<h2>Kruistabel leeftijd × regio × aanmelder (alleen intern)</h2>
<table id="kruistabel"><thead><tr><th>Leeftijd</th><th>Regio</th><th>Aanmelder</th><th style="width:22mm">Aantal</th></tr></thead><tbody>
{% for c in r.kruistabel %}<tr><td>{{ c.leeftijd }}</td><td>{{ c.regio }}</td><td>{{ c.aanmelder_categorie }}</td><td class="n">{{ c.aantal }}</td></tr>{% endfor %}
</tbody></table>
{% endif %}
</body>
</html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_TEMPLATE = _ENV.from_string(_PAGINA)


class _Lees:
    """Lets the template index a dataclass like a mapping (``k[veld]``)."""

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def __getitem__(self, naam: str) -> Any:
        return getattr(self._obj, naam)

    def __getattr__(self, naam: str) -> Any:
        return getattr(self._obj, naam)


def als_html(r: Rapport, *, nu: dt.datetime | None = None) -> str:
    """The page. CPU-bound (matplotlib): call it in a worker thread."""
    categorieen = {c: rij.get("totaal") for c, rij in r.tabel4_aanmelder.items()}
    return _TEMPLATE.render(
        r=_Lees(dataclasses.replace(r, tabel1=[_Lees(k) for k in r.tabel1], trechter=_Lees(r.trechter))),  # type: ignore[list-item]
        doelgroep="team (exacte aantallen)" if r.doelgroep is Doelgroep.TEAM else f"buiten het team (minimum {r.minimum_cel})",
        toelichting=toelichting(r),
        gemaakt_op=(nu or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC"),
        tabel1_namen=TABEL1_NAMEN,
        trechter_namen=TRECHTER_NAMEN,
        stroom=_stroom(r),
        grafiek_leeftijd=_staven("leeftijd", "Leeftijd bij aanmelding", r.tabel2_leeftijd),
        grafiek_regio=_staven("regio", "Regio", r.tabel3_regio, horizontaal=True),
        grafiek_aanmelder=_staven("aanmelder", "Aanmelder (categorie)", categorieen, horizontaal=True),
        trechter=_trechter(r),
    )
