"""History import: the one file format both the aanmelding and the traject service read (README "History import").

One row per aanmelding; ``ref`` is its natural key (the coördinator's own pseudonymous reference). The same file is
posted to ``POST /historiek`` on the aanmelding service (aanmeldingen, decisions, instemming) and then on the traject
service (startdatum, afronding); each reads the columns it needs and ignores the others.

* CSV: UTF-8 (a BOM is allowed), semicolon-separated, a header row with the column names; lists (``redenen``,
  ``afrondingsredenen``) comma-separated inside the cell; dates ``YYYY-MM-DD``; empty = not given.
* JSON: ``{"rijen": [{column: value, …}, …]}`` with the same names (lists may be JSON arrays).

Rows are numbered as a spreadsheet shows them: in CSV the header is line 1, so the first data row is line 2; in
JSON the first row is 1. The ids are derived from ``ref`` (UUIDv5), so a re-import finds what the first import made.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from jeugdhulp_common.problems import ProblemError

MAX_BYTES = 2_000_000
MAX_RIJEN = 5000

NAMESPACE = uuid.UUID("6f1d3c2e-8a0b-5b7e-9f44-2c6a1e0d7b31")


def aanmelding_id(ref: str) -> uuid.UUID:
    """The id of the aanmelding imported under ``ref`` (the same in every service and on every import)."""
    return uuid.uuid5(NAMESPACE, f"aanmelding:{ref}")


def traject_id(ref: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"traject:{ref}")


@dataclass(frozen=True)
class Fout:
    """One refused cell or row: the line (as a spreadsheet numbers it), the column, why."""

    regel: int
    veld: str
    melding: str

    def als_dict(self) -> dict[str, Any]:
        return {"line": self.regel, "field": self.veld, "type": "value_error", "message": f"line {self.regel}, {self.veld}: {self.melding}"}


class Geweigerd(Exception):
    """The file is refused as a whole: nothing of it was imported."""

    def __init__(self, fouten: Sequence[Fout]) -> None:
        super().__init__(f"{len(fouten)} rows refused")
        self.fouten = list(fouten)


def lees(inhoud: bytes, content_type: str) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a CSV or JSON file with their line numbers, or :class:`Geweigerd` when the file itself is unusable."""
    if len(inhoud) > MAX_BYTES:
        raise Geweigerd([Fout(0, "bestand", f"larger than {MAX_BYTES} bytes")])
    if "json" in content_type:
        try:
            data = json.loads(inhoud)
        except (ValueError, UnicodeDecodeError):
            raise Geweigerd([Fout(0, "bestand", "not valid JSON")]) from None
        rijen = data.get("rijen") if isinstance(data, dict) else None
        if not isinstance(rijen, list) or not all(isinstance(r, dict) for r in rijen):
            raise Geweigerd([Fout(0, "rijen", "expected {\"rijen\": [ {…}, … ]}")])
        uit = [(i + 1, r) for i, r in enumerate(rijen)]
    else:
        try:
            tekst = inhoud.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Geweigerd([Fout(0, "bestand", "not UTF-8 text")]) from None
        if "\x00" in tekst:
            raise Geweigerd([Fout(0, "bestand", "contains NUL characters")])
        lezer = csv.DictReader(io.StringIO(tekst, newline=""), delimiter=";")
        if not lezer.fieldnames or "ref" not in lezer.fieldnames:
            raise Geweigerd([Fout(1, "ref", "the header row must name the columns (semicolon-separated), ref among them")])
        uit = []
        for rij in lezer:
            if None in rij:
                uit.append((lezer.line_num, {"__te_veel_kolommen__": True}))
                continue
            uit.append((lezer.line_num, {k: v for k, v in rij.items() if k is not None}))
    if not uit:
        raise Geweigerd([Fout(0, "rijen", "no rows")])
    if len(uit) > MAX_RIJEN:
        raise Geweigerd([Fout(0, "rijen", f"more than {MAX_RIJEN} rows")])
    return uit


