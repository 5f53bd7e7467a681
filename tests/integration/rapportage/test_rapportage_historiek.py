"""History import → events → report read model → Tabel 1–4 of the project's 2024 report, on the real broker and
database with the three services as processes.

The database and the log are shared with the rest of the suite, so the seed's tables are asserted as the change the
import makes to the report of 2023–2025 (exact when this module runs alone: the baseline is then empty), and the
invariants on the whole report.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import uuid
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
import support
from rapportage_helpers import FIXTURES, Stack

from jeugdhulp_common import historiek, topics
from jeugdhulp_common.auth import Toegangsrol as R

SEED = json.loads((FIXTURES / "seed_tabellen.json").read_text())
CSV_BYTES = (FIXTURES / "historiek_seed.csv").read_bytes()
PERIODE = {"van": "2023-01-01", "tot": "2025-12-31"}
JAREN = ("2023", "2024", "2025")
A4_BREEDTE_PX = 794  # 210 mm at 96 px per inch


async def signalering_bijgewerkt() -> bool:
    """The signalering consumer group has committed every record now on the topics the report reads."""
    return await support.consumer_group_caught_up("signalering", topics.AANMELDING_MICRO, topics.TRAJECT_MICRO)


async def rapport(c: httpx.AsyncClient, **params: str) -> dict:
    r = await c.get("/rapportage", params={**PERIODE, **params})
    assert r.status_code == 200, r.text
    return r.json()


def jaren(rap: dict) -> dict[str, dict]:
    return {k["label"]: k for k in rap["tabel1"]}


def verschil(na: dict[str, int], voor: dict[str, int]) -> dict[str, int]:
    return {k: na.get(k, 0) - voor.get(k, 0) for k in sorted(set(na) | set(voor)) if na.get(k, 0) != voor.get(k, 0)}


def zonder_nul(d: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in d.items() if v}


async def post_bestand(c: httpx.AsyncClient, inhoud: bytes, content_type: str = "text/csv; charset=utf-8") -> httpx.Response:
    return await c.post("/historiek", content=inhoud, headers={"content-type": content_type})


async def outbox_rijen(service: str) -> int:
    return int(await support.db_fetchval(service, "SELECT count(*) FROM outbox"))


def invarianten(rap: dict) -> None:
    for k in rap["tabel1"]:
        assert k["lopendEind"] == k["lopendBegin"] + k["opstart"] - k["afronding"], k
    per_jaar = [k for k in rap["tabel1"] if k["label"] != "periode"]
    for a, b in zip(per_jaar, per_jaar[1:], strict=False):
        assert a["lopendEind"] == b["lopendBegin"]
    opstart = next(k for k in rap["tabel1"] if k["label"] == "periode")["opstart"]
    assert sum(per_jaar[i]["opstart"] for i in range(len(per_jaar))) == opstart
    assert sum(rap["tabel2Leeftijd"].values()) == opstart
    assert sum(rap["tabel3Regio"].values()) == opstart
    assert sum(rij["totaal"] for rij in rap["tabel4Aanmelder"].values()) == opstart
    for rij in rap["tabel4Aanmelder"].values():
        assert sum(v for o, v in rij.items() if o != "totaal") == rij["totaal"]


@pytest.fixture(scope="module")
async def geimporteerd(stack: Stack) -> dict:
    """Baseline report, then the seed history imported in the aanmelding and then the traject service."""
    async with stack.client("signalering", R.COORDINATOR) as sig, stack.client("aanmelding", R.COORDINATOR) as aan, stack.client(
        "traject", R.COORDINATOR
    ) as tra:
        await support.wait_for(signalering_bijgewerkt, timeout=120, interval=0.3, what="signalering consumer caught up")
        voor = await rapport(sig)
        r = await post_bestand(aan, CSV_BYTES)
        assert r.status_code == 200, r.text
        assert r.json() == {"rijen": 28, "nieuw": 28, "ongewijzigd": 0}

        async def trajecten_geimporteerd() -> dict | None:
            resp = await post_bestand(tra, CSV_BYTES)
            if resp.status_code == 422 and all(e["field"] == "ref" for e in resp.json()["errors"]):
                return None  # the traject service has not yet made every traject from AanmeldingOpgestart
            assert resp.status_code == 200, resp.text
            return resp.json()

        t = await support.wait_for(trajecten_geimporteerd, timeout=120, interval=0.5, what="trajecten created from the imported aanmeldingen")
        assert t == {"rijen": 28, "nieuw": 18, "ongewijzigd": 0, "zonderTraject": 10}

        async def seed_zichtbaar() -> dict | None:
            na = await rapport(sig)
            return na if not afwijkingen_van_de_seed(voor, na) else None

        na = await support.wait_for(seed_zichtbaar, timeout=120, interval=0.5, what="the imported history in the report")
    return {"voor": voor, "na": na}


def afwijkingen_van_de_seed(voor: dict, na: dict) -> list[str]:
    """What the import changed in the report of 2023–2025, against the seed's Tabel 1–4 (empty: exactly the seed)."""
    uit: list[str] = []

    def zelfde(wat: str, gekregen: object, verwacht: object) -> None:
        if gekregen != verwacht:
            uit.append(f"{wat}: {gekregen!r} != {verwacht!r}")

    j, jv = jaren(na), jaren(voor)
    for y in JAREN:
        for veld, maat in (("nieuwe_aanmeldingen", "nieuweAanmeldingen"), ("opstart", "opstart"), ("afronding", "afronding")):
            zelfde(f"tabel1 {y} {veld}", j[y][maat] - jv[y][maat], SEED["tabel1"][y][veld])
    lopend = SEED["tabel1"]["lopende_trajecten_raw"]
    zelfde("lopend op 1 januari 2024, 2025", [j[y]["lopendBegin"] - jv[y]["lopendBegin"] for y in ("2024", "2025")], lopend)
    zelfde("lopend op 31 december 2023, 2024", [j[y]["lopendEind"] - jv[y]["lopendEind"] for y in ("2023", "2024")], lopend)
    zelfde("niet opgestart", [j[y]["nietOpgestart"] - jv[y]["nietOpgestart"] for y in JAREN], [5, 5, 0])
    zelfde("totaal trajecten", na["totaalTrajecten"] - voor["totaalTrajecten"], SEED["tabel1"]["totaal_aantal_trajecten"])
    zelfde("tabel 2", verschil(na["tabel2Leeftijd"], voor["tabel2Leeftijd"]), zonder_nul(SEED["tabel2_leeftijd_bij_aanmelding"]))
    zelfde("tabel 3", verschil(na["tabel3Regio"], voor["tabel3Regio"]), zonder_nul(SEED["tabel3_regio_jongeren"]))
    t4 = {}
    for cat, rij in na["tabel4Aanmelder"].items():
        d = verschil({o: v for o, v in rij.items() if o != "totaal"},
                     {o: v for o, v in voor["tabel4Aanmelder"].get(cat, {}).items() if o != "totaal"})
        if d:
            t4[cat] = d
    zelfde("tabel 4", t4, SEED["tabel4_aanmelder"])
    return uit


