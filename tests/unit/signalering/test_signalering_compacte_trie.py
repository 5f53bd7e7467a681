"""The compact trie (:mod:`signalering.deidentificatie.trie`) answers exactly as docdeid's ``LookupTrie`` it
replaces, with and without a matching pipeline; the detector loads only compact tries."""

from __future__ import annotations

import docdeid as dd
import pytest
from docdeid.ds.lookup import LookupTrie
from hypothesis import given, settings
from hypothesis import strategies as st

from signalering.deidentificatie import detector
from signalering.deidentificatie.trie import SCHEIDING, CompacteTrie

WOORDEN = ["Jan", "jan", "de", "Vries", "van", "der", "Berg", "Sint", "-", "Niklaas", "Ter", "Apel", SCHEIDING, "x"]
ITEMS = [
    ["Jan"], ["de", "Vries"], ["van", "der", "Berg"], ["van", "der"], ["Sint", "-", "Niklaas"], ["Ter", "Apel"],
    ["Ter"], ["Berg"],
]  # fmt: skip


def _docdeid(items: list[list[str]], pipeline: list | None) -> LookupTrie:
    trie = LookupTrie(matching_pipeline=pipeline)
    for item in items:
        trie.add_item(item)
    return trie


@pytest.mark.parametrize("pipeline", [None, [dd.str.LowercaseString()]], ids=["exact", "lowercase"])
@given(tokens=st.lists(st.sampled_from(WOORDEN), max_size=8), start=st.integers(0, 8))
@settings(max_examples=400, deadline=None)
def test_antwoordt_als_docdeid(pipeline: list | None, tokens: list[str], start: int) -> None:
    origineel = _docdeid(ITEMS, pipeline)
    compact = CompacteTrie.van(origineel)
    assert compact.longest_matching_prefix(tokens, start_i=start) == origineel.longest_matching_prefix(tokens, start_i=start)
    assert (tokens in compact) == (tokens in origineel)


def test_startwoorden_lengte_en_pijplijn() -> None:
    origineel = _docdeid(ITEMS, [dd.str.LowercaseString()])
    compact = CompacteTrie.van(origineel)
    assert set(compact.children.keys()) == set(origineel.children.keys()) == {"jan", "de", "van", "sint", "ter", "berg"}
    assert len(compact) == len(ITEMS)
    assert compact.matching_pipeline == origineel.matching_pipeline
    assert isinstance(compact, LookupTrie)  # deduce hands it to docdeid's multi-token annotator as a trie
    assert compact.longest_matching_prefix(["JAN", "de"]) == ["jan"]
    # docdeid's pipeline reaches only the first token of a stored item ("Berg" stays), every token of a lookup
    tekst = ["Van", "der", "Berg", "x"]
    assert compact.longest_matching_prefix(tekst) == origineel.longest_matching_prefix(tekst) == ["van", "der"]


def test_leeg_item_en_onbruikbare_tokens() -> None:
    leeg = CompacteTrie.van(_docdeid([[]], None))
    assert [] in leeg and leeg.longest_matching_prefix(["x"]) is None and leeg.longest_matching_prefix([]) is None
    with pytest.raises(ValueError, match="separator"):
        CompacteTrie([["a" + SCHEIDING + "b"]])
    with pytest.raises(TypeError):
        CompacteTrie([["a"]]).add_item(["b"])


def test_de_detector_laadt_alleen_compacte_tries() -> None:
    structuren = detector()._deduce.lookup_structs
    tries = {naam: s for naam, s in structuren.items() if isinstance(s, LookupTrie)}
    assert {"first_name", "surname", "placename"} <= tries.keys()
    assert all(isinstance(s, CompacteTrie) for s in tries.values())
    assert tries["first_name"].longest_matching_prefix(["Lisa", "Peeters"]) == ["Lisa"]
