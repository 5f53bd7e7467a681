"""Signaal (§4.4, §9 rules 2–3): creation, the exhaustive transition table, the release gate, traject_ref."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import uuid
from collections.abc import Callable

import pytest
from jeugdhulp_common import topics
from jeugdhulp_common.contracts.signalering import SignaalVrijgegeven
from jeugdhulp_common.contracts.traject import (
    IdentificerendeGegevens,
    IdentificerendeKenmerken,
    KandidaatSignaal,
    SamenwerkingsoverlegGehouden,
    SamenwerkingsoverlegGehoudenV2,
)
from jeugdhulp_common.contracts.vocabulary import Niveau, OverlegSoort, Sector, SignaalSoort
from jeugdhulp_common.domain import OngeldigeOvergang, RegelGeschonden
from jeugdhulp_common.events import PrivacyClass

from signalering.domain import (
    SIGNAAL_OVERGANGEN,
    PersoonsgegevenSoort,
    PersoonsgegevensGevonden,
    Signaal,
    SignaalActie,
    SignaalStatus,
    signalen_uit_overleg,
    traject_ref,
)
from signalering.domain.pseudoniem import afgeleide_id, bron_ref, signaal_ref

S, A = SignaalStatus, SignaalActie
ANDER_SALT = b"another-salt-of-32-bytes-9876543"

# --------------------------------------------------------------------------- the transition table

VERWACHTE_TABEL = {
    (S.CONCEPT, A.BEWERKEN): S.CONCEPT,
    (S.CONCEPT, A.VRIJGEVEN): S.VRIJGEGEVEN,
    (S.VRIJGEGEVEN, A.KOPPELEN): S.GEKOPPELD,
    (S.GEKOPPELD, A.KOPPELEN): S.GEKOPPELD,
}


def test_overgangstabel_is_de_afgesproken_tabel() -> None:
    assert dict(SIGNAAL_OVERGANGEN.tabel) == VERWACHTE_TABEL


def _in_toestand(status: SignaalStatus) -> Signaal:
    """A restored signal in ``status`` with a releasable text."""
    vrij = status != S.CONCEPT
    return Signaal(
        signaal_id=uuid.uuid4(),
        soort=SignaalSoort.DREMPEL,
        bron_overleg_soort=OverlegSoort.SAMENWERKINGSOVERLEG_EINDE,
        tekst="Contextbegeleiding naast verblijf is moeilijk te installeren.",
        status=status,
        traject_id=None if vrij else uuid.uuid4(),
        traject_ref="ab" * 32 if vrij else None,
        vrijgegeven_op=dt.datetime(2024, 5, 1, tzinfo=dt.UTC) if vrij else None,
    )


def _doe(signaal: Signaal, actie: SignaalActie, salt: bytes, nu: dt.datetime) -> None:
    match actie:
        case A.BEWERKEN:
            signaal.bewerk(tekst="Een herwerkte tekst zonder persoonsgegevens.")
        case A.VRIJGEVEN:
            signaal.vrijgeven(salt=salt, nu=nu)
        case A.KOPPELEN:
            signaal.koppel([uuid.uuid4()])


@pytest.mark.parametrize("actie", list(A))
@pytest.mark.parametrize("status", list(S))
def test_elke_toestand_en_actie(status: SignaalStatus, actie: SignaalActie, salt: bytes, nu: dt.datetime) -> None:
    signaal = _in_toestand(status)
    if (status, actie) in VERWACHTE_TABEL:
        _doe(signaal, actie, salt, nu)
        assert signaal.status == VERWACHTE_TABEL[(status, actie)]
    else:
        with pytest.raises(OngeldigeOvergang) as fout:
            _doe(signaal, actie, salt, nu)
        assert (fout.value.aggregate, fout.value.toestand, fout.value.actie) == ("Signaal", status.value, actie.value)
        assert signaal.status == status
        assert signaal.events == []


def test_toegestane_acties_per_toestand() -> None:
    assert SIGNAAL_OVERGANGEN.acties(S.CONCEPT) == [A.BEWERKEN, A.VRIJGEVEN]
    assert SIGNAAL_OVERGANGEN.acties(S.VRIJGEGEVEN) == [A.KOPPELEN]


# --------------------------------------------------------------------------- creation


def test_concept_uit_kandidaat_houdt_identificerende_gegevens_bij(
    maak_overleg: Callable[..., SamenwerkingsoverlegGehoudenV2],
) -> None:
    overleg = maak_overleg()
    kandidaat = overleg.kandidaat_signalen[0]
    signaal = Signaal.uit_kandidaat(uuid.uuid4(), overleg, kandidaat)
    assert signaal.status == S.CONCEPT
    assert (signaal.soort, signaal.tekst, signaal.bron_vraag_id) == (kandidaat.soort, kandidaat.tekst, "E5a")
    assert signaal.bron_overleg_soort == OverlegSoort.SAMENWERKINGSOVERLEG_EINDE
    assert signaal.bron_niveau == Niveau.MESO  # the samenwerkingsoverleg is the boundary, §4.3
    assert signaal.traject_id == overleg.traject_id
    assert signaal.identificerend == overleg.identificerend
    assert signaal.thema_voorstellen == ["Zorg op maat en op tijd"]
    assert signaal.traject_ref is None
    assert signaal.events == []  # a concept is internal


def test_concept_uit_versie_3_zonder_namen_de_poort_ziet_de_rest() -> None:
    """Version 3 carries no names (traject masked the role holders' as [NAAM]); the gate still finds the rest."""
    overleg = SamenwerkingsoverlegGehouden(
        traject_id=uuid.uuid4(),
        overleg_id=uuid.uuid4(),
        soort=OverlegSoort.SAMENWERKINGSOVERLEG_EINDE,
        datum=dt.date(2024, 5, 30),
        kandidaat_signalen=[KandidaatSignaal(vraag_id="E5a", soort=SignaalSoort.KNELPUNT, tekst="[NAAM] belde op 12/3 naar 0470 12 34 56.")],
        identificerend=IdentificerendeKenmerken(geboortedata=[dt.date(2010, 3, 12)], leeftijd=14),
    )
    [signaal] = signalen_uit_overleg(overleg, salt=b"s" * 32)
    assert signaal.identificerend == IdentificerendeGegevens(geboortedata=[dt.date(2010, 3, 12)], leeftijd=14)
    assert signaal.persoonsgegevens() == (PersoonsgegevenSoort.DATUM, PersoonsgegevenSoort.TELEFOONNUMMER)


def test_signalen_uit_overleg_een_per_kandidaat_met_stabiele_ids(
    maak_overleg: Callable[..., SamenwerkingsoverlegGehoudenV2], salt: bytes
) -> None:
    overleg = maak_overleg(teksten=("Eerste drempel.", "Tweede drempel.", "Derde drempel."))
    eerste = signalen_uit_overleg(overleg, salt=salt)
    tweede = signalen_uit_overleg(overleg, salt=salt)
    assert [s.tekst for s in eerste] == ["Eerste drempel.", "Tweede drempel.", "Derde drempel."]
    assert [s.signaal_id for s in eerste] == [s.signaal_id for s in tweede]  # redelivery: same ids
    assert len({s.signaal_id for s in eerste}) == 3
    assert eerste[0].signaal_id == afgeleide_id(salt, "signaal", str(overleg.overleg_id), "0", "E5a")
    anders = signalen_uit_overleg(overleg, salt=ANDER_SALT)
    assert {s.signaal_id for s in anders}.isdisjoint(s.signaal_id for s in eerste)
    # not computable from the micro overleg id alone (plain uuid5 would be)
    assert eerste[0].signaal_id != uuid.uuid5(overleg.overleg_id, "0:E5a")


def test_brief_naar_brussel_is_een_concept_dat_ook_vrijgegeven_wordt(salt: bytes, nu: dt.datetime) -> None:
    traject_id = uuid.uuid4()
    signaal = Signaal.brief_naar_brussel(
        uuid.uuid4(),
        traject_id,
        OverlegSoort.RONDE_TAFEL,
        "Geef voorzieningen ruimte om te vertragen.",
        IdentificerendeGegevens(namen=["Lisa Peeters"]),
    )
    assert (signaal.soort, signaal.status, signaal.bron_niveau) == (SignaalSoort.BRIEF_NAAR_BRUSSEL, S.CONCEPT, Niveau.MICRO)
    signaal.vrijgeven(salt=salt, nu=nu)
    [ev] = signaal.events
    assert isinstance(ev, SignaalVrijgegeven)
    assert ev.soort == SignaalSoort.BRIEF_NAAR_BRUSSEL
    assert ev.traject_ref == signaal_ref(signaal.signaal_id, salt)  # not linked yet: keyed per signal
    assert signaal.traject_sleutel == traject_ref(traject_id, salt)  # internal only


# --------------------------------------------------------------------------- the release gate


@pytest.mark.parametrize(
    ("tekst", "soort"),
    [
        ("Lisa Peeters bleef zonder plaats.", PersoonsgegevenSoort.NAAM),
        ("lisa bleef zonder plaats.", PersoonsgegevenSoort.NAAM),  # first name alone, lower case
        ("Vader Marc kwam niet.", PersoonsgegevenSoort.NAAM),  # another person of the traject
        ("Bel de consulent op 0470 12 34 56.", PersoonsgegevenSoort.TELEFOONNUMMER),
        ("Bel +32 50 12 34 56.", PersoonsgegevenSoort.TELEFOONNUMMER),
        ("Geboren op 12 maart 2010.", PersoonsgegevenSoort.DATUM),
        ("Mail consulent@ocj.be.", PersoonsgegevenSoort.EMAILADRES),
        ("Dossier 85.07.31-003.28.", PersoonsgegevenSoort.RIJKSREGISTERNUMMER),
        ("Een 14-jarige uit de Westhoek.", PersoonsgegevenSoort.LEEFTIJD),
    ],
)
def test_vrijgave_geweigerd_zolang_persoonsgegevens(
    maak_overleg: Callable[..., SamenwerkingsoverlegGehoudenV2],
    salt: bytes,
    nu: dt.datetime,
    tekst: str,
    soort: PersoonsgegevenSoort,
) -> None:
    overleg = maak_overleg(teksten=(tekst,))
    signaal = Signaal.uit_kandidaat(uuid.uuid4(), overleg, overleg.kandidaat_signalen[0])
    assert signaal.persoonsgegevens() == (soort,)
    with pytest.raises(PersoonsgegevensGevonden) as fout:
        signaal.vrijgeven(salt=salt, nu=nu)
    assert isinstance(fout.value, RegelGeschonden)
    assert fout.value.veld == "tekst"
    assert fout.value.soorten == (soort,)
    # the message names the kind of data, never the data itself
    for geheim in ("Lisa", "lisa", "Peeters", "Marc", "0470", "+32", "maart", "consulent@", "85.07", "14-jarige"):
        assert geheim not in fout.value.message
    assert signaal.status == S.CONCEPT
    assert signaal.traject_id == overleg.traject_id
    assert signaal.traject_ref is None
    assert signaal.events == []


def test_melding_noemt_alle_gevonden_soorten(
    maak_overleg: Callable[..., SamenwerkingsoverlegGehoudenV2], salt: bytes, nu: dt.datetime
) -> None:
    overleg = maak_overleg(teksten=("Lisa: 0470 12 34 56",))
    signaal = Signaal.uit_kandidaat(uuid.uuid4(), overleg, overleg.kandidaat_signalen[0])
    with pytest.raises(PersoonsgegevensGevonden) as fout:
        signaal.vrijgeven(salt=salt, nu=nu)
    assert fout.value.message == (
        "the text still contains personal data: a person's name, a phone number; "
        "remove it before release"
    )


@pytest.mark.parametrize("tekst", ["", "   "])
def test_lege_tekst_wordt_niet_vrijgegeven(
    maak_overleg: Callable[..., SamenwerkingsoverlegGehoudenV2], salt: bytes, nu: dt.datetime, tekst: str
) -> None:
    overleg = maak_overleg()
    signaal = Signaal.uit_kandidaat(uuid.uuid4(), overleg, overleg.kandidaat_signalen[0])
    signaal.bewerk(tekst=tekst)
    with pytest.raises(RegelGeschonden) as fout:
        signaal.vrijgeven(salt=salt, nu=nu)
    assert fout.value.veld == "tekst"
    assert signaal.status == S.CONCEPT


def test_bewerken_en_dan_vrijgeven(
    maak_overleg: Callable[..., SamenwerkingsoverlegGehoudenV2], salt: bytes, nu: dt.datetime
) -> None:
    overleg = maak_overleg(teksten=("Lisa (0470 12 34 56) wacht al maanden op een plaats.",))
    signaal = Signaal.uit_kandidaat(uuid.uuid4(), overleg, overleg.kandidaat_signalen[0])
    signaal.bewerk(
        tekst="  De jongere wacht al maanden op een plaats.  ",
        levensdomeinen=["wonen", "school", "wonen"],
        sectoren=[Sector.BJB, Sector.VAPH],
    )
    signaal.vrijgeven(salt=salt, nu=nu)

    assert signaal.status == S.VRIJGEGEVEN
    assert signaal.vrijgegeven_op == nu
    assert signaal.traject_sleutel == traject_ref(overleg.traject_id, salt)
    assert signaal.traject_ref == signaal_ref(signaal.signaal_id, salt)
    # data minimisation: the micro identifiers are dropped at release
    assert signaal.traject_id is None
    assert signaal.identificerend is None

    [ev] = signaal.neem_events()
    assert signaal.events == []
    assert isinstance(ev, SignaalVrijgegeven)
    assert ev.signaal_id == signaal.signaal_id
    assert ev.tekst == "De jongere wacht al maanden op een plaats."
    assert ev.soort == SignaalSoort.KNELPUNT
    assert ev.bron_overleg_soort == OverlegSoort.SAMENWERKINGSOVERLEG_EINDE
    assert ev.levensdomeinen == ["wonen", "school"]
    assert ev.sectoren == [Sector.BJB, Sector.VAPH]
    assert ev.occurred_at == nu
    assert ev.privacy == PrivacyClass.A
    assert ev.topic == topics.SIGNALERING_MESO


def test_vrijgegeven_event_draagt_hash_en_nooit_het_traject_id(
    maak_overleg: Callable[..., SamenwerkingsoverlegGehoudenV2], salt: bytes, nu: dt.datetime
) -> None:
    traject_id = uuid.UUID("12345678-1234-4234-8234-123456789abc")
    overleg = maak_overleg(traject_id)
    signaal = Signaal.uit_kandidaat(uuid.uuid4(), overleg, overleg.kandidaat_signalen[0])
    signaal.vrijgeven(salt=salt, nu=nu)
    [ev] = signaal.events
    sleutel = hmac.new(salt, str(traject_id).encode(), hashlib.sha256).hexdigest()
    assert ev.traject_ref == hmac.new(salt, f"signaal\x1f{signaal.signaal_id}".encode(), hashlib.sha256).hexdigest()
    assert sleutel not in ev.model_dump_json()  # the traject's key is never published
    assert len(ev.traject_ref) == 64
    body = ev.model_dump_json(by_alias=True)
    assert str(traject_id) not in body
    assert traject_id.hex not in body
    assert "trajectId" not in body and "traject_id" not in body
    assert salt.decode() not in body


def test_zelfde_traject_zelfde_hash_ander_salt_andere_hash(
    vrijgegeven_signaal: Callable[..., Signaal], salt: bytes
) -> None:
    traject_id = uuid.uuid4()
    a = vrijgegeven_signaal(traject_id)
    b = vrijgegeven_signaal(traject_id)
    c = vrijgegeven_signaal(uuid.uuid4())
    d = vrijgegeven_signaal(traject_id, salt=ANDER_SALT)
    assert a.signaal_id != b.signaal_id
    # within one theme the same traject has the same ref (distinct trajecten can be counted) …
    thema_x, thema_y = uuid.uuid4(), uuid.uuid4()
    assert a.ref_voor_thema(thema_x) == b.ref_voor_thema(thema_x)
    assert a.ref_voor_thema(thema_x) != c.ref_voor_thema(thema_x)
    assert a.ref_voor_thema(thema_x) != d.ref_voor_thema(thema_x)
    # … but across themes, and in the published events, one child's signals cannot be grouped
    assert a.ref_voor_thema(thema_x) != a.ref_voor_thema(thema_y)
    assert len({a.traject_ref, b.traject_ref, a.ref_voor_thema(thema_x), a.ref_voor_thema(thema_y)}) == 4


def test_traject_ref_vraagt_een_voldoende_lang_salt() -> None:
    with pytest.raises(ValueError):
        traject_ref(uuid.uuid4(), b"kort")
    with pytest.raises(TypeError):
        traject_ref(uuid.uuid4(), "string-is-geen-bytes-0123456789")  # type: ignore[arg-type]


def test_bron_ref_is_de_traject_ref_van_de_uuid5_van_soort_en_id(salt: bytes) -> None:
    # The report read model's refs (stored rows): the same values as traject_ref(uuid.uuid5(...)), for many ids.
    for soort in ("aanmelding", "traject"):
        for _ in range(500):
            id_ = uuid.uuid4()
            verwacht = traject_ref(uuid.uuid5(uuid.NAMESPACE_URL, f"jeugdhulp:{soort}:{id_}"), salt)
            assert bron_ref(soort, id_, salt) == verwacht
    assert bron_ref("aanmelding", id_, salt) != bron_ref("traject", id_, salt)
    with pytest.raises(ValueError):
        bron_ref("traject", id_, b"kort")


def test_nu_moet_tijdzone_hebben(maak_overleg: Callable[..., SamenwerkingsoverlegGehoudenV2], salt: bytes) -> None:
    overleg = maak_overleg()
    signaal = Signaal.uit_kandidaat(uuid.uuid4(), overleg, overleg.kandidaat_signalen[0])
    with pytest.raises(ValueError):
        signaal.vrijgeven(salt=salt, nu=dt.datetime(2024, 6, 1, 10, 0))


# --------------------------------------------------------------------------- linking


def test_koppelen_voegt_themas_toe_zonder_dubbels(vrijgegeven_signaal: Callable[..., Signaal]) -> None:
    signaal = vrijgegeven_signaal()
    t1, t2 = uuid.uuid4(), uuid.uuid4()
    assert signaal.koppel([t1, t1]) == [t1]
    assert signaal.status == S.GEKOPPELD
    assert signaal.koppel([t1, t2]) == [t2]
    assert signaal.thema_ids == [t1, t2]
    assert signaal.events == []  # linking is visible through the themes' events


def test_koppelen_aan_geen_enkel_thema_geweigerd(vrijgegeven_signaal: Callable[..., Signaal]) -> None:
    signaal = vrijgegeven_signaal()
    with pytest.raises(RegelGeschonden) as fout:
        signaal.koppel([])
    assert fout.value.veld == "themaIds"
    assert signaal.status == S.VRIJGEGEVEN


def test_vrijgave_geweigerd_bij_een_naam_in_levensdomeinen() -> None:
    from signalering.domain.signaal import PersoonsgegevensGevonden

    signaal = Signaal(
        signaal_id=uuid.uuid4(), soort=SignaalSoort.DREMPEL, bron_overleg_soort=OverlegSoort.SAMENWERKINGSOVERLEG_EINDE,
        tekst="Lange wachttijd voor crisisopvang.", traject_id=uuid.uuid4(),
    )
    signaal.bewerk(levensdomeinen=["Onderwijs", "Wonen bij oma Rita in Poperinge"])
    with pytest.raises(PersoonsgegevensGevonden) as fout:
        signaal.vrijgeven(salt=b"s" * 32, nu=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
    assert fout.value.veld == "levensdomeinen" and "Rita" not in fout.value.message
    signaal.bewerk(levensdomeinen=["Onderwijs", "Wonen"])
    signaal.vrijgeven(salt=b"s" * 32, nu=dt.datetime(2024, 5, 1, tzinfo=dt.UTC))
