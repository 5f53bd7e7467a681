"""The aanmelding service's unit of work: the one of every service (``jeugdhulp_common.unit_of_work``) with this
service's repositories, and the Idempotency-Key record of a POST in the same transaction."""

from __future__ import annotations

from typing import Any

from jeugdhulp_common import idempotency
from jeugdhulp_common.unit_of_work import UnitOfWork

from aanmelding.adapters.repository import AanmeldingRepository, IntakeRepository


class AanmeldingUnitOfWork(UnitOfWork):
    repositories = {"aanmeldingen": AanmeldingRepository, "intake": IntakeRepository}
    aanmeldingen: AanmeldingRepository
    intake: IntakeRepository

    async def eerder_antwoord(self, sleutel: str, digest: str) -> idempotency.Replay | None:
        """Claim the caller's Idempotency-Key: the earlier response to replay, or None to go on (a 409 when the
        key was used with another body). Rolls back with the rest."""
        return await idempotency.claim(self.session, self._organisatie(), sleutel, digest)

    async def onthoud_antwoord(self, sleutel: str, status_code: int, body: Any) -> None:
        """Remember the response under the claimed key (written at commit, with the change)."""
        await idempotency.remember(self.session, self._organisatie(), sleutel, status_code, body)

    def _organisatie(self) -> str:
        if self.principal is None:
            raise ValueError("an Idempotency-Key belongs to a principal's organisation")
        return self.principal.organisatie
