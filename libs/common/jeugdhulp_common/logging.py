"""JSON logs on stderr, each line carrying the current trace and span id.

Log ids and codes only: never names, free text about a child, or request bodies (domain guide §9 rule 6).
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback

from opentelemetry import trace

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys()) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        ctx = trace.get_current_span().get_span_context()
        if ctx.is_valid:
            out["trace_id"] = format(ctx.trace_id, "032x")
            out["span_id"] = format(ctx.span_id, "016x")
        for k, v in vars(record).items():
            if k not in _RESERVED and not k.startswith("_"):
                out[k] = v if isinstance(v, (str, int, float, bool, type(None))) else str(v)
        if record.exc_info and record.exc_info[1] is not None:
            out["exc_type"] = type(record.exc_info[1]).__name__
            out["exc_stack"] = stack_without_messages(record.exc_info[1])
        return json.dumps(out, ensure_ascii=False)


def stack_without_messages(exc: BaseException) -> str:
    """The exception chain as types and frames only: messages may carry bound values (personal data)."""
    parts: list[str] = []
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        frames = traceback.extract_tb(e.__traceback__)
        parts.append(f"{type(e).__module__}.{type(e).__qualname__}")
        parts.extend(f"  {f.filename}:{f.lineno} in {f.name}" for f in frames)
        e = e.__cause__ or e.__context__
    return "\n".join(parts)


def setup_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "kafka"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # uvicorn's access log prints query strings; we log requests ourselves without them.
    logging.getLogger("uvicorn.access").disabled = True