M = TypeVar("M", bound=BaseModel)


def lijst(waarde: Any) -> list[str]:
    """A list cell: a JSON array, or comma-separated text."""
    if waarde is None:
        return []
    if isinstance(waarde, list):
        return [str(x).strip() for x in waarde if str(x).strip()]
    return [x.strip() for x in str(waarde).split(",") if x.strip()]


def _heeft_nul(v: Any) -> bool:
    if isinstance(v, str):
        return "\x00" in v
    if isinstance(v, dict):
        return any(_heeft_nul(k) or _heeft_nul(x) for k, x in v.items())
    if isinstance(v, list):
        return any(_heeft_nul(x) for x in v)
    return False


def valideer(rijen: list[tuple[int, dict[str, Any]]], model: type[M]) -> tuple[list[tuple[int, M]], list[Fout]]:
    """Every row through ``model`` (empty cells are absent): the typed rows and the refusals of the others, so that
    the use case can check the good rows against the domain too and report everything at once. A ``ref`` given
    twice is refused on its second line."""
    goed: list[tuple[int, M]] = []
    fouten: list[Fout] = []
    gezien: dict[str, int] = {}
    for regel, rij in rijen:
        if rij.get("__te_veel_kolommen__"):
            fouten.append(Fout(regel, "rij", "more cells than the header has columns"))
            continue
        nul = [k for k, v in rij.items() if _heeft_nul(v)]
        if nul:
            fouten += [Fout(regel, str(k), "contains a NUL character") for k in nul]
            continue
        schoon = {k: (v.strip() if isinstance(v, str) else v) for k, v in rij.items()}
        schoon = {k: v for k, v in schoon.items() if v not in ("", None)}
        try:
            m = model.model_validate(schoon)
        except ValidationError as e:
            for err in e.errors(include_input=False, include_url=False):
                veld = ".".join(str(p) for p in err["loc"]) or "rij"
                fouten.append(Fout(regel, veld, err["msg"]))
            continue
        ref = getattr(m, "ref", None)
        if ref in gezien:
            fouten.append(Fout(regel, "ref", f"also on line {gezien[ref]}"))
            continue
        gezien[ref] = regel
        goed.append((regel, m))
    return goed, fouten


def weiger_als_nodig(fouten: Sequence[Fout]) -> None:
    """Raise :class:`Geweigerd` with every refusal, in line order, if there is any."""
    if fouten:
        raise Geweigerd(sorted(fouten, key=lambda f: f.regel))


# --------------------------------------------------------------------------- HTTP (both services' POST /historiek)


def geweigerd(exc: Geweigerd) -> ProblemError:
    return ProblemError(
        422,
        "Import refused",
        f"{len(exc.fouten)} refused; nothing was imported",
        errors=[f.als_dict() for f in exc.fouten],
    )


async def lees_verzoek(request: Request) -> list[tuple[int, dict]]:
    lengte = request.headers.get("content-length")
    if lengte is not None and lengte.isdigit() and int(lengte) > MAX_BYTES:
        raise geweigerd(Geweigerd([Fout(0, "bestand", f"larger than {MAX_BYTES} bytes")]))
    inhoud = bytearray()
    async for deel in request.stream():
        inhoud += deel
        if len(inhoud) > MAX_BYTES:
            raise geweigerd(Geweigerd([Fout(0, "bestand", f"larger than {MAX_BYTES} bytes")]))
    try:
        return lees(bytes(inhoud), request.headers.get("content-type", "text/csv"))
    except Geweigerd as exc:
        raise geweigerd(exc) from None


OPENAPI_BESTAND = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string", "maxLength": MAX_BYTES}},
            "application/json": {"schema": {"type": "object", "properties": {"rijen": {"type": "array", "items": {"type": "object"}}}}},
        },
    }
}
