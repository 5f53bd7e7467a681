"""Pure parts of libs/common: error classification, settings, JSON logs."""

from __future__ import annotations

import json
import logging

import asyncpg
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from sqlalchemy.exc import IntegrityError, OperationalError

from jeugdhulp_common.errors import is_transient, sqlstate
from jeugdhulp_common.logging import JsonFormatter
from jeugdhulp_common.settings import CommonSettings, load_settings


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    "exc, transient",
    [
        (ConnectionRefusedError(), True),
        (TimeoutError(), True),
        (OperationalError("SELECT 1", {}, Exception("gone")), True),
        (IntegrityError("INSERT", {}, _PgError("23505")), False),
        (IntegrityError("INSERT", {}, _PgError("40001")), True),  # serialization failure
        (IntegrityError("INSERT", {}, _PgError("40P01")), True),  # deadlock
        (ValueError("bug"), False),
        (KeyError("x"), False),
        (asyncpg.InterfaceError("connection is closed"), True),  # a statement on a lost driver connection
        (asyncpg.InterfaceError("cannot perform operation: another operation is in progress"), False),  # a bug
    ],
)
def test_is_transient(exc: BaseException, transient: bool) -> None:
    assert is_transient(exc) is transient


def test_is_transient_follows_the_cause_chain() -> None:
    try:
        try:
            raise ConnectionResetError()
        except ConnectionResetError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert is_transient(outer)


def test_settings_from_environment_with_service_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAJECT_DATABASE_URL", "postgresql+asyncpg://u:p@h:1/traject")
    monkeypatch.setenv("AANMELDING_DATABASE_URL", "postgresql+asyncpg://u:p@h:1/aanmelding")
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1234")
    monkeypatch.setenv("JH_CONSUMER_MAX_ATTEMPTS", "7")
    s = load_settings(CommonSettings, "traject")
    assert s.database_url.endswith("/traject")
    assert s.kafka_bootstrap_servers == "127.0.0.1:1234"
    assert s.consumer_max_attempts == 7
    assert s.service_name == "traject"


def test_settings_without_database_url_fail_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNALERING_DATABASE_URL", raising=False)
    with pytest.raises(Exception, match="database_url"):
        load_settings(CommonSettings, "signalering")


def test_json_log_line_carries_trace_id_and_extras() -> None:
    provider = TracerProvider()
    tracer = provider.get_tracer("t")
    fmt = JsonFormatter("aanmelding")
    with tracer.start_as_current_span("s") as span:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "relay batch %s", ("ok",), None)
        record.event_id = "e-1"
        line = json.loads(fmt.format(record))
    assert line["msg"] == "relay batch ok"
    assert line["service"] == "aanmelding"
    assert line["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert line["event_id"] == "e-1"
    assert trace.get_current_span().get_span_context().is_valid is False


def test_logged_exceptions_carry_type_and_frames_but_not_their_message() -> None:
    fmt = JsonFormatter("traject")
    try:
        try:
            raise ValueError("jongere Jan Peeters, 14 jaar")
        except ValueError as inner:
            raise RuntimeError("wrapped: Jan Peeters") from inner
    except RuntimeError as exc:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "unhandled error", (), (RuntimeError, exc, exc.__traceback__))
    line = json.loads(fmt.format(record))
    assert line["exc_type"] == "RuntimeError"
    assert "builtins.ValueError" in line["exc_stack"] and "test_infra_pieces.py" in line["exc_stack"]
    assert "Peeters" not in json.dumps(line)


def test_sampled_context_only_for_a_sampled_well_formed_traceparent() -> None:
    from jeugdhulp_common.tracing import sampled_context

    trace_id, span_id = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    context = sampled_context({"traceparent": f"00-{trace_id}-{span_id}-01", "ce_id": "x"})
    assert context is not None
    parent = trace.get_current_span(context).get_span_context()
    assert (format(parent.trace_id, "032x"), format(parent.span_id, "016x")) == (trace_id, span_id) and parent.is_remote
    assert sampled_context({"traceparent": f"00-{trace_id}-{span_id}-00"}) is None  # not sampled: not even extracted
    assert sampled_context({"traceparent": f"00-{'0' * 32}-{span_id}-01"}) is None  # invalid trace id
    assert sampled_context({"traceparent": "garbage-1"}) is None
    assert sampled_context({}) is None


def test_recording_follows_the_installed_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

    from jeugdhulp_common import tracing

    monkeypatch.setattr(trace, "get_tracer_provider", lambda: TracerProvider(sampler=ALWAYS_OFF))
    assert tracing.recording() is False  # no exporter configured: setup_tracing samples nothing
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: TracerProvider())
    assert tracing.recording() is True
    monkeypatch.setattr(trace, "get_tracer_provider", lambda: trace.NoOpTracerProvider())
    assert tracing.recording() is False


def _wrapped_by_the_adapter(code: str) -> IntegrityError:
    """As SQLAlchemy's asyncpg adapter raises it: its own error (no SQLSTATE of its own) from the driver's."""
    adapted = Exception("adapted")
    adapted.__cause__ = _PgError(code)
    return IntegrityError("INSERT", {}, adapted)


@pytest.mark.parametrize(
    "exc, code",
    [
        (_PgError("55P03"), "55P03"),  # the driver's own, on a statement sent straight on it
        (IntegrityError("INSERT", {}, _PgError("23505")), "23505"),  # wrapped by SQLAlchemy
        (_wrapped_by_the_adapter("40001"), "40001"),
        (ValueError("not the database's"), None),
    ],
)
def test_sqlstate_is_found_wherever_the_database_error_sits(exc: BaseException, code: str | None) -> None:
    assert sqlstate(exc) == code
