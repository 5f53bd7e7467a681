"""Configuration of the aanmelding service (environment, prefix ``AANMELDING_``; README lists every variable).

The screening's age bounds are NOT given by the seeds (domain guide §11.1): the defaults 10..16 are the ages
*observed* in the seeds, not a rule of the project. Set them explicitly in a deployment.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from jeugdhulp_common.contracts.vocabulary import RegioELZ
from jeugdhulp_common.settings import CommonSettings

from aanmelding.domain import AANZET_REGIOS, ScreeningRegels

_DEFAULT_REGIOS = ",".join(sorted(r.value for r in AANZET_REGIOS))


class AanmeldingSettings(CommonSettings):
    # AANMELDING_SCREENING_MIN_LEEFTIJD / AANMELDING_SCREENING_MAX_LEEFTIJD (inclusive)
    screening_min_leeftijd: int = Field(10, description="lowest age accepted by the screening (observed in the seeds, not a rule)")
    screening_max_leeftijd: int = Field(16, description="highest age accepted by the screening (observed in the seeds, not a rule)")
    # AANMELDING_SCREENING_REGIOS: comma-separated RegioELZ codes; default the five ELZ of 1G1P AanZet
    screening_regios: str = Field(_DEFAULT_REGIOS, description="comma-separated RegioELZ codes the screening accepts")

    @model_validator(mode="after")
    def _geldige_regels(self) -> AanmeldingSettings:
        # Fail at start-up, not at the first aanmelding: an impossible configuration is a deployment error.
        try:
            self.screening_regels()
        except ValueError as exc:
            raise ValueError(f"AANMELDING_SCREENING_*: {exc}") from None
        return self

    def screening_regels(self) -> ScreeningRegels:
        codes = [c.strip() for c in self.screening_regios.split(",") if c.strip()]
        return ScreeningRegels.met(
            min_leeftijd=self.screening_min_leeftijd,
            max_leeftijd=self.screening_max_leeftijd,
            regios=[RegioELZ(c) for c in codes],
        )