async def test_importing_the_seed_history_gives_exactly_tabel_1_to_4(geimporteerd: dict) -> None:
    voor, na = geimporteerd["voor"], geimporteerd["na"]
    assert afwijkingen_van_de_seed(voor, na) == []
    j, jv = jaren(na), jaren(voor)
    assert {"11", "RITS"} <= set(na["tabel2Leeftijd"]) | set(na["tabel3Regio"])  # the seed's empty rows are shown
    invarianten(na)
    if not any(jv[y][m] for y in JAREN for m in ("nieuweAanmeldingen", "opstart", "afronding", "lopendBegin")):
        # alone on this database: the report IS the seed's report
        assert {y: (j[y]["nieuweAanmeldingen"], j[y]["opstart"], j[y]["afronding"]) for y in JAREN} == {
            y: (SEED["tabel1"][y]["nieuwe_aanmeldingen"], SEED["tabel1"][y]["opstart"], SEED["tabel1"][y]["afronding"]) for y in JAREN
        }
        assert na["tabel2Leeftijd"] == SEED["tabel2_leeftijd_bij_aanmelding"]
        assert na["tabel3Regio"] == SEED["tabel3_regio_jongeren"]


async def test_reimport_changes_nothing(stack: Stack, geimporteerd: dict) -> None:
    voor_a, voor_t = await outbox_rijen("aanmelding"), await outbox_rijen("traject")
    async with stack.client("aanmelding", R.COORDINATOR) as aan, stack.client("traject", R.COORDINATOR) as tra, stack.client(
        "signalering", R.COORDINATOR
    ) as sig:
        r = await post_bestand(aan, CSV_BYTES)
        assert r.status_code == 200 and r.json() == {"rijen": 28, "nieuw": 0, "ongewijzigd": 28}
        r = await post_bestand(tra, CSV_BYTES)
        assert r.status_code == 200 and r.json() == {"rijen": 28, "nieuw": 0, "ongewijzigd": 18, "zonderTraject": 10}
        assert (await outbox_rijen("aanmelding"), await outbox_rijen("traject")) == (voor_a, voor_t)  # no event at all
        await support.wait_for(signalering_bijgewerkt, timeout=60, what="signalering caught up")
        assert (await rapport(sig))["tabel1"] == geimporteerd["na"]["tabel1"]
    audit = await support.db_fetchval("aanmelding", "SELECT count(*) FROM audit_log WHERE actie = 'HISTORIEK_IMPORT'")
    assert audit >= 28


