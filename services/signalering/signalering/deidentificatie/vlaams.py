"""What deduce (made for Dutch medical text in the Netherlands) lacks for Flemish case notes, as docdeid
annotators: each is a pure function ``tekst → spans`` with a tag, wrapped by :class:`PatroonAnnotator`.

Tags (mapped to kinds in :mod:`signalering.deidentificatie`): ``rijksregisternummer``, ``iban``,
``telefoonnummer`` (Belgian and Dutch formats), ``sociale_media`` (handles, profile URLs, "insta: …"),
``emailadres`` (also obfuscated: ``jan [at] gmail punt com``), ``datum`` (day + month in digits or words, Dutch
and French; "geboren in 2010"), ``leeftijd`` (one person's age in digits or words; group ranges and durations
are not ages), ``initialen``, ``adres`` (street + number), ``instelling`` (a named school or voorziening, a
class such as "3B"). Belgian municipalities, deelgemeenten, Flemish first names and named organisations are
lookup lists added to deduce's own (``data/``), so deduce's lookup annotators find them.
Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

import docdeid as dd

Zoeker = Callable[[str], Iterator[tuple[int, int]]]


class PatroonAnnotator(dd.process.Annotator):
    """A docdeid annotator from a function that yields ``(start, end)`` spans."""

    def __init__(self, tag: str, zoek: Zoeker, priority: int = 0) -> None:
        super().__init__(tag=tag, priority=priority)
        self._zoek = zoek

    def annotate(self, doc: dd.Document) -> list[dd.Annotation]:
        tekst = doc.text
        return [
            dd.Annotation(text=tekst[s:e], start_char=s, end_char=e, tag=self.tag, priority=self.priority)
            for s, e in self._zoek(tekst)
            if e > s
        ]


def _rx(patroon: str, flags: int = 0, geldig: Callable[[re.Match[str]], bool] | None = None, groep: int | str = 0) -> Zoeker:
    rx = re.compile(patroon, flags)

    def zoek(tekst: str) -> Iterator[tuple[int, int]]:
        for m in rx.finditer(tekst):
            if geldig is None or geldig(m):
                yield m.span(groep)

    return zoek


def _alle(*zoekers: Zoeker) -> Zoeker:
    def zoek(tekst: str) -> Iterator[tuple[int, int]]:
        for z in zoekers:
            yield from z(tekst)

    return zoek


_S = r"[ \t\u00a0]"
_SEP = rf"(?:{_S}?[./-]{_S}?|{_S})?"
_NA_GETAL = r"(?!\w|[./-]\d)"

# --------------------------------------------------------------------------- rijksregisternummer


def is_geldig_rijksregisternummer(nummer: str) -> bool:
    """Mod-97 check digits of a Belgian national register number (separators ignored); born before or from 2000."""
    cijfers = re.sub(r"\D", "", nummer)
    if len(cijfers) != 11:
        return False
    basis, controle = int(cijfers[:9]), int(cijfers[9:])
    return controle in (97 - basis % 97, 97 - (2_000_000_000 + basis) % 97)


RIJKSREGISTERNUMMER = _alle(
    # the written form YY.MM.DD-XXX.CC (and with other separators) is an identifier whatever its check digits
    _rx(rf"(?<![\w.])\d{{2}}{_S}?[./]{_S}?\d{{2}}{_S}?[./]{_S}?\d{{2}}{_S}?-{_S}?\d{{3}}{_S}?[./]{_S}?\d{{2}}" + _NA_GETAL),
    _rx(rf"(?<![\w.])\d{{6}}{_S}?-{_S}?\d{{3}}{_S}?[./-]?{_S}?\d{{2}}" + _NA_GETAL),
    # 11 digits grouped any way when the check digits hold
    _rx(
        rf"(?<![\w.])\d(?:{_SEP}\d){{10}}" + _NA_GETAL,
        geldig=lambda m: is_geldig_rijksregisternummer(m.group()),
    ),
    # after the word, any 11 digits
    _rx(
        rf"(?i)(?:rijksregister(?:nummer|nr)?|RRN|INSZ|nationaal\s+nummer|numéro\s+national)\.?\s*:?\s*(?P<n>\d(?:{_SEP}\d){{10}})",
        groep="n",
    ),
)

# --------------------------------------------------------------------------- IBAN

IBAN = _alle(
    _rx(rf"(?i)(?<![\w])BE{_S}?\d{{2}}(?:{_S}?[.-]?{_S}?\d{{4}}){{3}}(?!\d)"),
    _rx(rf"(?<![\w])[A-Z]{{2}}\d{{2}}(?:{_S}?[A-Z0-9]{{4}}){{2,7}}(?:{_S}?[A-Z0-9]{{1,3}})?(?![\w])"),
    # the Belgian account number before IBAN: 123-4567890-12
    _rx(r"(?<![\w-])\d{3}-\d{7}-\d{2}(?![\w-])"),
)

# --------------------------------------------------------------------------- phone numbers

_VOOR_TEL = r"(?<![\w+(])"
_INTL_BE = rf"(?:\+|00){_S}?32{_SEP}(?:\(0\){_SEP})?"
_INTL_NL = rf"(?:\+|00){_S}?31{_SEP}(?:\(0\){_SEP})?"


def _is_nationaal_nummer(cijfers: str) -> bool:
    return (len(cijfers) == 9 and cijfers[1] != "0") or (len(cijfers) == 10 and cijfers[1] == "4")


TELEFOONNUMMER = _alle(
    # Belgium: mobile 04xx + 6 digits; fixed 0 + 8 digits; international +32 …
    _rx(rf"{_VOOR_TEL}(?:{_INTL_BE}|0{_SEP})4(?:{_SEP}\d){{8}}" + _NA_GETAL),
    _rx(rf"{_VOOR_TEL}(?:{_INTL_BE}|0{_SEP})[1-9](?:{_SEP}\d){{7}}" + _NA_GETAL),
    _rx(
        rf"(?<![\w(])\(0\d{{1,3}}\){_SEP}\d(?:{_SEP}\d){{4,7}}" + _NA_GETAL,
        geldig=lambda m: _is_nationaal_nummer(re.sub(r"\D", "", m.group())),
    ),
    # the Netherlands: 06-12345678, 010-1234567, +31 6 1234 5678
    _rx(rf"{_VOOR_TEL}(?:{_INTL_NL}|0{_SEP})[1-9](?:{_SEP}\d){{8}}" + _NA_GETAL),
)

# --------------------------------------------------------------------------- e-mail, also obfuscated

_OPEN, _DICHT = r"[\[\(\{<]", r"[\]\)\}>]"
_AT = rf"(?:{_S}*{_OPEN}{_S}*(?:at|@|apenstaartje|apestaartje|apenstaart|a){_S}*{_DICHT}{_S}*|{_S}+(?:at|apenstaartje|apestaartje|apenstaart){_S}+|{_S}*@{_S}*)"
_DOT = rf"(?:{_S}*{_OPEN}{_S}*(?:dot|punt|\.){_S}*{_DICHT}{_S}*|{_S}+(?:dot|punt){_S}+|{_S}*\.{_S}*)"
_TLD = r"(?:be|com|nl|net|org|eu|fr|info|de|uk|io|me|vlaanderen|brussels|gent)"
EMAILADRES = _alle(
    _rx(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])"),
    _rx(rf"(?i)(?<![\w.+-])[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}{_TLD}(?![\w-])"),
)

# --------------------------------------------------------------------------- social media

_PLATFORM = r"(?:insta(?:gram)?|snap(?:chat)?|tik\s?tok|twitter|facebook|fb|messenger|whatsapp|telegram|discord|youtube|twitch|linkedin|threads|bereal|x)"
SOCIALE_MEDIA = _alle(
    # profile URLs (with or without scheme)
    _rx(
        r"(?i)(?<![\w.])(?:https?://)?(?:www\.|m\.|[a-z]{2}-[a-z]{2}\.)?"
        r"(?:instagram\.com|facebook\.com|fb\.com|fb\.me|tiktok\.com|twitter\.com|x\.com|snapchat\.com|linkedin\.com|"
        r"youtube\.com|youtu\.be|twitch\.tv|t\.me|threads\.net|discord\.gg|wa\.me)/\S+"
    ),
    # @handle (not the @ of an e-mail address)
    _rx(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{1,28}[A-Za-z0-9_])?(?![\w@])"),
    # "insta: lotje_2009", "snapchat-naam lotje2009", "op TikTok als xx_lotje_xx"
    _rx(
        rf"(?i)(?<!\w){_PLATFORM}{_S}*(?:-?{_S}*(?:account|naam|profiel|handle|gebruikersnaam|id)){_S}*(?::|=|is|als)?{_S}*@?"
        rf"(?P<h>[A-Za-z0-9_.]*[A-Za-z0-9](?:[._][A-Za-z0-9]+|\d)[A-Za-z0-9_.]*|[A-Za-z0-9_.]{{3,30}}(?=[\s.,;)]|$))",
        groep="h",
    ),
    _rx(
        rf"(?i)(?<!\w){_PLATFORM}{_S}*(?::|=|{_S}is{_S}|{_S}als{_S}){_S}*@?(?P<h>[A-Za-z0-9_.]{{3,30}})",
        groep="h",
    ),
    _rx(
        rf"(?i)(?<!\w)(?:op|via){_S}+{_PLATFORM}{_S}+(?:als|onder{_S}+de{_S}+naam){_S}+@?(?P<h>[A-Za-z0-9_.]{{3,30}})",
        groep="h",
    ),
    # a user-name-like token: letters with underscore, or letters glued to a year ("lotje_x", "emma2010")
    # (codes such as SAMENWERKINGSOVERLEG_EINDE or value_error are not handles: without a platform word, an
    # underscore token counts only with a digit in it or an underscore at an end)
    _rx(r"(?<![\w@.])(?:[A-Za-z]*[a-z][A-Za-z]*_[A-Za-z0-9_]*\d[A-Za-z0-9_]*|_+[a-z0-9]+_*|[a-z]+_+(?![\w])|[a-z]{2,}(?:19|20)\d{2}|[a-z]{3,}\d{3,})(?![\w@])"),
)

# --------------------------------------------------------------------------- dates in digits and in words

_EENHEDEN = ["een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
_NL_DAGEN = (
    ["een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf", "dertien",
     "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien", "twintig"]
    + [f"{e}entwintig" for e in _EENHEDEN] + [f"{e}ëntwintig" for e in _EENHEDEN] + ["dertig", "eenendertig"]
)  # fmt: skip
_NL_RANG = (
    ["eerste", "tweede", "derde", "vierde", "vijfde", "zesde", "zevende", "achtste", "negende", "tiende", "elfde",
     "twaalfde", "dertiende", "veertiende", "vijftiende", "zestiende", "zeventiende", "achttiende", "negentiende",
     "twintigste"]
    + [f"{e}entwintigste" for e in _EENHEDEN] + [f"{e}ëntwintigste" for e in _EENHEDEN] + ["dertigste", "eenendertigste"]
)  # fmt: skip
_FR_DAGEN = [
    "premier", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
    "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf", "vingt", "vingt-et-un",
    "vingt-deux", "vingt-trois", "vingt-quatre", "vingt-cinq", "vingt-six", "vingt-sept", "vingt-huit",
    "vingt-neuf", "trente", "trente-et-un", "1er",
]  # fmt: skip
_NL_MAANDEN = [
    "januari", "jan", "februari", "feb", "febr", "maart", "mrt", "april", "apr", "mei", "juni", "jun", "juli", "jul",
    "augustus", "aug", "september", "sept", "sep", "oktober", "okt", "november", "nov", "december", "dec",
]  # fmt: skip
_FR_MAANDEN = [
    "janvier", "février", "fevrier", "mars", "avril", "mai", "juin", "juillet", "août", "aout", "septembre",
    "octobre", "novembre", "décembre", "decembre", "janv", "févr", "fevr", "avr", "juil", "oct", "déc",
]  # fmt: skip


def _alt(woorden: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(woorden), key=len, reverse=True))


_DAG_WOORD = _alt(_NL_DAGEN + _NL_RANG + _FR_DAGEN)
_MAAND = _alt(_NL_MAANDEN + _FR_MAANDEN)
_MAAND_NUM = {m: i for i, m in enumerate(
    ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"], 1
)}  # fmt: skip


def _bestaat(jaar: int, maand: int, dag: int) -> bool:
    try:
        dt.date(jaar, maand, dag)
    except ValueError:
        return False
    return True


def _dmj(m: re.Match[str]) -> bool:
    jaren = (int(m["j"]),) if len(m["j"]) == 4 else (1900 + int(m["j"]), 2000 + int(m["j"]))
    return any(_bestaat(j, int(m["m"]), int(m["d"])) for j in jaren)


DATUM = _alle(
    _rx(r"(?<![\w/.-])(?P<d>\d{1,2})(?P<s>[/.-])(?P<m>\d{1,2})(?P=s)(?P<j>\d{4}|\d{2})" + _NA_GETAL, geldig=_dmj),
    _rx(
        r"(?<![\w/.-])(?P<j>\d{4})(?P<s>[/.-])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})" + _NA_GETAL,
        geldig=lambda m: _bestaat(int(m["j"]), int(m["m"]), int(m["d"])),
    ),
    # 12 maart (2010), 3de juni, 1er mars, le 12 mars
    _rx(
        rf"(?i)(?<![\w.,])(?P<d>[0-3]?\d)(?:ste|de|e|er|ème)?{_S}+(?:van{_S}+)?(?:{_MAAND})\.?(?:{_S}+'?(?:\d{{4}}|\d{{2}}))?(?!\w)",
        geldig=lambda m: 1 <= int(m["d"]) <= 31,
    ),
    # twaalf maart, de twaalfde van maart, douze mars, premier mai
    _rx(rf"(?i)(?<!\w)(?:{_DAG_WOORD}){_S}+(?:van{_S}+|de{_S}+)?(?:{_MAAND})(?:{_S}+'?(?:\d{{4}}|\d{{2}}))?(?!\w)"),
    # maart 12 (rare), birth year: "geboren in 2010", "°2010", "geboortejaar 2009"
    _rx(rf"(?i)(?<!\w)(?:geboren|née?|geb\.)(?:{_S}+(?:in|op|en|le))?{_S}+(?:(?:{_MAAND}){_S}+)?(?:19|20)\d{{2}}(?!\d)"),
    _rx(rf"(?i)(?:°{_S}?(?:19|20)\d{{2}}|geboortejaar{_S}*:?{_S}*(?:19|20)\d{{2}})(?!\d)"),
)

# --------------------------------------------------------------------------- ages (one person)

_GETAL_WOORD = _alt(
    ["een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien", "elf", "twaalf", "dertien",
     "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien", "twintig", "eenentwintig",
     "tweeëntwintig", "tweeentwintig", "drieëntwintig", "drieentwintig", "vierentwintig", "vijfentwintig"]
)  # fmt: skip
_GETAL = rf"(?:\d{{1,2}}|{_GETAL_WOORD})"
_DUUR_ERVOOR = re.compile(
    r"(?:sinds|gedurende|binnen|na|al|reeds|per|elke|iedere|om\s+de|over|voor|tot|vanaf|van|tussen|en|onder\s+de|"
    r"boven\s+de|jonger\s+dan|ouder\s+dan|(?:meer|minder|langer|korter)\s+dan|max(?:imum|imaal)?|min(?:imum|imaal)?|"
    r"-|jongeren\s+van|kinderen\s+van|\+)\s*$",
    re.IGNORECASE,
)
_DUUR_ERNA = re.compile(r"^\s*(?:lang|geleden|later|eerder|nadien|terug|durend|durende|wachttijd|werking|ervaring|\+|en\s+ouder|of\s+ouder|of\s+jonger)(?!\w)", re.IGNORECASE)
_LEEFTIJD_JAAR = re.compile(rf"(?i)(?<![\w.,/-])(?P<n>{_GETAL}){_S}*(?:-{_S}*)?(?P<e>jarige|jarig|jaar(?:{_S}+oud)?|jr\.?|j\.?)(?![\w])")
_PERSOON = r"(?:jongen|meisje|zoon|dochter|kind|jongere|broer|broertje|zus|zusje|baby|peuter|kleuter|tiener|puber|moeder|vader|mama|papa|cliënt|client|leerling)"
_LEEFTIJD_VAN = re.compile(
    rf"(?i)(?<!\w){_PERSOON}{_S}+van{_S}+(?P<a>{_GETAL}(?:{_S}*jaar(?:{_S}+oud)?)?)(?!\w)(?!{_S}*(?:maanden|weken|dagen|uur))"
)
_LEEFTIJD_HAAKJES = re.compile(rf"(?<![\w])\({_S}*(?P<a>(?:1[0-9]|[2-9]|2[0-5]){_S}*(?:j|jr|jaar)?\.?){_S}*[,)]")
_LEEFTIJD_WORDT = re.compile(
    rf"(?i)(?<!\w)(?:zij|hij|ze|jongere|meisje|jongen|kind|zoon|dochter|broer|zus){_S}+(?:wordt|werd|is|was)"
    rf"(?:{_S}+(?:pas|net|bijna|al|volgende|vorige|deze|maand|week|jaar|binnenkort|straks)){{0,3}}{_S}+(?P<n>{_GETAL})"
    rf"(?:{_S}*jaar)?(?=[\s.,;:!?)]|$)(?!{_S}*(?:maanden|weken|dagen|keer|x|uur|%|jaar{_S}+(?:lang|geleden)))"
)


def _leeftijd(tekst: str) -> Iterator[tuple[int, int]]:
    for m in _LEEFTIJD_JAAR.finditer(tekst):
        voor = tekst[max(0, m.start() - 25) : m.start()]
        na = tekst[m.end() :]
        if m["e"].lower().startswith("jaar") and (_DUUR_ERVOOR.search(voor) or _DUUR_ERNA.match(na)):
            continue  # a duration or a group's range ("vanaf 16 jaar", "3 jaar lang"), not one person's age
        if m["e"].lower().startswith("jarig") and re.search(r"(?i)(?:(?<!\w)(?:tussen|van|tot|en)|-)\s*$", voor):
            continue  # "12- tot 18-jarige" of a range
        yield m.span()
    for m in _LEEFTIJD_VAN.finditer(tekst):
        yield m.span("a")
    for m in _LEEFTIJD_HAAKJES.finditer(tekst):
        yield m.span("a")
    for m in _LEEFTIJD_WORDT.finditer(tekst):
        yield m.span("n")


LEEFTIJD = _leeftijd

# --------------------------------------------------------------------------- initials

_AFKORTINGEN = frozenset(
    {"CLB", "CAW", "OCMW", "CGG", "OCJ", "VAPH", "MFC", "JRB", "OVB", "BJB", "GGZ", "ELZ", "DIW", "LN", "NV", "BV",
     "VZW", "AZ", "UZ", "KU", "VK", "EU", "BE", "NL", "PMS", "ZG", "OK", "PS", "TV", "GO", "RITS", "JO", "IJ"}
)  # fmt: skip
_TITEL = r"(?:mevrouw|meneer|mevr|mvr|dhr|mr|juffrouw|juf|meester|mama|papa|moeder|vader|oma|opa|tante|nonkel|oom|broer|zus|zoon|dochter|jongere|meisje|jongen|kind|cliënt|client|leerling|pleegmoeder|pleegvader|stiefvader|stiefmoeder|consulent|jeugdrechter|advocaat|dokter|dr)"


def _initialen(tekst: str) -> Iterator[tuple[int, int]]:
    for m in re.finditer(r"(?<![\w.])(?:[A-Z]\.[ \t]?){2,4}(?![\w])", tekst):
        letters = re.sub(r"[^A-Z]", "", m.group())
        if letters not in _AFKORTINGEN:
            yield m.span()
    for m in re.finditer(r"(?<![\w.])[A-Z]\.?[ \t]?(?:v\.?[ \t]?d\.?|vd|van|de|d')[ \t]?[A-Z]\.?(?![\w])", tekst):
        yield m.span()
    for m in re.finditer(rf"(?i:(?<!\w){_TITEL}\.?)[ \t]+(?P<i>[A-Z](?:\.|(?=[\s,;:)]|$))(?:[ \t]?[A-Z]\.)*)", tekst):
        yield m.span("i")
    # two capitals and an age or a parenthesis: "LP (14)", "J.V. 15j"
    for m in re.finditer(r"(?<![\w.])(?P<i>[A-Z]{2,3})(?=[ \t]*\((?:\d|[a-z]))", tekst):
        if m["i"] not in _AFKORTINGEN:
            yield m.span("i")


INITIALEN = _initialen

# --------------------------------------------------------------------------- a name after a role or kinship word

_ROL = (
    r"(?:familie|gezin|jeugdrechter|rechter|consulent|consulente|meester|juf|juffrouw|mevrouw|meneer|dokter|dr\.?|"
    r"advocaat|advocate|pleegmoeder|pleegvader|pleegouders|stiefvader|stiefmoeder|mama|papa|oma|opa|tante|nonkel|"
    r"oom|broer|zus|neef|nicht|vriend|vriendin|vriendje|buurman|buurvrouw|begeleider|begeleidster|leerkracht|"
    r"directeur|directrice|huisarts|psycholoog|psychiater|agent|inspecteur)"
)
NAAM_NA_ROL = _rx(
    rf"(?i:(?<!\w){_ROL}){_S}+(?P<n>(?:(?:[Vv]an|[Vv]an{_S}+de[rn]?|[Dd]e|[Dd]e{_S}+la|[Dd]u|[Ll]e|[Vv]ande|[Vv]anden|[Vv]ander|[Dd]'){_S}*)?[A-Z][a-zà-ÿ'’-]{{2,}})(?!\w)",
    groep="n",
)

# --------------------------------------------------------------------------- street + number

_STRAAT = (
    r"(?:straat|str\.|laan|lei|weg|steenweg|baan|plein|dreef|kaai|kade|vest|markt|hof|pad|wegel|singel|dijk|gracht|"
    r"park|berg|dries|veld|velde|hoek|kouter|meers|beek|brug|poort|plaats|rei|dam|ring|boulevard|square|avenue)"
)
ADRES = _alle(
    _rx(rf"(?<!\w)[A-Z][\w'’-]*{_STRAAT}{_S}+\d{{1,4}}{_S}?[a-zA-Z]?(?:{_S}?(?:/|bus){_S}?\d{{1,4}})?(?![\w])"),
    _rx(rf"(?<!\w)(?:[A-Z][\w'’-]+{_S}+){{1,3}}{_STRAAT}{_S}+\d{{1,4}}{_S}?[a-zA-Z]?(?![\w])"),
    _rx(rf"(?<!\w)(?:Grote|Kleine|Oude|Nieuwe){_S}+Markt{_S}+\d{{1,4}}(?![\w])"),
    _rx(rf"(?i)(?<!\w)(?:rue|avenue|chaussée|place|boulevard|chemin){_S}+(?:de{_S}+la{_S}+|du{_S}+|des{_S}+|de{_S}+l'|de{_S}+)?[\w'-]+{_S}*,?{_S}*\d{{1,4}}(?![\w])"),
    # a street named without the number but with "woont in de/op de …straat"
    _rx(rf"(?i)(?<!\w)(?:woont|wonen|verblijft|verblijven|verhuisd|verhuist)\b[^.]{{0,20}}?(?:in|op|aan){_S}+(?:de{_S}+|het{_S}+)?(?P<s>[A-Z][\w'’-]*{_STRAAT})(?!\w)", groep="s"),
    # a Belgian postcode before a place name: "8970 Poperinge"
    _rx(rf"(?<![\w.,])[1-9]\d{{3}}{_S}+[A-Z][a-zé'-]{{2,}}(?:-[A-Z][a-zé'-]+)*(?!\w)", geldig=lambda m: not re.match(r"(?:19|20)\d{2}", m.group())),
)

# --------------------------------------------------------------------------- named schools, voorzieningen, a class

_SOORT_INSTELLING = (
    r"(?:VBS|GBS|SBS|BuBaO|BuSO|BaO|KTA|VTI|GO!|Basisschool|basisschool|Lagere school|lagere school|Kleuterschool|"
    r"kleuterschool|Middenschool|middenschool|Atheneum|atheneum|Lyceum|lyceum|Instituut|instituut|College|college|"
    r"Campus|campus|MPI|MPC|OBC|Internaat|internaat|Voorziening|voorziening|Leefgroep|leefgroep|Vzw|vzw|VZW|"
    r"Scholengroep|scholengroep|school|School|Kinderdagverblijf|kinderdagverblijf|Thuis|thuis|Tehuis|tehuis|"
    r"Centrum|centrum|Huis|Woonzorgcentrum|Jeugdhuis|jeugdhuis|Chiro|chiro|KSA|Scouts|scouts|voetbalclub|club)"
)
_EIGENNAAM = r"(?:(?:De|Het|Ter|Ten|'t|Sint-|Sint|Heilige|Onze-Lieve-Vrouw|OLV)[ \t-]*)?[A-Z][\w'’-]+(?:[ \t]+(?:[A-Z][\w'’-]+|van|de|der|den))*"
INSTELLING = _alle(
    _rx(rf"(?<!\w){_SOORT_INSTELLING}[ \t]+(?:{_EIGENNAAM})(?!\w)", geldig=lambda m: not re.search(r"(?:^|\s)(?:CLB|CAW|OCMW|CGG|OCJ|JRB)$", m.group())),
    _rx(r"(?<!\w)(?:Sint|Heilig|Heilige|Onze-Lieve-Vrouw|OLV)[- ]?[A-Z]?[\w-]*(?:college|instituut|school|lyceum|atheneum|ziekenhuis|kliniek)(?!\w)"),
    _rx(r"(?<!\w)[A-Z][\w-]*(?:college|instituut|lyceum|atheneum|basisschool|scholen)(?!\w)"),
    # a class: "in 3B", "klas 4A", "het 5de jaar TSO in de klas van juf Ann" (the teacher is a name)
    _rx(rf"(?i)(?<!\w)(?:in|uit|klas|klasgroep|klasje){_S}+(?:het{_S}+|de{_S}+)?[1-7][A-H]\d?(?!\w)"),
)


ANNOTATOREN: tuple[tuple[str, str, Zoeker], ...] = (
    ("vl_rijksregisternummer", "rijksregisternummer", RIJKSREGISTERNUMMER),
    ("vl_iban", "iban", IBAN),
    ("vl_telefoon", "telefoonnummer", TELEFOONNUMMER),
    ("vl_email", "emailadres", EMAILADRES),
    ("vl_sociale_media", "sociale_media", SOCIALE_MEDIA),
    ("vl_datum", "datum", DATUM),
    ("vl_leeftijd", "leeftijd", LEEFTIJD),
    ("vl_initialen", "initialen", INITIALEN),
    ("vl_naam_na_rol", "persoon", NAAM_NA_ROL),
    ("vl_adres", "adres", ADRES),
    ("vl_instelling", "instelling", INSTELLING),
)
