"""Shared fixtures of the signalering domain tests (pure: no I/O)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from jeugdhulp_common.contracts.traject import IdentificerendeGegevens, KandidaatSignaal, SamenwerkingsoverlegGehoudenV2
from jeugdhulp_common.contracts.vocabulary import OverlegSoort, RegioELZ, SignaalSoort

from signalering.domain import Signaal, SignaleringRegels, Thema

NU = dt.datetime(2024, 6, 1, 10, 0, tzinfo=dt.UTC)
SALT = b"test-salt-of-32-bytes-0123456789"
ANDER_SALT = b"another-salt-of-32-bytes-9876543"


@pytest.fixture
def nu() -> dt.datetime:
    return NU


@pytest.fixture
def salt() -> bytes:
    return SALT


@pytest.fixture
def regels() -> SignaleringRegels:
    return SignaleringRegels()


@pytest.fixture
def maak_overleg() -> Callable[..., SamenwerkingsoverlegGehoudenV2]:
    """A SamenwerkingsoverlegGehouden of one traject, with identifying data of its young person. Version 2 (still
    consumed): it brings names for the gate's context, so the context rules are exercised; version 3 (no names,
    traject masks them) has its own tests."""

    def maak(
        traject_id: uuid.UUID | None = None,
        teksten: tuple[str, ...] = ("Wachtlijsten blokkeren de overgang naar een leefgroep.",),
        namen: tuple[str, ...] = ("Lisa Peeters", "Marc Peeters"),
    ) -> SamenwerkingsoverlegGehoudenV2:
        return SamenwerkingsoverlegGehoudenV2(
            traject_id=traject_id or uuid.uuid4(),
            overleg_id=uuid.uuid4(),
            soort=OverlegSoort.SAMENWERKINGSOVERLEG_EINDE,
            datum=dt.date(2024, 5, 30),
            kandidaat_signalen=[
                KandidaatSignaal(vraag_id=f"E5{'abcdef'[i]}", soort=SignaalSoort.KNELPUNT, tekst=t)
                for i, t in enumerate(teksten)
            ],
            thema_voorstellen=["Zorg op maat en op tijd"],
            identificerend=IdentificerendeGegevens(
                namen=list(namen), geboortedata=[dt.date(2010, 3, 12)], leeftijd=14, regio=RegioELZ.WESTHOEK
            ),
        )

    return maak


@pytest.fixture
def vrijgegeven_signaal(maak_overleg: Callable[..., SamenwerkingsoverlegGehoudenV2]) -> Callable[..., Signaal]:
    """A released signal of a given traject (events drained)."""

    def maak(traject_id: uuid.UUID | None = None, nu: dt.datetime = NU, salt: bytes = SALT) -> Signaal:
        overleg = maak_overleg(traject_id)
        signaal = Signaal.uit_kandidaat(uuid.uuid4(), overleg, overleg.kandidaat_signalen[0])
        signaal.vrijgeven(salt=salt, nu=nu)
        signaal.neem_events()
        return signaal

    return maak


@pytest.fixture
def nieuw_thema() -> Callable[..., Thema]:
    def maak(naam: str = "Zorg op maat en op tijd", **velden: object) -> Thema:
        return Thema(thema_id=uuid.uuid4(), naam=naam, **velden)  # type: ignore[arg-type]

    return maak
