"""Report routes: ``GET /rapportage`` (JSON), ``/rapportage.csv`` and ``/rapportage.html``.

Audience: the team (PLANMAKER, COORDINATOR) sees exact counts and the leeftijd × regio × aanmelder cross-table;
with ``doelgroep=EXTERN`` it gets the version for outside the team (an export). Every other caller (PARTNER,
STUURGROEP) always gets the EXTERN version, whatever it asks: counts below ``SIGNALERING_MINIMUM_CELGROOTTE``
suppressed, with complementary suppression, and no cross-table.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, Response
from jeugdhulp_common.auth import Principal
from jeugdhulp_common.service import Runtime

from signalering.domain.rapportage import Doelgroep, Periode, Rapport, voor_doelgroep
from signalering.entrypoints import rapportage_weergave as weergave
from signalering.entrypoints.schemas import RapportOut
from signalering.service_layer import rapportage
from signalering.service_layer.unit_of_work import SignaleringUnitOfWork

RAPPORT = "Rapportage"

Jaar = Annotated[int | None, Query(ge=2000, le=2100, description="one calendar year")]
Van = Annotated[dt.date | None, Query(description="first day of the period (with tot)")]
Tot = Annotated[dt.date | None, Query(description="last day of the period, inclusive (with van)")]
Doel = Annotated[
    Doelgroep | None, Query(description="TEAM (exact; team only) or EXTERN (suppressed). Default: TEAM for the team, else EXTERN")
]


def routers(rt: Runtime) -> list[APIRouter]:
    r = APIRouter(tags=["rapportage"])
    wie_dan_ook = rt.require()
    minimum: int = rt.settings.minimum_celgrootte  # type: ignore[attr-defined]

    async def maak(
        wie: Principal, jaar: int | None, van: dt.date | None, tot: dt.date | None, doelgroep: Doelgroep | None
    ) -> Rapport:
        periode = Periode.uit_vraag(jaar, van, tot)  # 422 naming the field
        gewenst = doelgroep or (Doelgroep.TEAM if wie.is_team else Doelgroep.EXTERN)
        if not wie.is_team:
            gewenst = Doelgroep.EXTERN  # outside the team: never exact counts, never the cross-table
        exact = await rapportage.rapport(rt.sessionmaker, periode)
        async with SignaleringUnitOfWork(rt.engine, principal=wie) as uow:
            uow.audit(f"LEZEN_{gewenst.value}", RAPPORT, f"{exact.periode.van}..{exact.periode.tot}")
        return voor_doelgroep(exact, gewenst, minimum=minimum)

    @r.get("/rapportage", response_model=RapportOut, response_model_by_alias=True)
    async def rapport_json(jaar: Jaar = None, van: Van = None, tot: Tot = None, doelgroep: Doel = None, wie: Principal = Depends(wie_dan_ook)) -> RapportOut:
        """Tabel 1–4, non-starts, blokkade, afronding reasons and the signalering funnel of a year or a period
        (default: every year with data). ``null`` = suppressed."""
        return weergave.als_json(await maak(wie, jaar, van, tot, doelgroep))

    @r.get("/rapportage.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
    async def rapport_csv(jaar: Jaar = None, van: Van = None, tot: Tot = None, doelgroep: Doel = None, wie: Principal = Depends(wie_dan_ook)) -> Response:
        """The same report as CSV: ``tabel;groep;sleutel;waarde``, semicolons, UTF-8 with BOM; suppressed = ``onderdrukt``."""
        rap = await maak(wie, jaar, van, tot, doelgroep)
        naam = f"rapport_{rap.periode.van}_{rap.periode.tot}_{rap.doelgroep.value.lower()}.csv"
        return Response(
            weergave.als_csv(rap),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{naam}"'},
        )

    @r.get("/rapportage.html", response_class=HTMLResponse)
    async def rapport_html(jaar: Jaar = None, van: Van = None, tot: Tot = None, doelgroep: Doel = None, wie: Principal = Depends(wie_dan_ook)) -> HTMLResponse:
        """The same report as a page: tables beside SVG charts, printable on A4, with the period and the audience."""
        rap = await maak(wie, jaar, van, tot, doelgroep)
        return HTMLResponse(await asyncio.to_thread(weergave.als_html, rap))

    return [r]
