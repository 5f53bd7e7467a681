"""What the dispatcher learns from events about who is involved in an aanmelding or a traject (pure).

* an aanmelding belongs to its aanmelder's organisation (every aanmelding event but consent names it);
* a traject belongs to the organisation that referred its aanmelding, and to every organisation that has been given
  a role in it (``TrajectGestart.rollen``, ``TrajectRolToegewezen``) or the regie (``TrajectRegieOvergedragen``).
  An organisation keeps access to the traject's events once it had a role (INFERRED: §10 says "partners in the
  traject"; a role that ends is not an event today).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from jeugdhulp_common.contracts.traject import TrajectGestart, TrajectRegieOvergedragen, TrajectRolToegewezen
from jeugdhulp_common.events import Event


@dataclass(frozen=True)
class Feiten:
    aanmelding: tuple[uuid.UUID, str] | None = None  # (aanmelding id, aanmelder organisation)
    traject_aanmelding: tuple[uuid.UUID, uuid.UUID] | None = None  # (traject id, aanmelding id)
    traject_organisaties: tuple[uuid.UUID, frozenset[str]] | None = None


def feiten(ev: Event) -> Feiten:
    aanmelding_id = getattr(ev, "aanmelding_id", None)
    org = getattr(ev, "aanmelder_organisatie", None)
    if isinstance(ev, TrajectGestart):
        return Feiten(
            traject_aanmelding=(ev.traject_id, ev.aanmelding_id),
            traject_organisaties=(ev.traject_id, frozenset(r.organisatie for r in ev.rollen)),
        )
    if isinstance(ev, TrajectRolToegewezen):
        return Feiten(traject_organisaties=(ev.traject_id, frozenset({ev.organisatie})))
    if isinstance(ev, TrajectRegieOvergedragen):
        return Feiten(traject_organisaties=(ev.traject_id, frozenset({ev.naar_organisatie})))
    if isinstance(aanmelding_id, uuid.UUID) and isinstance(org, str) and getattr(type(ev), "key_field", "") == "aanmelding_id":
        return Feiten(aanmelding=(aanmelding_id, org))
    return Feiten()
