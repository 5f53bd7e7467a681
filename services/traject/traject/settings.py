"""Settings of the traject service (environment, ``TRAJECT_`` prefix; see the README)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from pydantic import Field

from jeugdhulp_common.settings import CommonSettings
from jeugdhulp_common.unit_of_work import SysteemKlok

from traject.domain import DIWFondsRegels, TrajectRegels


class TrajectSettings(CommonSettings):
    # §4.2: both configurable [001: "drie maanden in de praktijk vaak te kort bleek"].
    minimale_looptijd_maanden: int = Field(3, ge=1, description="TRAJECT_MINIMALE_LOOPTIJD_MAANDEN")
    verlenging_maanden: int = Field(3, ge=1, description="TRAJECT_VERLENGING_MAANDEN")
    # §4.8, §5.3: the fund cap (euro cents), the subsidy end and the evaluation interval.
    diw_plafond_eurocent: int = Field(2_500_000, ge=0, description="TRAJECT_DIW_PLAFOND_EUROCENT")
    diw_subsidie_einddatum: dt.date = Field(dt.date(2024, 12, 31), description="TRAJECT_DIW_SUBSIDIE_EINDDATUM")
    diw_evaluatie_interval_maanden: int = Field(3, ge=1, description="TRAJECT_DIW_EVALUATIE_INTERVAL_MAANDEN")
    # Durable timers: how often the database is polled for due evaluations.
    timer_poll_seconds: float = Field(30.0, gt=0, description="TRAJECT_TIMER_POLL_SECONDS")
    timer_batch_size: int = Field(100, ge=1, description="TRAJECT_TIMER_BATCH_SIZE")
    # The calendar day of the network (evaluation dates are local dates).
    tijdzone: str = Field("Europe/Brussels", description="TRAJECT_TIJDZONE")

    @property
    def klok(self) -> SysteemKlok:
        """The use cases' clock: today is a calendar day of the network's time zone."""
        return SysteemKlok(zoneinfo.ZoneInfo(self.tijdzone))

    @property
    def traject_regels(self) -> TrajectRegels:
        return TrajectRegels(minimale_looptijd_maanden=self.minimale_looptijd_maanden, verlenging_maanden=self.verlenging_maanden)

    @property
    def diw_regels(self) -> DIWFondsRegels:
        return DIWFondsRegels(
            plafond_eurocent=self.diw_plafond_eurocent,
            subsidie_einddatum=self.diw_subsidie_einddatum,
            evaluatie_interval_maanden=self.diw_evaluatie_interval_maanden,
        )