def _slecht_bestand() -> tuple[bytes, dict[int, str]]:
    """The fixture's header, two good new rows and three bad ones; returns the file and {line: bad column}."""
    kop, *rijen = CSV_BYTES.decode().splitlines()
    goed = rijen[0].split(";")
    def rij(ref: str, **wijzig: str) -> str:
        cellen = dict(zip(kop.split(";"), goed, strict=True))
        cellen.update(ref=ref, jongere_ref="J-" + ref, **wijzig)
        return ";".join(cellen[k] for k in kop.split(";"))
    uniek = uuid.uuid4().hex[:8]
    lijnen = [
        kop,
        rij(f"GOED-{uniek}-1"),                                           # line 2
        rij(f"FOUT-{uniek}-1", leeftijd_bij_aanmelding="veertien"),       # line 3
        rij(f"GOED-{uniek}-2"),                                           # line 4
        rij(f"FOUT-{uniek}-2", regio_jongere="GENT"),                      # line 5
        rij(f"FOUT-{uniek}-3", beslist_op="2022-12-01"),                   # line 6: before ontvangen_op
        rij(f"FOUT-{uniek}-4", beslissing="NIET_OPGESTART", reden_niet_opstart="GEEN_CAPACITEIT", alternatief_advies="",
            instemming_op="", startdatum=""),                              # line 7: no alternatief advies
    ]
    return ("\ufeff" + "\r\n".join(lijnen) + "\r\n").encode(), {3: "leeftijd_bij_aanmelding", 5: "regio_jongere", 6: "beslist_op",
                                                                  7: "alternatief_advies"}


async def test_a_file_with_bad_rows_is_refused_whole_naming_each_line(stack: Stack, geimporteerd: dict) -> None:
    bestand, fout = _slecht_bestand()
    voor = await support.db_fetchval("aanmelding", "SELECT count(*) FROM aanmelding")
    voor_outbox = await outbox_rijen("aanmelding")
    async with stack.client("aanmelding", R.COORDINATOR) as aan:
        r = await post_bestand(aan, bestand)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json"), r.text
    errors = r.json()["errors"]
    assert {(e["line"], e["field"]) for e in errors} == set(fout.items()), errors
    assert all(f"line {e['line']}" in e["message"] for e in errors)
    assert await support.db_fetchval("aanmelding", "SELECT count(*) FROM aanmelding") == voor  # the good rows neither
    assert await outbox_rijen("aanmelding") == voor_outbox


