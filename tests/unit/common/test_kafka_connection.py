"""KafkaConnection: settings from the environment, per-process principals, clear errors."""

from __future__ import annotations

import ssl
import uuid

import pytest
from aiokafka.partitioner import DefaultPartitioner
from hypothesis import given
from hypothesis import strategies as st

from jeugdhulp_common.kafka import KafkaConfigError, KafkaConnection, key_partitioner
from jeugdhulp_common.settings import CommonSettings, load_settings


def test_a_process_uses_its_own_principal_before_the_shared_one(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"KAFKA_BOOTSTRAP_SERVERS": "k:9093", "KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "KAFKA_SASL_USERNAME": "shared",
           "KAFKA_SASL_PASSWORD": "s", "TRAJECT_KAFKA_SASL_USERNAME": "traject", "TRAJECT_KAFKA_SASL_PASSWORD": "t"}
    assert KafkaConnection.from_env("traject", env).principal == "traject"
    assert KafkaConnection.from_env("ops", env).principal == "shared"
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("KAFKA_SSL_CAFILE", raising=False)  # the test stack's, when run under make test
    monkeypatch.setenv("TRAJECT_DATABASE_URL", "postgresql+asyncpg://x/y")
    conn = load_settings(CommonSettings, "traject").kafka
    assert (conn.security_protocol, conn.sasl_username, conn.sasl_password) == ("SASL_SSL", "traject", "t")


def test_options_for_sasl_ssl_verify_the_broker() -> None:
    conn = KafkaConnection("k:9093", "SASL_SSL", "SCRAM-SHA-512", "u", "p")
    opts = conn.options()
    assert opts["sasl_mechanism"] == "SCRAM-SHA-512" and opts["sasl_plain_username"] == "u"
    ctx: ssl.SSLContext = opts["ssl_context"]
    assert ctx.verify_mode == ssl.CERT_REQUIRED and ctx.check_hostname
    assert conn.librdkafka_config()["ssl.endpoint.identification.algorithm"] == "https"


def test_plaintext_has_no_security_options() -> None:
    assert KafkaConnection("k:9092").options() == {"bootstrap_servers": "k:9092", "security_protocol": "PLAINTEXT"}


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"security_protocol": "TLS"}, "KAFKA_SECURITY_PROTOCOL"),
        ({"security_protocol": "SASL_SSL"}, "KAFKA_SASL_USERNAME"),
        ({"security_protocol": "SASL_SSL", "sasl_username": "u", "sasl_password": "p", "sasl_mechanism": "GSSAPI"}, "KAFKA_SASL_MECHANISM"),
        ({"security_protocol": "SSL", "ssl_cafile": "/nonexistent/ca.crt"}, "KAFKA_SSL_CAFILE"),
    ],
)
def test_bad_settings_name_the_variable(kwargs: dict, names: str) -> None:
    with pytest.raises(KafkaConfigError, match=names):
        KafkaConnection("k:9093", **kwargs)


@given(st.binary(max_size=80), st.integers(min_value=1, max_value=64))
def test_the_key_partitioner_picks_the_partition_aiokafkas_default_picks(key: bytes, n: int) -> None:
    parts = list(range(n))
    assert key_partitioner(key, parts, parts) == key_partitioner(key, parts, parts) == DefaultPartitioner()(key, parts, parts)


async def test_every_producer_partitions_keys_as_the_default_and_a_keyless_record_goes_to_an_available_partition() -> None:
    conn = KafkaConnection("k:9093", "PLAINTEXT", "SCRAM-SHA-512", None, None)
    assert conn.producer()._partitioner is key_partitioner  # noqa: SLF001
    for _ in range(200):
        key = str(uuid.uuid4()).encode()
        assert key_partitioner(key, [0, 1, 2], [1]) == DefaultPartitioner()(key, [0, 1, 2], [1])
    assert {key_partitioner(None, [0, 1, 2], [1]) for _ in range(20)} == {1}
