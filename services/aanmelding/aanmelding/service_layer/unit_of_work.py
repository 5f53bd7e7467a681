"""The aanmelding service's unit of work: the one of every service (``jeugdhulp_common.unit_of_work``) with this
service's repositories, and the Idempotency-Key record of a POST in the same transaction."""

from __future__ import annotations

from typing import Any

from jeugdhulp_common import idempotency
from jeugdhulp_common.unit_of_work import UnitOfWork

from aanmelding.adapters.repository import AanmeldingRepository, IntakeRepository
from aanmelding.domain import Intake


class AanmeldingUnitOfWork(UnitOfWork):
    repositories = {"aanmeldingen": AanmeldingRepository, "intake": IntakeRepository}
    aanmeldingen: AanmeldingRepository
    intake: IntakeRepository

    async def ontvangst_openen(self, sleutel: str, digest: str, jongere_ref: str) -> tuple[idempotency.Replay | None, Intake]:
        """Open the receipt of an aanmelding for ``jongere_ref``, in one statement: claim the caller's Idempotency-Key
        (``jeugdhulp_common.idempotency``: a 409 when it was used with another body; rolls back with the rest), take
        the intake switch (share lock) and the receipt lock of that jongereRef. The earlier response to replay (or
        None to go on), and the switch."""
        organisatie = self._organisatie()
        geclaimd, intake = await self.intake.voor_ontvangst(jongere_ref, claim=(organisatie, sleutel, digest))
        return await idempotency.na_claim(self.session, geclaimd, organisatie, sleutel, digest), intake

    async def onthoud_antwoord(self, sleutel: str, status_code: int, body: Any) -> None:
        """Remember the response under the claimed key (written at commit, with the change)."""
        await idempotency.remember(self.session, self._organisatie(), sleutel, status_code, body)

    def _organisatie(self) -> str:
        if self.principal is None:
            raise ValueError("an Idempotency-Key belongs to a principal's organisation")
        return self.principal.organisatie