async def test_import_rights_and_json_format(stack: Stack, geimporteerd: dict) -> None:
    ref = f"JSON-{uuid.uuid4().hex[:8]}"
    rij = {"ref": ref, "jongere_ref": "J-" + ref, "ontvangen_op": "2026-01-05", "aanmelder_organisatie": "VOT", "aanmelder_categorie": "VOORZIENING",
           "leeftijd_bij_aanmelding": 14, "regio_jongere": "WESTHOEK", "redenen": ["REFLECTIE"], "beslissing": "NIET_OPGESTART",
           "beslist_op": "2026-01-12", "reden_niet_opstart": "GEEN_CAPACITEIT", "alternatief_advies": "DOP"}
    body = json.dumps({"rijen": [rij]}).encode()
    for rol in (R.PARTNER, R.PLANMAKER, R.STUURGROEP):
        async with stack.client("aanmelding", rol) as c:
            assert (await post_bestand(c, body, "application/json")).status_code == 403
    async with stack.client("aanmelding", R.COORDINATOR) as c:
        r = await post_bestand(c, body, "application/json")
        assert r.status_code == 200 and r.json() == {"rijen": 1, "nieuw": 1, "ongewijzigd": 0}, r.text
    status = await support.db_fetchval("aanmelding", "SELECT status FROM aanmelding WHERE id = $1", historiek.aanmelding_id(ref))
    assert status == "NIET_OPGESTART"


async def test_reports_after_a_rebuild_from_the_event_log_are_identical(stack: Stack, geimporteerd: dict) -> None:
    async with stack.client("signalering", R.COORDINATOR) as sig:
        await support.wait_for(signalering_bijgewerkt, timeout=60, what="signalering caught up")
        voor = {fmt: (await sig.get(f"/rapportage{fmt}", params=PERIODE)).content for fmt in ("", ".csv")}
        voor_json = json.loads(voor[""])
        # damage the read model, so the rebuild has to bring it back
        await support.db_fetchval("signalering", "DELETE FROM rapportage_traject")
        assert (await rapport(sig))["tabel2Leeftijd"] != voor_json["tabel2Leeftijd"]
    herbouw = subprocess.run(
        [sys.executable, "-m", "signalering", "rapportage-herbouw"], cwd=support.ROOT, env=os.environ.copy(),
        capture_output=True, text=True, timeout=300,
    )
    assert herbouw.returncode == 0, herbouw.stdout + herbouw.stderr
    assert int(re.search(r"from (\d+) events", herbouw.stdout).group(1)) >= 28 + 18 + 18 + 10
    # A new client: the first one's connection idled through the rebuild, about as long as the server keeps an idle
    # connection open (uvicorn: 5 s), and reusing it as the server closed it failed the request (httpx.ReadError).
    async with stack.client("signalering", R.COORDINATOR) as sig:
        na = {fmt: (await sig.get(f"/rapportage{fmt}", params=PERIODE)).content for fmt in ("", ".csv")}
    assert json.loads(na[""]) == voor_json
    assert na[".csv"] == voor[".csv"]


# --------------------------------------------------------------------------- audience and suppression


class _Cellen(HTMLParser):
    """The numbers in the table cells of a page (what a reader sees)."""

    def __init__(self) -> None:
        super().__init__()
        self.cellen: list[str] = []
        self._in: bool = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "td":
            self._in = True
            self.cellen.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in = False

    def handle_data(self, data: str) -> None:
        if self._in:
            self.cellen[-1] += data.strip()


