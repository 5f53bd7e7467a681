"""The per-process cache of verified API keys (jeugdhulp_common.auth.CredentialCache): used only while the
notification listener is connected, evicted by a revocation's notification, never filled by a lookup that raced
with an eviction."""

from __future__ import annotations

import uuid

from jeugdhulp_common.auth import CredentialCache, Principal, Toegangsrol
from jeugdhulp_common.notify import CREDENTIAL_CHANNEL, Listener

CRED = uuid.uuid4()
PRINCIPAL = Principal(CRED, "VOT", frozenset({Toegangsrol.PARTNER}))


def connected_cache(ttl: float = 10) -> tuple[CredentialCache, Listener]:
    cache = CredentialCache(ttl)
    listener = Listener("postgresql+asyncpg://u:p@127.0.0.1:1/db")
    cache.attach(listener)
    listener._set_connected(True)
    return cache, listener


def notify(listener: Listener, payload: str) -> None:
    for cb in listener._callbacks[CREDENTIAL_CHANNEL]:
        cb(payload)


def test_a_verified_key_is_served_from_the_cache_with_the_same_secret_only() -> None:
    cache, _ = connected_cache()
    cache.put(CRED, "digest", PRINCIPAL, generation=cache.generation)
    assert cache.get(CRED, "digest") == PRINCIPAL
    assert cache.get(CRED, "another digest") is None
    assert cache.get(uuid.uuid4(), "digest") is None


def test_nothing_is_cached_while_the_listener_is_not_connected() -> None:
    cache = CredentialCache(10)
    cache.put(CRED, "digest", PRINCIPAL, generation=cache.generation)
    assert cache.get(CRED, "digest") is None


def test_a_disconnect_empties_and_disables_the_cache() -> None:
    cache, listener = connected_cache()
    cache.put(CRED, "digest", PRINCIPAL, generation=cache.generation)
    listener._set_connected(False)
    assert cache.get(CRED, "digest") is None
    listener._set_connected(True)  # notifications sent meanwhile are lost: it starts empty
    assert cache.get(CRED, "digest") is None


def test_a_revocation_notification_evicts_the_credential() -> None:
    cache, listener = connected_cache()
    other = uuid.uuid4()
    cache.put(CRED, "digest", PRINCIPAL, generation=cache.generation)
    cache.put(other, "d2", PRINCIPAL, generation=cache.generation)
    notify(listener, str(CRED))
    assert cache.get(CRED, "digest") is None
    assert cache.get(other, "d2") == PRINCIPAL


def test_a_lookup_that_raced_with_a_revocation_is_not_cached() -> None:
    cache, listener = connected_cache()
    generation = cache.generation  # taken before the database lookup
    notify(listener, str(CRED))  # the revocation commits while the lookup is in flight
    cache.put(CRED, "digest", PRINCIPAL, generation=generation)
    assert cache.get(CRED, "digest") is None


def test_entries_expire_and_ttl_zero_disables_the_cache() -> None:
    cache, _ = connected_cache(ttl=0.0)
    cache.put(CRED, "digest", PRINCIPAL, generation=cache.generation)
    assert cache.get(CRED, "digest") is None
    cache, _ = connected_cache(ttl=10)
    cache.put(CRED, "digest", PRINCIPAL, generation=cache.generation)
    cache._entries[CRED] = (*cache._entries[CRED][:2], 0.0)  # expired
    assert cache.get(CRED, "digest") is None


def test_the_cache_is_bounded() -> None:
    cache, _ = connected_cache()
    cache.max_entries = 3
    for _ in range(10):
        cache.put(uuid.uuid4(), "d", PRINCIPAL, generation=cache.generation)
    assert len(cache._entries) <= 3
