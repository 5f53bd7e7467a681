"""The webhooks service's unit of work: the shared one (:mod:`jeugdhulp_common.unit_of_work`) with the
subscriptions repository, plus the delivery log of the same transaction (a work queue, not an aggregate)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from jeugdhulp_common.unit_of_work import UnitOfWork

from webhooks.adapters.repository import AbonnementRepository, Leveringen


class WebhooksUnitOfWork(UnitOfWork):
    repositories = {"abonnementen": AbonnementRepository}
    abonnementen: AbonnementRepository
    leveringen: Leveringen

    def _open(self, session: AsyncSession, *, defer: bool = True) -> None:
        super()._open(session, defer=defer)
        self.leveringen = Leveringen(session)