def _json_tellingen(rap: dict) -> list[int | None]:
    uit: list[int | None] = [rap["totaalTrajecten"]]
    for k in rap["tabel1"]:
        uit += [v for naam, v in k.items() if naam not in ("label", "van", "tot")]
    for naam in ("tabel2Leeftijd", "tabel3Regio", "nietOpgestartReden", "nietOpgestartAlternatiefAdvies", "blokkadeBijStart",
                 "blokkadeBijEinde", "afrondingRedenen"):
        uit += list(rap[naam].values())
    for rij in rap["tabel4Aanmelder"].values():
        uit += list(rij.values())
    for groep in rap["trechter"].values():
        uit += list(groep.values())
    return uit


def lees_csv(inhoud: bytes) -> list[dict[str, str]]:
    """As a spreadsheet does: BOM says UTF-8, semicolons are the separator."""
    assert inhoud.startswith(b"\xef\xbb\xbf")
    rijen = list(csv.reader(io.StringIO(inhoud.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rijen[0] == ["tabel", "groep", "sleutel", "waarde"]
    assert all(len(r) == 4 for r in rijen), "every line opens as the same four columns"
    return [dict(zip(rijen[0], r, strict=True)) for r in rijen[1:]]


@pytest.mark.parametrize("rol", [R.PARTNER, R.STUURGROEP])
async def test_partner_and_stuurgroep_never_receive_a_cell_from_1_to_4(stack: Stack, geimporteerd: dict, rol: R) -> None:
    async with stack.client("signalering", rol) as c:
        for params in ({}, {"doelgroep": "TEAM"}, {"jaar": "2024"}, {"van": "2023-07-01", "tot": "2024-06-30"}):
            p = {**PERIODE, **params} if "jaar" not in params and "van" not in params else params
            rj = await c.get("/rapportage", params=p)
            assert rj.status_code == 200, rj.text
            rap = rj.json()
            assert rap["doelgroep"] == "EXTERN" and rap["minimumCel"] == 5 and rap["kruistabel"] is None
            assert all(set(rij) == {"totaal"} for rij in rap["tabel4Aanmelder"].values())
            tellingen = _json_tellingen(rap)
            assert None in tellingen  # something was suppressed (the seed has many small cells)
            assert not [v for v in tellingen if v is not None and 1 <= v <= 4]

            rc = await c.get("/rapportage.csv", params=p)
            assert rc.status_code == 200 and rc.headers["content-type"].startswith("text/csv")
            for rij in lees_csv(rc.content):
                if rij["tabel"] != "rapport":
                    assert rij["waarde"] == "onderdrukt" or not (1 <= int(rij["waarde"]) <= 4), rij
            assert not [r for r in lees_csv(rc.content) if r["tabel"] == "kruistabel"]

            rh = await c.get("/rapportage.html", params=p)
            assert rh.status_code == 200 and rh.headers["content-type"].startswith("text/html")
            cellen = _Cellen()
            cellen.feed(rh.text)
            getallen = [int(x) for x in cellen.cellen if x.isdigit()]
            assert getallen and not [v for v in getallen if 1 <= v <= 4]
            assert "onderdrukt" in rh.text and "buiten het team" in rh.text and "kruistabel" not in rh.text.lower().replace(
                "er is geen kruistabel", ""
            )


async def test_team_sees_exact_counts_and_the_cross_table_and_can_export_suppressed(stack: Stack, geimporteerd: dict) -> None:
    async with stack.client("signalering", R.PLANMAKER) as c:
        team = await rapport(c)
        assert team["doelgroep"] == "TEAM" and team["minimumCel"] is None
        assert None not in _json_tellingen(team)
        assert sum(k["aantal"] for k in team["kruistabel"]) == next(k for k in team["tabel1"] if k["label"] == "periode")["opstart"]
        export = await rapport(c, doelgroep="EXTERN")
        assert export["kruistabel"] is None and not [v for v in _json_tellingen(export) if v is not None and 1 <= v <= 4]
        rc = lees_csv((await c.get("/rapportage.csv", params=PERIODE)).content)
        assert [r for r in rc if r["tabel"] == "kruistabel"]
        r = await c.get("/rapportage", params={"van": "2024-05-01", "tot": "2024-01-01"})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "tot"
    async with httpx.AsyncClient(base_url=stack.signalering.url) as anon:
        assert (await anon.get("/rapportage.html")).status_code == 401


# --------------------------------------------------------------------------- the page in a real browser

MEET = """<script>
(function () {
  var staven = {};
  ["leeftijd", "regio", "aanmelder", "stroom", "trechter"].forEach(function (n) {
    staven[n] = document.querySelectorAll('#grafiek-' + n + ' [id^="' + n + '-staaf-"]').length;
  });
  var breedste = 0;
  document.querySelectorAll("body *").forEach(function (e) { breedste = Math.max(breedste, e.getBoundingClientRect().right); });
  document.body.setAttribute("data-meting", JSON.stringify({
    staven: staven, scrollWidth: document.documentElement.scrollWidth, breedste: breedste,
    svgs: document.querySelectorAll("figure.grafiek svg").length,
    periode: document.getElementById("periode-van").textContent + ".." + document.getElementById("periode-tot").textContent,
    doelgroep: document.getElementById("doelgroep").textContent
  }));
})();
</script>"""


def _chromium(chromium: str, html: Path, tmp: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", f"--user-data-dir={tmp / ('profiel-' + uuid.uuid4().hex[:6])}",
         f"--window-size={A4_BREEDTE_PX},1123", *extra, html.as_uri()],
        capture_output=True, text=True, timeout=180,
    )


@pytest.mark.parametrize("rol", [R.COORDINATOR, R.PARTNER])
async def test_the_page_in_headless_chromium(stack: Stack, geimporteerd: dict, chromium: str, tmp_path: Path, rol: R) -> None:
    async with stack.client("signalering", rol) as c:
        rap = await rapport(c)
        html = (await c.get("/rapportage.html", params=PERIODE)).text
    pagina = tmp_path / "rapport.html"
    pagina.write_text(html.replace("</body>", MEET + "</body>"), encoding="utf-8")

    schermafdruk = tmp_path / "rapport.png"
    shot = _chromium(chromium, pagina, tmp_path, f"--screenshot={schermafdruk}")
    assert shot.returncode == 0 and schermafdruk.exists() and schermafdruk.stat().st_size > 10_000, shot.stderr[-2000:]
    assert schermafdruk.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    dom = _chromium(chromium, pagina, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    m = json.loads(re.search(r'data-meting="([^"]*)"', dom.stdout).group(1).replace("&quot;", '"'))

    def getoond(d: dict) -> int:
        return sum(v is not None for v in d.values())

    jaren_ = [k for k in rap["tabel1"] if k["label"] != "periode"]
    verwacht = {
        "leeftijd": getoond(rap["tabel2Leeftijd"]),
        "regio": getoond(rap["tabel3Regio"]),
        "aanmelder": getoond({c: r["totaal"] for c, r in rap["tabel4Aanmelder"].items()}),
        "stroom": sum(k[v] is not None for k in jaren_ for v in ("lopendBegin", "opstart", "afronding", "lopendEind")),
        "trechter": 6 - sum(any(v is None for v in g.values()) for g in rap["trechter"].values()),
    }
    assert m["staven"] == verwacht
    if rol is R.COORDINATOR:
        assert m["staven"]["leeftijd"] >= 7 and m["staven"]["regio"] >= 5 and m["staven"]["stroom"] == 12
    assert m["svgs"] == 5
    assert m["periode"] == "2023-01-01..2025-12-31"
    assert ("exacte aantallen" in m["doelgroep"]) == (rol is R.COORDINATOR)
    assert m["scrollWidth"] <= A4_BREEDTE_PX and m["breedste"] <= A4_BREEDTE_PX, m
