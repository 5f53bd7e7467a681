"""Who may do what on the broker: one principal per service, per subscriber and for ops, with least privilege.

The policy is data (:func:`service_grants`, :func:`ops_grants`, :func:`subscriber_grants`), derived from the one
table of topic owners and readers in :mod:`jeugdhulp_common.topics`; :func:`apply` writes it to the broker as ACLs
(Kafka's StandardAuthorizer; everything not granted is denied). The broker's administrator principal applies it.

* a **service** writes only its own topics and its own dead-letter topic (and may create them with their
  configuration), reads only the topics its handlers consume, and uses only its own consumer group and
  transactional ids;
* **ops** reads every dead-letter topic (they hold micro data: nobody else may), writes event topics (replay of a
  dead-lettered record to its original topic, whose provenance headers it keeps), sees the services' consumer
  groups (lag) and uses its own; resetting a service's group (``ops rebuild``) is done as that service;
* a **subscriber** (e.g. ACT's integration) reads exactly the topics granted to it, never
  ``jeugdhulp.traject.micro-intern`` and never a dead-letter topic, with consumer groups named after itself.

Command line (as the broker's administrator, ``ADMIN_KAFKA_SASL_USERNAME``/``_PASSWORD`` or ``KAFKA_SASL_*``)::

    python -m jeugdhulp_common.broker_access apply                       # services' and ops' ACLs (idempotent)
    python -m jeugdhulp_common.broker_access subscriber act --preset act  # a SCRAM user + its read ACLs; prints the password once
    python -m jeugdhulp_common.broker_access subscriber erp --topic jeugdhulp.aanmelding.meso
    python -m jeugdhulp_common.broker_access show                        # the ACLs on the broker

The Kafka administration library is ``confluent-kafka`` (librdkafka): aiokafka has no ACL or SCRAM-user API.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from jeugdhulp_common import topics
from jeugdhulp_common.kafka import KafkaConfigError, KafkaConnection

SERVICES = tuple(topics.SERVICE_READS)
OPS_PRINCIPAL = "ops"
SCRAM_ITERATIONS = 8192


class AccessError(ValueError):
    """A grant that the policy forbids (e.g. micro-intern to a subscriber); the message says which."""


@dataclass(frozen=True, order=True)
class Grant:
    """One allowed (resource, pattern, operation) for one principal; host is always ``*``."""

    principal: str  # user name, without "User:"
    resource: str  # TOPIC | GROUP | TRANSACTIONAL_ID | BROKER (the cluster)
    name: str
    pattern: str  # LITERAL | PREFIXED
    operation: str  # READ | WRITE | CREATE | DESCRIBE | DESCRIBE_CONFIGS | DELETE | ...


def _grants(principal: str, resource: str, names: Iterable[str], pattern: str, operations: Iterable[str]) -> list[Grant]:
    return [Grant(principal, resource, n, pattern, op) for n in names for op in operations]


def service_grants(service: str) -> list[Grant]:
    if service not in topics.SERVICE_READS:
        raise AccessError(f"unknown service {service!r}")
    owned = topics.owned_topics(service)
    reads = topics.SERVICE_READS[service]
    out = _grants(service, "TOPIC", owned, "LITERAL", ("WRITE", "DESCRIBE", "CREATE", "DESCRIBE_CONFIGS", "ALTER_CONFIGS"))
    out += _grants(service, "TOPIC", reads, "LITERAL", ("READ", "DESCRIBE"))
    if reads:
        out += _grants(service, "GROUP", [service], "LITERAL", ("READ", "DESCRIBE"))
    out += _grants(service, "TRANSACTIONAL_ID", [f"{service}."], "PREFIXED", ("WRITE", "DESCRIBE"))
    return out


def ops_grants() -> list[Grant]:
    dlts = [topics.dead_letter_topic(s) for s in SERVICES]
    out = _grants(OPS_PRINCIPAL, "TOPIC", dlts, "LITERAL", ("READ", "DESCRIBE", "DESCRIBE_CONFIGS"))
    out += _grants(OPS_PRINCIPAL, "TOPIC", topics.EVENT_TOPICS, "LITERAL", ("WRITE", "DESCRIBE", "DESCRIBE_CONFIGS"))
    out += _grants(OPS_PRINCIPAL, "GROUP", SERVICES, "LITERAL", ("DESCRIBE",))  # lag; a rebuild runs as the service
    out += _grants(OPS_PRINCIPAL, "GROUP", [f"{OPS_PRINCIPAL}."], "PREFIXED", ("READ", "DESCRIBE", "DELETE"))
    return out


def subscriber_grants(name: str, granted_topics: Iterable[str]) -> list[Grant]:
    if name in SERVICES or name in (OPS_PRINCIPAL, "admin"):
        raise AccessError(f"{name!r} is a reserved principal name")
    wanted = sorted(set(granted_topics))
    if not wanted:
        raise AccessError("a subscriber needs at least one topic")
    for t in wanted:
        if t in topics.INTERNAL_TOPICS:
            raise AccessError(f"{t} is internal micro data: no subscriber may read it")
        if topics.is_dead_letter_topic(t):
            raise AccessError(f"{t} is a dead-letter topic: only its service and ops may read it")
        if t not in topics.EVENT_TOPICS:
            raise AccessError(f"{t} is not an event topic of this system")
    out = _grants(name, "TOPIC", wanted, "LITERAL", ("READ", "DESCRIBE"))
    out += _grants(name, "GROUP", [f"{name}."], "PREFIXED", ("READ", "DESCRIBE"))
    out += _grants(name, "GROUP", [name], "LITERAL", ("READ", "DESCRIBE"))
    return out


def system_grants() -> list[Grant]:
    return sorted([g for s in SERVICES for g in service_grants(s)] + ops_grants())


# --------------------------------------------------------------------------- applying it (I/O)


def _admin(conn: KafkaConnection):
    from confluent_kafka.admin import AdminClient

    return AdminClient(conn.librdkafka_config())


def _binding(g: Grant):
    from confluent_kafka.admin import AclBinding, AclOperation, AclPermissionType, ResourcePatternType, ResourceType

    name = "kafka-cluster" if g.resource == "BROKER" else g.name
    return AclBinding(
        ResourceType[g.resource], name, ResourcePatternType[g.pattern], f"User:{g.principal}", "*",
        AclOperation[g.operation], AclPermissionType.ALLOW,
    )


def apply(conn: KafkaConnection, grants: Iterable[Grant], *, timeout: float = 30) -> int:
    """Create the ACLs (creating an existing one is a no-op). Returns how many were asked for."""
    bindings = [_binding(g) for g in grants]
    if not bindings:
        return 0
    admin = _admin(conn)  # keep the handle alive until every future has its answer
    for fut in admin.create_acls(bindings, request_timeout=timeout).values():
        fut.result()
    return len(bindings)


def upsert_scram_user(conn: KafkaConnection, user: str, password: str, *, mechanism: str = "SCRAM-SHA-512") -> None:
    from confluent_kafka.admin import ScramCredentialInfo, ScramMechanism, UserScramCredentialUpsertion

    info = ScramCredentialInfo(ScramMechanism[mechanism.replace("-", "_")], SCRAM_ITERATIONS)
    admin = _admin(conn)
    for fut in admin.alter_user_scram_credentials([UserScramCredentialUpsertion(user, info, password.encode())]).values():
        fut.result()


def create_subscriber(conn: KafkaConnection, name: str, granted_topics: Iterable[str]) -> str:
    """A SCRAM user ``name`` that may read exactly ``granted_topics``. Returns its new password (shown once)."""
    grants = subscriber_grants(name, granted_topics)
    password = secrets.token_urlsafe(24)
    upsert_scram_user(conn, name, password)
    apply(conn, grants)
    return password


def describe(conn: KafkaConnection) -> list[str]:
    from confluent_kafka.admin import AclBindingFilter, AclOperation, AclPermissionType, ResourcePatternType, ResourceType

    flt = AclBindingFilter(ResourceType.ANY, None, ResourcePatternType.ANY, None, None, AclOperation.ANY, AclPermissionType.ANY)
    admin = _admin(conn)
    bindings = admin.describe_acls(flt, request_timeout=30).result()
    return sorted(
        f"{b.principal} {b.operation.name} {b.restype.name}:{b.name} ({b.resource_pattern_type.name})" for b in bindings
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jeugdhulp_common.broker_access", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("apply", help="create the services' and ops' ACLs")
    sub.add_parser("show", help="list the ACLs on the broker")
    s = sub.add_parser("subscriber", help="create a subscriber principal that reads the given topics")
    s.add_argument("name")
    s.add_argument("--topic", action="append", default=[])
    s.add_argument("--preset", choices=sorted(topics.SUBSCRIBER_PRESETS))
    args = parser.parse_args(argv)
    try:
        conn = KafkaConnection.from_env("admin")
        if args.command == "apply":
            print(f"{apply(conn, system_grants())} ACLs in place for {', '.join(SERVICES)} and {OPS_PRINCIPAL}", file=sys.stderr)
        elif args.command == "show":
            print("\n".join(describe(conn)))
        else:
            wanted = [*args.topic, *topics.SUBSCRIBER_PRESETS.get(args.preset or "", ())]
            password = create_subscriber(conn, args.name, wanted)
            print(f"subscriber {args.name} may read: {', '.join(sorted(set(wanted)))}", file=sys.stderr)
            print(f"KAFKA_SASL_USERNAME={args.name}")
            print(f"KAFKA_SASL_PASSWORD={password}")
            print(f"(mechanism {conn.sasl_mechanism}; consumer groups must be named {args.name} or start with {args.name}.)", file=sys.stderr)
    except (AccessError, KafkaConfigError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - the broker's answer, in one line
        print(f"error: the broker refused or did not answer: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
