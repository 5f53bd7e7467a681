"""OpenTelemetry set-up and W3C trace-context propagation across the outbox and Kafka.

One trace runs from a partner's HTTP request to the last consumer:

    POST (server span) ── outbox row stores the request's traceparent
        └─ "<topic> publish" (producer span, started by the relay as a child of the stored context)
             └─ "<topic> process" (consumer span, child of the context in the Kafka headers)
                  └─ database spans (asyncpg instrumentation)

The aiokafka instrumentation package ends its consumer span at once and does not attach it, so we do
not use it: the relay and the consumer make their own spans. Span attributes carry ids and codes only.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping, Sequence

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased, Sampler, TraceIdRatioBased
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind, StatusCode
from starlette.types import ASGIApp, Receive, Scope, Send

from jeugdhulp_common.asgi import ResponseStatus

TRACER_NAME = "jeugdhulp"
_TRACE_HEADERS = ("traceparent", "tracestate")


_tracer: tuple[object, trace.Tracer] | None = None


def tracer() -> trace.Tracer:
    """The project's tracer, made once per tracer provider (``get_tracer`` builds a new one at every call: a consumer asks
    for it per record)."""
    global _tracer  # noqa: PLW0603
    provider = trace.get_tracer_provider()
    if _tracer is None or _tracer[0] is not provider:
        _tracer = (provider, provider.get_tracer(TRACER_NAME))
    return _tracer[1]


class JsonLinesFileExporter(SpanExporter):
    """Appends one JSON object per finished span to a file (several processes may share it)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = []
        for s in spans:
            ctx = s.get_span_context()
            lines.append(
                json.dumps(
                    {
                        "name": s.name,
                        "kind": s.kind.name,
                        "service": s.resource.attributes.get("service.name"),
                        "trace_id": format(ctx.trace_id, "032x"),
                        "span_id": format(ctx.span_id, "016x"),
                        "parent_span_id": format(s.parent.span_id, "016x") if s.parent else None,
                        "start": s.start_time,
                        "end": s.end_time,
                        "status": s.status.status_code.name,
                        "attributes": {k: v if isinstance(v, (str, int, float, bool)) else list(v) for k, v in (s.attributes or {}).items()},
                    }
                )
            )
        data = ("\n".join(lines) + "\n").encode()
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:  # nothing to release
        pass


def sampler(ratio: float) -> Sampler:
    """Parent-based: a span whose parent (the HTTP caller, the outbox row, the Kafka headers) was sampled is sampled,
    one whose parent was not is not, so a trace is kept whole or not at all; a new trace is kept with ``ratio``."""
    return ParentBased(root=TraceIdRatioBased(ratio))


def setup_tracing(service_name: str, *, otlp_endpoint: str | None, trace_file: str | None, sample_ratio: float = 1.0) -> TracerProvider:
    """Install the global tracer provider. Spans go to OTLP/HTTP and/or a JSON-lines file when configured;
    ``sample_ratio`` (``JH_TRACE_SAMPLE_RATIO``) is the share of new traces kept (see :func:`sampler`).

    With no exporter configured nothing is recorded (there is no-one to hand a span to): every span is a non-recording
    one that still carries its trace context, so the audit rows, logs and outbox rows keep their trace id, marked as
    not sampled."""
    exporting = bool(otlp_endpoint or trace_file)
    provider = TracerProvider(
        resource=Resource.create({"service.name": service_name}), sampler=sampler(sample_ratio) if exporting else ALWAYS_OFF
    )
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_endpoint.rstrip("/") + "/v1/traces")))
    if trace_file:
        # Synchronous on purpose: a test may SIGKILL the process and must still find the spans it ended.
        provider.add_span_processor(SimpleSpanProcessor(JsonLinesFileExporter(trace_file)))
    trace.set_tracer_provider(provider)
    return provider


def instrument_asyncpg() -> None:
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    instr = AsyncPGInstrumentor()
    if not instr.is_instrumented_by_opentelemetry:
        instr.instrument()  # records the SQL text with $n placeholders, never parameter values


class ServerSpans:
    """ASGI middleware: one SERVER span per HTTP request, named ``<METHOD> <route template>`` (``POST /aanmeldingen``),
    the child of the caller's ``traceparent`` if it sent one, current while the request is handled (the outbox rows,
    the audit rows and the logs take its context). Attributes: method, route template and status code only (never a
    path with ids in it, a query string or a header value). Exceptions are not recorded on the span (their messages may
    carry personal data); a 5xx answer marks it as an error.

    It replaces the OpenTelemetry FastAPI/ASGI instrumentation, which costs several times as much per request
    (semantic-convention variants, duration histograms, a span per ``receive``/``send`` unless excluded).
    """

    def __init__(self, app: ASGIApp, *, excluded_paths: frozenset[str] = frozenset({"/health", "/ready", "/metrics"})) -> None:
        self.app = app
        self.excluded_paths = excluded_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.excluded_paths:
            await self.app(scope, receive, send)
            return
        carrier = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"] if name in _TRACE_HEADER_BYTES}
        method = scope["method"]
        sent = ResponseStatus(send)
        with tracer().start_as_current_span(
            method, context=context_from(carrier) if carrier else None, kind=SpanKind.SERVER, record_exception=False
        ) as span:
            try:
                await self.app(scope, receive, sent)
            finally:
                status = sent.status
                if span.is_recording():
                    route = getattr(scope.get("route"), "path", None)
                    attributes: dict[str, str | int] = {"http.request.method": method}
                    if route is not None:
                        span.update_name(f"{method} {route}")
                        attributes["http.route"] = route
                    if status:
                        attributes["http.response.status_code"] = status
                    span.set_attributes(attributes)
                    if status >= 500:
                        span.set_status(StatusCode.ERROR)


_TRACE_HEADER_BYTES = frozenset(h.encode() for h in _TRACE_HEADERS)


def current_carrier() -> dict[str, str]:
    """The W3C trace context of the current span, as headers."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return {k: v for k, v in carrier.items() if k in _TRACE_HEADERS}


def context_from(carrier: Mapping[str, str]) -> otel_context.Context:
    return propagate.extract({k: v for k, v in carrier.items() if k in _TRACE_HEADERS})


_recording: tuple[object, bool] | None = None


def recording() -> bool:
    """Whether this process records spans at all: False when the installed tracer provider samples nothing (no exporter
    configured, see :func:`setup_tracing`) or is no SDK provider; then every span is a non-recording one."""
    global _recording  # noqa: PLW0603
    provider = trace.get_tracer_provider()
    if _recording is None or _recording[0] is not provider:
        _recording = (provider, isinstance(provider, TracerProvider) and provider.sampler is not ALWAYS_OFF)
    return _recording[1]


_SAMPLED_FLAG_DIGITS = frozenset("13579bdfBDF")


def sampled_context(carrier: Mapping[str, str]) -> otel_context.Context | None:
    """The trace context in ``carrier`` (message headers) when it is sampled, else None. The flags are read from the
    ``traceparent`` text first, so a record without a sampled context costs no extraction."""
    traceparent = carrier.get("traceparent")
    if not traceparent or traceparent[-1] not in _SAMPLED_FLAG_DIGITS:
        return None
    context = context_from(carrier)
    return context if trace.get_current_span(context).get_span_context().trace_flags.sampled else None


def strip_trace_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k not in _TRACE_HEADERS}
