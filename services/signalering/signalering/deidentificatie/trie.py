"""A compact, read-only stand-in for docdeid's ``LookupTrie`` (deduce's multi-token lookup lists: first names,
surnames, places, hospitals, institutions, eponymous diseases).

docdeid's trie is a Python object with a dict of children per token: the ~90 000 nodes of the lists above took
about 45 MiB of the signalering process. Here each item (a sequence of tokens) is one key of a ``marisa_trie.Trie``
(a static, succinct trie in C++, a few hundred KiB for all lists): its tokens joined and ended with a separator
that no stored token contains, so a key that is a prefix of the joined text tokens is a whole-token prefix.
The interface docdeid and deduce use is kept: ``isinstance(…, LookupTrie)``, ``matching_pipeline``,
``children.keys()`` (the first tokens, read once when an annotator is built), ``longest_matching_prefix`` and
``in``. The structure is built once, at install time (:func:`verdicht`), from deduce's own tries; it cannot be
extended afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import marisa_trie
from docdeid.ds.lookup import LookupStructure, LookupTrie

SCHEIDING = "\x1f"  # unit separator: deduce's tokenizer never puts it inside a token of a lookup list


class CompacteTrie(LookupTrie):
    """The items of a docdeid ``LookupTrie`` (after its matching pipeline) in a marisa trie."""

    def __init__(self, items: Iterable[Sequence[str]], matching_pipeline=None) -> None:  # noqa: ANN001
        LookupStructure.__init__(self, matching_pipeline)  # no per-node attributes (children, is_terminal)
        sleutels, langste, leeg = [], 0, False
        for item in items:
            if not item:
                leeg = True
                continue
            if any(not t or SCHEIDING in t for t in item):
                raise ValueError(f"a lookup item with an empty token or the separator: {list(item)!r}")
            sleutels.append(SCHEIDING.join(item) + SCHEIDING)
            langste = max(langste, len(item))
        self._trie = marisa_trie.Trie(sleutels)
        self._langste = langste
        self._leeg = leeg

    @classmethod
    def van(cls, trie: LookupTrie) -> CompacteTrie:
        """The same items and matching pipeline as a docdeid ``LookupTrie``."""

        def paden(knoop: LookupTrie, pad: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
            stapel = [(knoop, pad)]
            while stapel:
                knoop, pad = stapel.pop()
                if knoop.is_terminal:
                    yield pad
                stapel.extend((kind, (*pad, token)) for token, kind in knoop.children.items())

        return cls(paden(trie, ()), matching_pipeline=trie.matching_pipeline)

    def __len__(self) -> int:
        return len(self._trie) + self._leeg

    @property
    def children(self) -> dict[str, None]:  # type: ignore[override]
        """The first tokens of the items, as keys (docdeid reads only ``children.keys()``: its start words)."""
        return dict.fromkeys(sorted({k.split(SCHEIDING, 1)[0] for k in self._trie.iterkeys()}))

    @property
    def is_terminal(self) -> bool:  # type: ignore[override]
        return self._leeg

    def add_item(self, item: list[str]) -> None:
        raise TypeError("a CompacteTrie is built once, from all its items (see CompacteTrie.van)")

    def __contains__(self, item: list[str]) -> bool:
        if not item:
            return self._leeg
        # as docdeid's: the pipeline applies to the first token only (its child nodes have none)
        tokens = [self._apply_matching_pipeline(item[0]), *item[1:]]
        return SCHEIDING.join(tokens) + SCHEIDING in self._trie

    def longest_matching_prefix(self, item: list[str], start_i: int = 0) -> list[str] | None:
        """As docdeid's: the longest item that the tokens from ``start_i`` on begin with (after the matching
        pipeline), or ``None``."""
        tokens = [self._apply_matching_pipeline(t) for t in item[start_i : start_i + self._langste]]
        if not tokens:
            return None
        lengte = max((k.count(SCHEIDING) for k in self._trie.prefixes(SCHEIDING.join(tokens) + SCHEIDING)), default=0)
        return tokens[:lengte] if lengte else None
