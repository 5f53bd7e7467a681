"""The de-identification detector of signalering's gate: ``deduce`` (UMC Utrecht, on ``docdeid``) with Flemish
annotators and lists of its own, over normalised text.

* **deduce** brings names (first-name and surname lists, initials with a surname, prefixes such as *mevrouw*),
  places, institutions, dates, ages, phone numbers, e-mail addresses and URLs for Dutch text.
* **What Flanders adds** (:mod:`.vlaams`, ``data/``): Belgian municipalities and deelgemeenten, Flemish first
  names, named schools and voorzieningen, rijksregisternummer in every written form, Belgian IBAN, Belgian and
  Dutch phone formats, social-media handles and profile URLs, obfuscated e-mail, dates in words (Dutch and
  French), ages in words, initials, street addresses.
* **Normalised first** (:mod:`jeugdhulp_common.tekstnormalisatie`, shared with traject): NFKC, zero-width and bidi controls removed, homoglyphs folded.

The lookup lists are merged into a copy of deduce's lists and compiled into deduce's lookup structures (a
pickle) at install time: ``python -m signalering.deidentificatie build`` (run by ``make install``), into
``SIGNALERING_DEIDENTIFICATIE_DIR`` (default: ``share/jeugdhulp-deidentificatie`` in the Python prefix, i.e.
the virtualenv). Deduce's Dutch street list (150 000 Dutch street names, ~1 GiB in memory) and its list of
Dutch healthcare institutions are replaced by the Flemish pattern for a street with a number and by the Flemish
organisation list. The build then replaces deduce's multi-token tries (a Python dict per token, ~45 MiB) by
compact static tries (:mod:`.trie`, a few hundred KiB): the detector adds about 12 MiB to the process and loads
in a fraction of a second. Loading never builds: a missing build (or one deduce redid itself, with full-size
tries) is an error telling to run the build (:class:`DetectorNietGebouwd`). One :class:`Detector` per process
(:func:`detector`), loaded at service start (the API's lifespan), never on a request.
"""

from __future__ import annotations

import functools
import logging
import os
import pickle
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jeugdhulp_common.tekstnormalisatie import Genormaliseerd, normaliseer

__all__ = ["Detector", "DetectorNietGebouwd", "Genormaliseerd", "Treffer", "bouw", "detector", "map_pad", "normaliseer"]

_DATA = Path(__file__).resolve().parent / "data"
ENV_DIR = "SIGNALERING_DEIDENTIFICATIE_DIR"

# deduce's tags → the gate's kinds
_SOORT_VAN_TAG = {
    "persoon": "NAAM", "patient": "NAAM", "voornaam": "NAAM", "achternaam": "NAAM", "initiaal": "NAAM",
    "locatie": "LOCATIE", "straat": "ADRES", "adres": "ADRES",
    "ziekenhuis": "INSTELLING", "zorginstelling": "INSTELLING", "instelling": "INSTELLING",
    "datum": "DATUM", "leeftijd": "LEEFTIJD", "telefoonnummer": "TELEFOONNUMMER", "emailadres": "EMAILADRES",
    "url": "URL", "sociale_media": "SOCIALE_MEDIA", "rijksregisternummer": "RIJKSREGISTERNUMMER", "iban": "IBAN",
    "bsn": "IDENTIFICATIENUMMER", "id": "IDENTIFICATIENUMMER", "initialen": "INITIALEN",
}  # fmt: skip

# deduce annotators not used: Dutch BSN is no Belgian identifier (the rijksregisternummer rule replaces it);
# deduce's age rule takes group ranges ("van 0 tot 25 jaar") for ages: the Flemish age rule replaces it.
_UIT = frozenset({"bsn", "age"})
_TRIEVORM = "compacte-trie-1"  # the form of the built tries (:class:`.trie.CompacteTrie`)
_PRIORITEIT = 10  # the Flemish annotators win an overlap with deduce's generic ones (a phone number is no "id")


class DetectorNietGebouwd(RuntimeError):
    """The lookup structures were not built at install time."""


