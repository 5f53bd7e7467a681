"""A revoked key is refused at once by a running service: the revocation's NOTIFY evicts the cached credential
(the listener runs in the service process). The rest of the auth matrix runs in the middle tier:
tests/middle/test_aanmelding_auth_api.py."""

from __future__ import annotations

from aanmelding_helpers import ORG_A, assert_problem, auth, sleutel
from jeugdhulp_common.auth import Toegangsrol, revoke_credential, parse_key
import support


async def test_a_revoked_key_is_401(client, sleutels) -> None:
    key = await sleutel(ORG_A, Toegangsrol.PARTNER)
    for _ in range(2):  # the second one may be answered from the process's credential cache
        assert (await client.get("/aanmeldingen", headers=auth(key))).status_code == 200
    cred_id, _ = parse_key(key)
    await revoke_credential({"aanmelding": support.database_url("aanmelding")}, cred_id)

    async def refused() -> bool:
        return (await client.get("/aanmeldingen", headers=auth(key))).status_code == 401

    # The revocation's NOTIFY evicts the cached credential at once; far sooner than the cache's lifetime (10 s).
    await support.wait_for(refused, timeout=2, interval=0.05, what="the revoked key refused")
    assert_problem(await client.get("/aanmeldingen", headers=auth(key)), 401)
