"""The aanmelding service's own refusals: domain errors (:mod:`jeugdhulp_common.domain`) with the problem type,
title and members partner clients know. The HTTP layer maps them through the one table of every service
(``jeugdhulp_common.problems``); nothing here knows HTTP."""

from __future__ import annotations

from jeugdhulp_common.domain import RegelGeschonden, Verboden


class IntakeGesloten(RegelGeschonden):
    """Intake is closed: no new aanmeldingen ("→ ONTVANGEN only while intake is open"). A 409 with
    ``intakeOpen: false`` and the team's ``reden`` (about the project, never about a child)."""

    slug = "intake-gesloten"
    titel = "Intake closed"

    def __init__(self, reden: str | None) -> None:
        super().__init__(
            "Intake is gesloten: er worden geen nieuwe aanmeldingen aanvaard / intake is closed: no new aanmeldingen are accepted",
            extra={"intakeOpen": False, "reden": reden},
        )
        self.reden = reden


class AndereOrganisatie(Verboden):
    """A partner posted an aanmelding in another organisation's name (the team may post for any)."""

    def __init__(self) -> None:
        super().__init__(
            "a partner may only post aanmeldingen for its own organisation",
            extra={
                "errors": [
                    {"field": "aanmelder.organisatie", "type": "andere_organisatie", "message": "must be the caller's own organisation"}
                ]
            },
        )
