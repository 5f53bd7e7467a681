"""Privacy check of JSON-like values, for tests (and ops tooling): is this anonymous (class A) data?

§9 rule 3: "No trajectId on meso or macro topics." §10: signalering events are class A (anonymous).
:func:`scan_privacy` walks a value (dict / list / tuple / str / int, or a pydantic model such as an event, which
is dumped as its JSON body) and reports

* every *key* that looks like a traject id or a personal-data field (``trajectId``, ``traject_id``,
  ``aanmeldingId``, ``jongereRef``, ``voornaam``, ``namen``, ``geboortedatum``, ``leeftijd``, ``telefoon``,
  ``email``, ``rijksregisternummer``, ``adres`` …) — camelCase, snake_case and kebab-case alike;
* every *string* (and integer) value in which :func:`signalering.domain.persoonsgegevens.detecteer` finds personal
  data (optionally with the names of a traject as context).

Values under an ``organisatie`` key name a participating organisation (forum and lerend-netwerk tables seat
organisations, never families): there only contact data, numbers and persons' names count, not the organisation's
own name or town. A bare ``naam`` key is allowed: themes have a name (``ThemaAangemaakt.naam``). Values that are entirely an ISO
date/time, a UUID, a ``kind:<uuid>`` reference or a hex digest are structured metadata (``occurredAt``, ids, ``trajectRef``), not free text,
and are not scanned (INFERRED). Reports hold the path and the kind, never the value.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel

from signalering.domain._basis import VERWIJZING
from signalering.domain.persoonsgegevens import DetectieContext, detecteer


class SleutelSoort(StrEnum):
    TRAJECT_ID = "TRAJECT_ID"
    AANMELDING_ID = "AANMELDING_ID"
    PERSOON_REF = "PERSOON_REF"
    NAAM = "NAAM"
    GEBOORTEDATUM = "GEBOORTEDATUM"
    LEEFTIJD = "LEEFTIJD"
    TELEFOON = "TELEFOON"
    EMAIL = "EMAIL"
    RIJKSREGISTERNUMMER = "RIJKSREGISTERNUMMER"
    ADRES = "ADRES"


_PERSONEN = r"(?:jongere|kind|client|ouders?|moeder|vader|brus(?:sen)?|persoon|gezinslid)"
_SLEUTELREGELS: tuple[tuple[SleutelSoort, re.Pattern[str]], ...] = tuple(
    (soort, re.compile(patroon))
    for soort, patroon in (
        (SleutelSoort.TRAJECT_ID, r"trajectids?"),
        (SleutelSoort.AANMELDING_ID, r"aanmeldingids?"),
        (SleutelSoort.PERSOON_REF, rf"^{_PERSONEN}$|{_PERSONEN}(?:ref|id)s?$"),
        (SleutelSoort.NAAM, rf"^namen$|voornaam|achternaam|familienaam|roepnaam|^naam{_PERSONEN}|{_PERSONEN}na(?:am|men)$"),
        (SleutelSoort.GEBOORTEDATUM, r"geboorte|birth"),
        (SleutelSoort.LEEFTIJD, r"leeftijd|^age$"),
        (SleutelSoort.TELEFOON, r"telefoon|gsm|phone|^tel(?:nr)?$"),
        (SleutelSoort.EMAIL, r"email|^mail(?:adres)?$"),
        (SleutelSoort.RIJKSREGISTERNUMMER, r"rijksregister|^rrn$|^insz|nationaalnummer"),
        (SleutelSoort.ADRES, r"^(?:woon)?adres$|^straat|woonplaats|domicilie|^postcode$"),
    )
)

_GESTRUCTUREERD = re.compile(
    r"^(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?|[0-9a-fA-F]{32,})$"
)


@dataclass(frozen=True)
class PrivacyMelding:
    """One finding: where (``$.a.b[0]``), whether a key or a value, and which kind (never the value)."""

    pad: str
    reden: Literal["sleutel", "waarde"]
    soort: str


def sleutel_soort(sleutel: str) -> SleutelSoort | None:
    """The personal-data kind a key name suggests, or None."""
    gevouwen = "".join(c for c in unicodedata.normalize("NFKD", sleutel) if not unicodedata.combining(c))
    genormaliseerd = re.sub(r"[^a-z0-9]", "", gevouwen.lower())
    for soort, patroon in _SLEUTELREGELS:
        if patroon.search(genormaliseerd):
            return soort
    return None


def _is_gestructureerd(tekst: str) -> bool:
    if _GESTRUCTUREERD.match(tekst.strip()) or VERWIJZING.fullmatch(tekst.strip()):
        return True
    try:
        uuid.UUID(tekst.strip())
    except ValueError:
        return False
    return True


_ORGANISATIE_SLEUTELS = frozenset({"organisatie", "organisaties"})
_NIET_BIJ_ORGANISATIE = frozenset({"INSTELLING", "LOCATIE", "NAAM"})


def scan_privacy(
    waarde: object, *, context: DetectieContext | None = None, pad: str = "$", _organisatie: bool = False
) -> list[PrivacyMelding]:
    """All privacy findings in a JSON-like value (empty list = looks anonymous)."""
    if isinstance(waarde, BaseModel):
        waarde = waarde.model_dump(mode="json", by_alias=True)
    meldingen: list[PrivacyMelding] = []
    if isinstance(waarde, Mapping):
        for k, v in waarde.items():
            sub = f"{pad}.{k}"
            soort = sleutel_soort(str(k))
            if soort is not None:
                meldingen.append(PrivacyMelding(sub, "sleutel", soort.value))
            meldingen.extend(scan_privacy(v, context=context, pad=sub, _organisatie=str(k) in _ORGANISATIE_SLEUTELS))
    elif isinstance(waarde, (list, tuple, set, frozenset)):
        for i, v in enumerate(waarde):
            meldingen.extend(scan_privacy(v, context=context, pad=f"{pad}[{i}]", _organisatie=_organisatie))
    elif isinstance(waarde, str):
        if not _is_gestructureerd(waarde):
            for soort in dict.fromkeys(v.soort for v in detecteer(waarde, context)):
                if not (_organisatie and soort.value in _NIET_BIJ_ORGANISATIE):
                    meldingen.append(PrivacyMelding(pad, "waarde", soort.value))
    elif isinstance(waarde, int) and not isinstance(waarde, bool):
        for soort in dict.fromkeys(v.soort for v in detecteer(str(waarde), context)):
            meldingen.append(PrivacyMelding(pad, "waarde", soort.value))
    return meldingen


def controleer_anoniem(waarde: object, *, context: DetectieContext | None = None) -> None:
    """Raise AssertionError (listing paths and kinds, never values) if :func:`scan_privacy` finds anything."""
    meldingen = scan_privacy(waarde, context=context)
    if meldingen:
        regels = "; ".join(f"{m.pad} ({m.reden}: {m.soort})" for m in meldingen)
        raise AssertionError(f"not anonymous: {regels}")
