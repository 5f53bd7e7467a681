"""A withdrawn consent (§9 rule 5) has effect on the traject: recorded once per scope, partners' view without
personal data after GEGEVENSDELING_PARTNERS, no candidate signals after TRAJECT_OPSTART (not after the end)."""

from __future__ import annotations

import datetime as dt
import uuid

from traject.domain import Traject, TrajectStatus
from traject.domain.regels import STANDAARD_TRAJECT_REGELS
from traject.entrypoints.schemas import traject_view

OP = dt.date(2024, 5, 1)


def _traject() -> Traject:
    return Traject.uit_opgestarte_aanmelding(traject_id=uuid.uuid4(), aanmelding_id=uuid.uuid4(), aanmelder_organisatie="VOT")


def test_gegevensdeling_ingetrokken_eenmaal_geregistreerd() -> None:
    t = _traject()
    assert t.deelt_met_partners and t.maakt_signalen
    assert t.registreer_intrekking(["GEGEVENSDELING_PARTNERS"], OP) is True
    assert t.gegevensdeling_ingetrokken_op == OP and not t.deelt_met_partners and t.maakt_signalen
    assert t.registreer_intrekking(["GEGEVENSDELING_PARTNERS"], OP + dt.timedelta(days=3)) is False
    assert t.gegevensdeling_ingetrokken_op == OP  # the first withdrawal counts


def test_opstart_ingetrokken_stopt_signalen_maar_niet_na_het_einde() -> None:
    t = _traject()
    assert t.registreer_intrekking(["TRAJECT_OPSTART", "CONTACTGEGEVENS_DOORGEVEN"], OP) is True
    assert not t.maakt_signalen and t.deelt_met_partners
    afgerond = _traject()
    afgerond.status = TrajectStatus.AFGEROND
    assert afgerond.registreer_intrekking(["TRAJECT_OPSTART"], OP) is False and afgerond.maakt_signalen
    assert _traject().registreer_intrekking(["CONTACTGEGEVENS_DOORGEVEN"], OP) is False


def test_partnerview_zonder_persoonsgegevens_na_intrekking_team_ziet_alles() -> None:
    t = _traject()
    t.registreer_intrekking(["GEGEVENSDELING_PARTNERS", "TRAJECT_OPSTART"], OP)
    team = traject_view(t, STANDAARD_TRAJECT_REGELS).model_dump(by_alias=True)
    partner = traject_view(t, STANDAARD_TRAJECT_REGELS, voor_partner=True).model_dump(by_alias=True)
    assert team["instemming"] == {
        "gegevensdelingIngetrokkenOp": OP, "opstartInstemmingIngetrokkenOp": OP, "gemarkeerdVoorTeam": True, "maaktSignalen": False,
    }  # fmt: skip
    assert team["gegevensGedeeld"] is True and partner["gegevensGedeeld"] is False
    assert all(r["persoon"] is None for r in partner["rollen"])
    zonder = _traject()
    assert traject_view(zonder, STANDAARD_TRAJECT_REGELS, voor_partner=True).gegevens_gedeeld is True
