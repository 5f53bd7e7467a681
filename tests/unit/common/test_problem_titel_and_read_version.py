"""Two small additions to the shared pieces: a domain error may name its own problem ``title`` (as it may its
``slug``), and a read-only load (``Repository.lees``) keeps the stored version for ``versie()``."""

from __future__ import annotations

import json
import uuid

from in_memory import Opslag, in_memory
from test_unit_of_work import Ding, DingUnitOfWork, P

from jeugdhulp_common.domain import RegelGeschonden
from jeugdhulp_common.problems import domain_problem


class Gesloten(RegelGeschonden):
    slug = "gesloten"
    titel = "Closed"


def test_a_subclass_names_its_title_and_type_and_keeps_its_kinds_status() -> None:
    resp = domain_problem(Gesloten("it is closed", extra={"open": False}))
    body = json.loads(resp.body)
    assert resp.status_code == 409
    assert body == {"type": "https://jeugdhulp.example/problems/gesloten", "title": "Closed", "status": 409,
                    "detail": "it is closed", "open": False}
    assert json.loads(domain_problem(RegelGeschonden("x")).body)["title"] == "Domain rule violated"


async def test_a_read_keeps_the_stored_version() -> None:
    opslag = Opslag()
    d = Ding(uuid.uuid4())
    async with (uow := in_memory(DingUnitOfWork, opslag, principal=P)):
        uow.dingen.add(d)
    async with uow:
        await uow.dingen.get(d.ding_id)
    async with (lezer := in_memory(DingUnitOfWork, opslag, principal=P)):
        gelezen = await lezer.dingen.lees(d.ding_id)
    assert lezer.dingen.versie(gelezen) == 2
