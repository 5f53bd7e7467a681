"""The shared unit of work and repository base, through the in-memory storage (tests/in_memory.py) that every
service's use-case tests use: saving what was loaded or added, staging events in order, audit, rollback, the
version check, the clock; and the one codec."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest
from in_memory import Opslag, in_memory
from jeugdhulp_common.auth import Principal
from jeugdhulp_common.codec import laad, naar_json
from jeugdhulp_common.contracts.aanmelding import AanmeldingOntvangen  # noqa: F401 - a registered event type
from jeugdhulp_common.domain import GelijktijdigGewijzigd, NietGevonden
from jeugdhulp_common.events import Event
from jeugdhulp_common.unit_of_work import SysteemKlok, VasteKlok
from probe_aggregaat import Deel, Ding, DingUnitOfWork, Staat

P = Principal(credential_id=uuid.uuid4(), organisatie="ORG", rollen=frozenset())


def _event(n: int) -> Event:
    from jeugdhulp_common.contracts.aanmelding import IntakeStatusGewijzigd

    return IntakeStatusGewijzigd.model_construct(event_id=uuid.UUID(int=n))


def test_codec_round_trip_skips_pending_events_and_tolerates_removed_fields() -> None:
    d = Ding(uuid.uuid4(), Staat.KLAAR, (Deel("a", dt.date(2026, 1, 2)), Deel("b")), frozenset({"y", "x"}),
             dt.datetime(2026, 3, 4, 5, 6, tzinfo=dt.UTC), {"k": 1})
    d._emit(_event(1))
    doc = naar_json(d)
    assert "events" not in doc and doc["labels"] == ["x", "y"] and doc["delen"][0] == {"naam": "a", "op": "2026-01-02"}
    terug = laad(Ding, {**doc, "verdwenen_veld": 1})
    assert dataclasses.asdict(terug) | {"events": []} == dataclasses.asdict(d) | {"events": []}
    assert terug.events == []
    with pytest.raises(TypeError):
        naar_json(object())


async def test_added_and_changed_aggregates_saved_events_staged_in_order_and_audited() -> None:
    opslag = Opslag()
    uow = in_memory(DingUnitOfWork, opslag, principal=P)
    a, b = Ding(uuid.uuid4()), Ding(uuid.uuid4())
    async with uow:
        uow.dingen.add(a)
        uow.dingen.add(b)
        a.klaar(_event(1))
        b.klaar(_event(2))
        a._emit(_event(3))
        uow.audit("AANMAKEN", "Ding", a.ding_id, b.ding_id)
    assert [e.event_id.int for e in uow.gepubliceerd] == [1, 3, 2]
    assert [(r.actie, r.ids) for r in uow.geaudit] == [("AANMAKEN", (a.ding_id, b.ding_id))]
    rij = opslag.tabel("uow_probe")[a.ding_id]
    assert rij["version"] == 1 and rij["staat"] == "KLAAR" and rij["document"]["staat"] == "KLAAR"

    uow2 = in_memory(DingUnitOfWork, opslag, principal=P)
    async with uow2:
        geladen = await uow2.dingen.get(a.ding_id)
        assert await uow2.dingen.get(a.ding_id) is geladen  # seen once
        geladen.klaar(_event(4))
    assert opslag.tabel("uow_probe")[a.ding_id]["version"] == 2 and [e.event_id.int for e in uow2.gepubliceerd] == [4]


async def test_an_exception_writes_nothing_and_reads_are_not_saved() -> None:
    opslag = Opslag()
    a = Ding(uuid.uuid4())
    uow = in_memory(DingUnitOfWork, opslag, principal=P)
    async with uow:
        uow.dingen.add(a)
    with pytest.raises(RuntimeError):
        async with uow:
            (await uow.dingen.get(a.ding_id)).klaar(_event(5))
            uow.audit("KLAAR", "Ding", a.ding_id)
            raise RuntimeError("refused")
    assert opslag.tabel("uow_probe")[a.ding_id]["version"] == 1 and uow.gepubliceerd == [] and uow.geaudit == []
    async with uow:
        (await uow.dingen.lees(a.ding_id)).staat = Staat.KLAAR
    assert opslag.tabel("uow_probe")[a.ding_id]["document"]["staat"] == "NIEUW"
    with pytest.raises(NietGevonden):
        async with uow:
            await uow.dingen.get(uuid.uuid4())


async def test_a_moved_version_is_a_concurrent_change() -> None:
    opslag = Opslag()
    a = Ding(uuid.uuid4())
    async with (uow := in_memory(DingUnitOfWork, opslag, principal=P)):
        uow.dingen.add(a)
    with pytest.raises(GelijktijdigGewijzigd):
        async with uow:
            await uow.dingen.get(a.ding_id)
            opslag.tabel("uow_probe")[a.ding_id]["version"] = 7  # another writer, meanwhile
    with pytest.raises(ValueError):
        in_memory(DingUnitOfWork).audit("X", "Ding", a.ding_id)


def test_clocks() -> None:
    moment = dt.datetime(2026, 3, 28, 23, 30, tzinfo=dt.UTC)
    assert VasteKlok(moment).nu() == moment and VasteKlok(moment).vandaag() == dt.date(2026, 3, 29)  # Brussels
    assert SysteemKlok().nu().tzinfo is dt.UTC


async def test_wijziging_loads_for_change_audits_and_commits_or_leaves_nothing() -> None:
    opslag = Opslag()
    a = Ding(uuid.uuid4())
    async with (uow := in_memory(DingUnitOfWork, opslag, principal=P)):
        uow.dingen.add(a)
    async with uow.wijziging("dingen", a.ding_id, "KLAAR") as ding:
        ding.klaar(_event(9))
    assert [(r.actie, r.aggregaat, r.ids) for r in uow.geaudit] == [("KLAAR", "Ding", (a.ding_id,))]
    assert [e.event_id.int for e in uow.gepubliceerd] == [9] and opslag.tabel("uow_probe")[a.ding_id]["version"] == 2
    with pytest.raises(RuntimeError):
        async with uow.wijziging("dingen", a.ding_id, "NOG_EENS") as ding:
            ding.klaar(_event(10))
            raise RuntimeError("refused by the domain")
    assert len(uow.geaudit) == 1 and len(uow.gepubliceerd) == 1 and opslag.tabel("uow_probe")[a.ding_id]["version"] == 2