@dataclass(frozen=True)
class Treffer:
    """One finding in the ORIGINAL text: kind and span (never the text itself)."""

    soort: str
    start: int
    einde: int


def map_pad() -> Path:
    """Where the built lookup lists and their cache live."""
    gezet = os.environ.get(ENV_DIR)
    return Path(gezet) if gezet else Path(sys.prefix) / "share" / "jeugdhulp-deidentificatie"


def _lees_lijst(naam: str) -> list[str]:
    regels = (_DATA / naam).read_text(encoding="utf-8").splitlines()
    return sorted({r.strip() for r in regels if r.strip() and not r.lstrip().startswith("#")})


def _importeer_deduce():  # noqa: ANN202
    """Import deduce without letting it configure the root logger (it calls ``logging.basicConfig(DEBUG)`` on
    import, which would send every library's debug logs, unredacted, to stdout)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import deduce  # noqa: PLC0415

    for h in list(root.handlers):
        if h not in handlers:
            root.removeHandler(h)
    root.setLevel(level)
    return deduce


def _schrijf_bronnen(doel: Path) -> None:
    """A copy of deduce's lookup lists with the Flemish lists merged in and the Dutch street and institution
    lists replaced."""
    deduce = _importeer_deduce()
    bron = Path(deduce.__file__).resolve().parent / "data" / "lookup" / "src"
    if doel.exists():
        shutil.rmtree(doel)
    shutil.copytree(bron, doel / "src")
    src = doel / "src"
    straat = src / "locations" / "lst_street"
    shutil.rmtree(straat)
    straat.mkdir()
    (straat / "items.txt").write_text("", encoding="utf-8")
    inst = src / "institutions" / "lst_healthcare_institution"
    shutil.rmtree(inst)
    inst.mkdir()
    (inst / "items.txt").write_text("\n".join(_lees_lijst("organisaties.txt")) + "\n", encoding="utf-8")
    gemeenten = src / "locations" / "lst_placename" / "lst_be_gemeente"
    gemeenten.mkdir()
    (gemeenten / "items.txt").write_text("\n".join(_lees_lijst("gemeenten.txt")) + "\n", encoding="utf-8")
    toegestaan = src / "whitelist" / "lst_vlaams_beleid"
    toegestaan.mkdir()
    (toegestaan / "items.txt").write_text("\n".join(_lees_lijst("toegestaan.txt")) + "\n", encoding="utf-8")
    voornamen = src / "names" / "lst_first_name" / "lst_vlaams"
    voornamen.mkdir()
    (voornamen / "items.txt").write_text("\n".join(_lees_lijst("voornamen.txt")) + "\n", encoding="utf-8")


def _bouwversie(deduce) -> str:  # noqa: ANN001
    """What a build is for: deduce's version and the form of its tries (a build of another is rebuilt)."""
    return f"{deduce.__version__} {_TRIEVORM}"


def _verdicht(cache: Path) -> None:
    """Replace every docdeid ``LookupTrie`` in deduce's pickled lookup structures by a :class:`CompacteTrie`
    (same items and matching pipeline, a fraction of the memory); the cache's own fields (deduce's version,
    the time it was saved, which deduce compares with the lists' mtimes) stay as they are."""
    from docdeid.ds.lookup import LookupTrie  # noqa: PLC0415

    from signalering.deidentificatie.trie import CompacteTrie  # noqa: PLC0415

    bestand = next(cache.glob("**/lookup_structs.pickle"))
    with bestand.open("rb") as f:
        inhoud = pickle.load(f)  # noqa: S301 - our own install-time build
    structuren = inhoud["lookup_structs"]
    for naam, structuur in list(structuren.items()):
        if isinstance(structuur, LookupTrie) and not isinstance(structuur, CompacteTrie):
            structuren[naam] = CompacteTrie.van(structuur)
    tijdelijk = bestand.with_suffix(".tmp")
    with tijdelijk.open("wb") as f:
        pickle.dump(inhoud, f)
    tijdelijk.replace(bestand)


