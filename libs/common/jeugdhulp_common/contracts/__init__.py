"""All event contracts. Importing this package registers every event type in ``events.REGISTRY``."""

from jeugdhulp_common.contracts import aanmelding, signalering, traject, vocabulary

__all__ = ["aanmelding", "signalering", "traject", "vocabulary"]
