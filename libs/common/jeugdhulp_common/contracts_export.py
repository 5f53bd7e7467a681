"""Write the committed contracts folder: one JSON Schema per event type and version, and an AsyncAPI 3.0 document.

    python -m jeugdhulp_common.contracts_export contracts/      (make contracts)

A unit test fails when the committed files differ from what the code declares.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jeugdhulp_common.contracts  # noqa: F401 - registers every event type
from jeugdhulp_common.events import REGISTRY, SPECVERSION, Event

def schema_file_name(cls: type[Event]) -> str:
    return f"{cls.event_type}.v{cls.schema_version}.schema.json"


def event_schema(cls: type[Event]) -> dict:
    schema = cls.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = schema_file_name(cls)
    schema["x-cloudevents-type"] = cls.event_type
    schema["x-schema-version"] = cls.schema_version
    schema["x-topic"] = cls.topic
    schema["x-privacy-class"] = cls.privacy.value
    schema["x-key"] = cls.model_fields[cls.key_field].alias or cls.key_field
    return schema


def asyncapi() -> dict:
    channels: dict[str, dict] = {}
    operations: dict[str, dict] = {}
    messages: dict[str, dict] = {}
    for cls in REGISTRY.all():
        name = f"{cls.__name__}V{cls.schema_version}"
        messages[name] = {
            "name": cls.__name__,
            "title": cls.__name__,
            "summary": (cls.__doc__ or "").strip().split("\n")[0] or cls.__name__,
            "contentType": "application/json",
            "headers": {
                "type": "object",
                "properties": {
                    "ce_specversion": {"const": SPECVERSION},
                    "ce_type": {"const": cls.event_type},
                    "ce_schemaversion": {"const": str(cls.schema_version)},
                    "ce_privacyclass": {"const": cls.privacy.value},
                    "ce_id": {"type": "string", "format": "uuid"},
                    "ce_source": {"const": f"/jeugdhulp/{cls.producer}"},
                    "ce_time": {"type": "string", "format": "date-time"},
                    "ce_subject": {"type": "string", "description": "the aggregate id (also the Kafka key)"},
                    "traceparent": {"type": "string", "description": "W3C trace context"},
                },
            },
            "payload": {"$ref": schema_file_name(cls)},
            "bindings": {"kafka": {"key": {"type": "string", "description": f"{cls.key_field} (aggregate id)"}}},
        }
        ch = channels.setdefault(cls.topic, {"address": cls.topic, "messages": {}})
        ch["messages"][name] = {"$ref": f"#/components/messages/{name}"}
    for topic, ch in channels.items():
        producers = sorted({c.producer for c in REGISTRY.on_topic(topic)})
        for producer in producers:
            operations[f"{producer}.send.{topic}"] = {
                "action": "send",
                "channel": {"$ref": f"#/channels/{topic}"},
                "messages": [{"$ref": f"#/channels/{topic}/messages/{m}"} for m in ch["messages"]],
            }
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "jeugdhulp procesflow events", "version": "1.0.0", "description": "Events between the aanmelding, traject and signalering services (domain guide §10)."},
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def render() -> dict[str, str]:
    """File name -> content of the whole contracts folder."""
    files = {schema_file_name(c): json.dumps(event_schema(c), indent=2, ensure_ascii=False) + "\n" for c in REGISTRY.all()}
    files["asyncapi.json"] = json.dumps(asyncapi(), indent=2, ensure_ascii=False) + "\n"
    return files


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "contracts")
    out.mkdir(parents=True, exist_ok=True)
    files = render()
    for stale in out.glob("*.json"):
        if stale.name not in files:
            stale.unlink()
    for name, content in files.items():
        (out / name).write_text(content)
    print(f"wrote {len(files)} files to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