def bouw(pad: Path | None = None) -> Path:
    """Install-time step: write the merged lists, build deduce's lookup structures (its pickle cache) and
    make its tries compact (:mod:`.trie`)."""
    pad = pad or map_pad()
    pad.mkdir(parents=True, exist_ok=True)
    _schrijf_bronnen(pad / "lookup")
    deduce = _importeer_deduce()
    deduce.Deduce(lookup_data_path=pad / "lookup", cache_path=pad / "lookup", build_lookup_structs=True)
    _verdicht(pad / "lookup")
    (pad / "GEBOUWD").write_text(_bouwversie(deduce) + "\n", encoding="utf-8")
    return pad


class Detector:
    """deduce + the Flemish annotators. Thread-safe for reading (deduce keeps no per-call state)."""

    def __init__(self, pad: Path | None = None) -> None:
        pad = pad or map_pad()
        deduce = _importeer_deduce()
        gebouwd = pad / "GEBOUWD"
        if not gebouwd.exists() or gebouwd.read_text(encoding="utf-8").strip() != _bouwversie(deduce):
            raise DetectorNietGebouwd(
                f"the de-identification lookup structures are not built in {pad}: run "
                "`python -m signalering.deidentificatie build` (part of `make install`)"
            )
        from signalering.deidentificatie.vlaams import ANNOTATOREN, PatroonAnnotator  # noqa: PLC0415

        from docdeid.ds.lookup import LookupTrie  # noqa: PLC0415

        from signalering.deidentificatie.trie import CompacteTrie  # noqa: PLC0415

        self._deduce = deduce.Deduce(lookup_data_path=pad / "lookup", cache_path=pad / "lookup")
        if any(isinstance(s, LookupTrie) and not isinstance(s, CompacteTrie) for s in self._deduce.lookup_structs.values()):
            # deduce rebuilt its cache itself (its lists changed after the build): full-size tries
            raise DetectorNietGebouwd(
                f"the de-identification lookup structures in {pad} are not the compact build: run "
                "`python -m signalering.deidentificatie build` (part of `make install`)"
            )
        groep = type(self._deduce.processors)()
        for naam, tag, zoek in ANNOTATOREN:
            # a tag of its own: docdeid's annotation set would merge it with an equal one of deduce's, priority lost
            groep.add_processor(naam, PatroonAnnotator("vl_" + tag, zoek, priority=_PRIORITEIT))
        self._toegestaan = frozenset(t.casefold() for t in _lees_lijst("toegestaan.txt"))
        namen = self._deduce.processors.get_names(recursive=False)
        # before deduce's post-processing (overlap resolution, merging, redaction)
        self._deduce.processors.add_processor("vlaanderen", groep, position=namen.index("post_processing"))

    def vind(self, tekst: str) -> tuple[Genormaliseerd, list[Treffer]]:
        """Findings in ``tekst`` (after normalisation), as spans of the normalised text (``.tekst`` of the first
        element); use :meth:`Genormaliseerd.origineel` for the original's span."""
        norm = normaliseer(tekst)
        if not norm.tekst.strip():
            return norm, []
        doc = self._deduce.deidentify(norm.tekst, disabled=set(_UIT))
        treffers = []
        for a in doc.annotations:
            if a.text.strip(" .,;:").casefold() in self._toegestaan:
                continue
            basis = a.tag.split("-")[0].split("+")[0].strip().lower().removeprefix("vl_")
            soort = _SOORT_VAN_TAG.get(basis) or ("NAAM" if "naam" in a.tag or "persoon" in a.tag else "PERSOONSGEGEVEN")
            treffers.append(Treffer(soort, a.start_char, a.end_char))
        return norm, sorted(treffers, key=lambda t: (t.start, t.einde))


@functools.cache
def detector() -> Detector:
    """The one detector of this process."""
    return Detector()


def warm() -> Sequence[Treffer]:
    """Load the detector now (service start), so no request pays for it."""
    return detector().vind("opwarmen")[1]
