#!/usr/bin/env python3
"""Local infrastructure for the jeugdhulp services: real Apache Kafka and Postgres, no Docker.

Kafka runs as a single KRaft node (broker + controller) from the jars on Maven Central,
with the machine's Java 17+. Its client listener speaks SASL_SSL only (SCRAM-SHA-512 users made
at storage format, a certificate authority made with openssl in the state dir) and every
principal gets least-privilege ACLs (jeugdhulp_common.broker_access) after each start. Postgres runs from Debian's ``postgresql`` package, as a
private cluster inside the state directory. Python 3.11 standard library only.

Usage (from the repository root):

    python3 scripts/devstack.py up              start Kafka and Postgres (idempotent), print exports
    python3 scripts/devstack.py down            stop both (fine if they are not running)
    python3 scripts/devstack.py status          show what runs where (exit 0 only if both run)
    python3 scripts/devstack.py env             print ``export KEY=VALUE`` lines for the services
    python3 scripts/devstack.py broker-version  ask the running broker its version over JMX
    python3 scripts/devstack.py restart-kafka   stop and start only Kafka (fault injection)
    python3 scripts/devstack.py restart-postgres
    python3 scripts/devstack.py test [--keep] -- CMD ...
        throwaway stack on free ports in a temporary state dir; runs CMD with the env
        exported (plus JH_STATE_DIR), always tears down, exits with CMD's exit code
    .venv/bin/python scripts/devstack.py run
        ``up``, then ``migrate`` and ``serve`` each service until Ctrl-C; service output goes
        to <state>/logs/<service>.log and, prefixed with the service name, to the terminal.
        Ctrl-C stops the services, and Kafka and Postgres too if ``run`` started them
        (infrastructure already up from ``up`` keeps running until ``down``).

Every command except ``test`` takes ``--state-dir DIR``. Typical shell use:

    eval "$(python3 scripts/devstack.py up)"

Progress and status go to stderr; only the exports (and ``broker-version``'s answer) go to
stdout. Exit code 2 means something on the machine needs fixing (the message says what).

Settings (environment variables; an explicit variable wins over the value recorded in the
state dir's ``devstack.json`` by the last ``up``, which wins over the default):

    JH_STATE_DIR              <repo>/.state   pid files, data, logs
    JH_CACHE_DIR              <repo>/.cache   Kafka jars (resolved once per version)
    JH_KAFKA_VERSION          KAFKA_VERSION below
    JH_KAFKA_PORT             19092
    JH_KAFKA_CONTROLLER_PORT  19093
    JH_KAFKA_JMX_PORT         19099
    JH_KAFKA_HEAP             -Xms256m -Xmx512m
    JH_PG_PORT                15432
    JH_PG_USER / JH_PG_PASSWORD   jeugdhulp / jeugdhulp   (superuser of the private cluster)
    JH_AANMELDING_PORT / JH_TRAJECT_PORT / JH_SIGNALERING_PORT   8001 / 8002 / 8003 (``run``)

Layout of a state dir: ``kafka/`` (server.properties, data/, tls/ (CA and broker certificate),
credentials.json (the principals' passwords), client-<principal>.properties), ``kafka.pid``, ``pg/`` (data/,
sock/), ``logs/`` (kafka.out, server.log, postgres.log, <service>.log), ``devstack.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import fcntl
import functools
import glob
import grp
import json
import os
import pwd
import re
import shlex
import secrets
import shutil
import signal
import socket
import ssl
import string
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# --------------------------------------------------------------------------- constants

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = Path(__file__).resolve().parent

# Newest Apache Kafka whose jars all resolve from Maven Central and that aiokafka 0.14 works with.
KAFKA_VERSION = "4.4.0"
# The Log4j that kafka-server depends on, per Kafka version; the SLF4J binding must match it.
LOG4J_VERSIONS = {"4.3.1": "2.25.4", "4.4.0": "2.25.5"}
LOG4J_DEFAULT = "2.25.5"
# Principals of the broker (SCRAM-SHA-512 users created when the storage is formatted, KIP-900): the
# administrator (super user: applies ACLs, used by the test suite), one per service, and ops.
# Their ACLs are applied by `python -m jeugdhulp_common.broker_access apply` after every start.
KAFKA_PRINCIPALS = ("admin", "aanmelding", "traject", "signalering", "webhooks", "ops")
BROKER_CERT_CN = "jeugdhulp-broker"
SCRAM_MECHANISM = "SCRAM-SHA-512"
MIN_JAVA = 17

DATABASES = ("aanmelding", "traject", "signalering", "webhooks", "bench")
# (service module, port variable, default port)
SERVICES = (
    ("aanmelding", "JH_AANMELDING_PORT", 8001),
    ("traject", "JH_TRAJECT_PORT", 8002),
    ("signalering", "JH_SIGNALERING_PORT", 8003),
    ("webhooks", "JH_WEBHOOKS_PORT", 8004),
)

KAFKA_START_TIMEOUT = 60.0
KAFKA_STOP_TIMEOUT = 30.0
PG_STOP_TIMEOUT = 30.0
SERVICE_HEALTH_TIMEOUT = 60.0
SERVICE_STOP_TIMEOUT = 10.0

JAVA_HINT = "apt-get install openjdk-17-jre-headless"
MAVEN_HINT = "apt-get install maven"


class DevstackError(Exception):
    """A failure reported as one line; exit code 2 when the user has to fix the machine."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def fixable(message: str) -> DevstackError:
    return DevstackError(message, code=2)


def log(message: str) -> None:
    try:
        sys.stderr.write(f"devstack: {message}\n")  # one write: lines from threads stay whole
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        pass  # the terminal or pipe is gone (e.g. `make run | tee` after Ctrl-C): teardown must go on


# --------------------------------------------------------------------------- configuration

# field -> (environment variable, default); ports are ints.
SETTINGS: dict[str, tuple[str, object]] = {
    "kafka_version": ("JH_KAFKA_VERSION", KAFKA_VERSION),
    "kafka_port": ("JH_KAFKA_PORT", 19092),
    "controller_port": ("JH_KAFKA_CONTROLLER_PORT", 19093),
    "jmx_port": ("JH_KAFKA_JMX_PORT", 19099),
    "kafka_heap": ("JH_KAFKA_HEAP", "-Xms256m -Xmx512m"),
    "pg_port": ("JH_PG_PORT", 15432),
    "pg_user": ("JH_PG_USER", "jeugdhulp"),
    "pg_password": ("JH_PG_PASSWORD", "jeugdhulp"),
}


@dataclasses.dataclass(frozen=True)
class Config:
    """All settings and every path devstack uses: the one place to look them up."""

    state_dir: Path
    cache_dir: Path
    kafka_version: str
    kafka_port: int
    controller_port: int
    jmx_port: int
    kafka_heap: str
    pg_port: int
    pg_user: str
    pg_password: str

    @classmethod
    def load(cls, state_dir: str | os.PathLike | None = None) -> Config:
        state = Path(state_dir or os.environ.get("JH_STATE_DIR") or REPO / ".state").resolve()
        cache = Path(os.environ.get("JH_CACHE_DIR") or REPO / ".cache").resolve()
        recorded = {}
        with contextlib.suppress(OSError, ValueError):
            recorded = json.loads((state / "devstack.json").read_text())
        values: dict[str, object] = {}
        for field, (var, default) in SETTINGS.items():
            raw = os.environ.get(var) or recorded.get(field, default)
            if isinstance(default, int):
                try:
                    raw = int(raw)
                except (TypeError, ValueError):
                    raise fixable(f"{var}={raw!r} is not a port number") from None
            values[field] = raw
        return cls(state_dir=state, cache_dir=cache, **values)

    def save(self) -> None:
        data = {field: getattr(self, field) for field in SETTINGS}
        self.settings_file.write_text(json.dumps(data, indent=2) + "\n")

    # state dir
    @property
    def settings_file(self) -> Path:
        return self.state_dir / "devstack.json"

    @property
    def lock_file(self) -> Path:
        return self.state_dir / "devstack.lock"

    @property
    def logs_dir(self) -> Path:
        return self.state_dir / "logs"

    @property
    def kafka_dir(self) -> Path:
        return self.state_dir / "kafka"

    @property
    def kafka_data(self) -> Path:
        return self.kafka_dir / "data"

    @property
    def kafka_props(self) -> Path:
        return self.kafka_dir / "server.properties"

    @property
    def tls_dir(self) -> Path:
        return self.kafka_dir / "tls"

    @property
    def ca_file(self) -> Path:
        return self.tls_dir / "ca.crt"

    @property
    def credentials_file(self) -> Path:
        return self.kafka_dir / "credentials.json"

    def client_properties(self, principal: str) -> Path:
        """A client configuration for Kafka's own tools (kafka-topics.sh --command-config …)."""
        return self.kafka_dir / f"client-{principal}.properties"

    @property
    def kafka_pid_file(self) -> Path:
        return self.state_dir / "kafka.pid"

    @property
    def kafka_out(self) -> Path:
        return self.logs_dir / "kafka.out"

    @property
    def pg_dir(self) -> Path:
        return self.state_dir / "pg"

    @property
    def pg_data(self) -> Path:
        return self.pg_dir / "data"

    @property
    def pg_socket_dir(self) -> Path:
        return self.pg_dir / "sock"

    @property
    def pg_log(self) -> Path:
        return self.logs_dir / "postgres.log"

    # cache dir
    @property
    def kafka_cache(self) -> Path:
        return self.cache_dir / "kafka" / self.kafka_version

    @property
    def kafka_libs(self) -> Path:
        return self.kafka_cache / "libs"

    @property
    def kafka_libs_marker(self) -> Path:
        return self.kafka_cache / "resolved.ok"

    # templates in the repo
    @property
    def broker_log4j(self) -> Path:
        return SCRIPTS / "kafka" / "log4j2.yaml"

    @property
    def tools_log4j(self) -> Path:
        return SCRIPTS / "kafka" / "tools-log4j2.yaml"

    @property
    def pom_template(self) -> Path:
        return SCRIPTS / "kafka" / "pom.template.xml"

    # what clients need
    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    def database_url(self, database: str) -> str:
        user = urllib.parse.quote(self.pg_user, safe="")
        password = urllib.parse.quote(self.pg_password, safe="")
        return f"postgresql+asyncpg://{user}:{password}@127.0.0.1:{self.pg_port}/{database}"

    def kafka_passwords(self) -> dict[str, str]:
        """The principals' passwords, generated once per state dir (readable by its owner only)."""
        try:
            return json.loads(self.credentials_file.read_text())
        except (OSError, ValueError):
            return {}

    def kafka_env(self, principals: tuple[str, ...] = KAFKA_PRINCIPALS) -> dict[str, str]:
        """How a client reaches the broker: SASL_SSL, our CA, and ``<NAME>_KAFKA_SASL_*`` for each principal."""
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": SCRAM_MECHANISM,
            "KAFKA_SSL_CAFILE": str(self.ca_file),
        }
        passwords = self.kafka_passwords()
        for name in principals:
            if name in passwords:
                env[f"{name.upper()}_KAFKA_SASL_USERNAME"] = name
                env[f"{name.upper()}_KAFKA_SASL_PASSWORD"] = passwords[name]
        if "admin" in principals and "admin" in passwords:  # the test suite inspects topics as the administrator
            env["TEST_KAFKA_SASL_USERNAME"] = "admin"
            env["TEST_KAFKA_SASL_PASSWORD"] = passwords["admin"]
        return env

    def env_vars(self, principals: tuple[str, ...] = KAFKA_PRINCIPALS) -> dict[str, str]:
        env = {
            **self.kafka_env(principals),
            "JH_PG_PORT": str(self.pg_port),
            "JH_STATE_DIR": str(self.state_dir),
            "JH_KAFKA_VERSION": self.kafka_version,
        }
        for database in DATABASES:
            env[f"{database.upper()}_DATABASE_URL"] = self.database_url(database)
        return env


@contextlib.contextmanager
def state_lock(cfg: Config):
    """Serialise commands that change one state dir (two `up`s at once, say)."""
    cfg.state_dir.mkdir(parents=True, exist_ok=True)
    with open(cfg.lock_file, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --------------------------------------------------------------------------- processes and ports


def pid_alive(pid: int) -> bool:
    """True if pid runs (zombies count as dead; our own exited children get reaped)."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] not in ("Z", "X")


def proc_cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def stop_pid(pid: int, steps: list[tuple[int, float]]) -> bool:
    """Send each (signal, seconds to wait) in turn until pid is gone; True if it went."""
    for sig, timeout in steps:
        if not pid_alive(pid):
            return True
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not pid_alive(pid):
                return True
            time.sleep(0.1)
        if sig != steps[-1][0]:
            log(f"pid {pid} still running after {signal.Signals(sig).name} and {timeout:.0f} s")
    return not pid_alive(pid)


def port_free(port: int) -> bool:
    """Can we listen on 127.0.0.1:port? (SO_REUSEADDR, so TIME_WAIT leftovers don't count.)"""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen(1)
        except OSError:
            return False
    return True


def port_owner(port: int) -> str:
    """Best effort 'pid N (name)' of whoever listens on port, from /proc; '' if unknown."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    for fd in glob.glob("/proc/[0-9]*/fd/*"):
        with contextlib.suppress(OSError):
            if os.readlink(fd) in inodes:
                pid = int(fd.split("/")[2])
                name = Path(f"/proc/{pid}/comm").read_text().strip()
                return f"pid {pid} ({name})"
    return ""


def require_ports_free(ports: list[tuple[int, str]]) -> None:
    for port, var in ports:
        if not port_free(port):
            owner = port_owner(port)
            by = f" by {owner}" if owner else ""
            raise fixable(f"port {port} on 127.0.0.1 is already in use{by}: "
                          f"stop that process or set {var} to a free port")


def free_ports(count: int) -> list[int]:
    """Distinct ports the kernel considers free right now."""
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return f"(no {path})"
    return "\n".join(f"    {line}" for line in text[-lines:]) or f"(empty {path})"


def wait_until(check, timeout: float, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if check():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


# --------------------------------------------------------------------------- signals

HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Terminated(Exception):
    """Raised in the main thread on SIGTERM/SIGHUP so `finally` blocks still tear down."""


def raise_terminated(signum, _frame):
    raise Terminated(signal.Signals(signum).name)


@contextlib.contextmanager
def terminate_raises():
    previous = {sig: signal.signal(sig, raise_terminated) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def signals_held(note: str, reraise: bool = True):
    """Hold Ctrl-C/SIGTERM/SIGHUP until the block is done, then act on them (if reraise)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def hold(signum, _frame):
        if not pending:
            log(note)
        pending.append(signum)

    previous = {sig: signal.signal(sig, hold) for sig in HELD_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if pending and reraise:
        raise KeyboardInterrupt if pending[0] == signal.SIGINT else Terminated(signal.Signals(pending[0]).name)


def run_step(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a short setup step (initdb, pg_ctl, ...) to completion even on Ctrl-C/SIGTERM, so no
    half-made cluster or orphaned postmaster is left; the signal is acted on right after."""
    with signals_held("finishing the current step, then stopping"):
        return subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              start_new_session=True, **kwargs)


# --------------------------------------------------------------------------- java and maven


@functools.cache
def java_executable() -> str:
    """Path to a Java >= 17, or a fixable error."""
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not java or not os.access(java, os.X_OK):
        raise fixable(f"Java {MIN_JAVA}+ is needed for Kafka but no `java` was found: {JAVA_HINT}")
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    major = int(match[1]) if match else 0
    if major == 1 and match and match[2]:
        major = int(match[2])  # "1.8.0_x" style
    if major < MIN_JAVA:
        found = out.splitlines()[0] if out else "unknown version"
        raise fixable(f"Kafka needs Java {MIN_JAVA}+, {java} is {found!r}: {JAVA_HINT}")
    return java


def ensure_kafka_libs(cfg: Config) -> Path:
    """Kafka's jars in the cache, fetched with Maven the first time for each version."""
    if cfg.kafka_libs_marker.exists() and cfg.kafka_libs.is_dir():
        return cfg.kafka_libs
    mvn = shutil.which("mvn")
    if not mvn:
        raise fixable(f"Maven is needed once to fetch the Kafka {cfg.kafka_version} jars: {MAVEN_HINT}")
    cfg.kafka_cache.mkdir(parents=True, exist_ok=True)
    pom = cfg.kafka_cache / "pom.xml"
    pom.write_text(string.Template(cfg.pom_template.read_text()).substitute(
        kafka_version=cfg.kafka_version, log4j_version=LOG4J_VERSIONS.get(cfg.kafka_version, LOG4J_DEFAULT)))
    partial = cfg.kafka_cache / "libs.partial"
    shutil.rmtree(partial, ignore_errors=True)
    log(f"fetching the Kafka {cfg.kafka_version} jars with Maven into {cfg.kafka_libs} (first time only)")
    started = time.monotonic()
    result = subprocess.run(
        [mvn, "-q", "-B", "-f", str(pom), "dependency:copy-dependencies",
         f"-DoutputDirectory={partial}", "-DincludeScope=runtime"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode != 0:
        output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)  # Maven's colours
        errors = [line for line in output.splitlines() if "ERROR" in line]
        detail = errors[0] if errors else output.strip()[-500:]
        raise DevstackError(f"Maven could not fetch Kafka {cfg.kafka_version} (is JH_KAFKA_VERSION a "
                            f"published version?): {detail}")
    shutil.rmtree(cfg.kafka_libs, ignore_errors=True)
    partial.rename(cfg.kafka_libs)
    jars = sorted(p.name for p in cfg.kafka_libs.glob("*.jar"))
    cfg.kafka_libs_marker.write_text("\n".join(jars) + "\n")
    log(f"fetched {len(jars)} jars in {time.monotonic() - started:.1f} s")
    return cfg.kafka_libs


def kafka_java(cfg: Config, main_class: str, *args: str, log4j: Path | None = None,
               jvm: list[str] | None = None) -> list[str]:
    """Command line running main_class from the cached Kafka jars."""
    libs = ensure_kafka_libs(cfg)
    return [java_executable(), *(jvm or []), "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={log4j or cfg.tools_log4j}",
            "-cp", f"{libs}/*", main_class, *args]


# --------------------------------------------------------------------------- kafka


def kafka_api_versions_ok(cfg: Config, timeout: float = 2.0) -> bool:
    """Send a real ApiVersions v0 request over TLS (verified against our CA; allowed before SASL
    authentication); True if the broker answers with error_code 0."""
    correlation_id = 0x4A48
    client_id = b"devstack"
    request = struct.pack(">hhih", 18, 0, correlation_id, len(client_id)) + client_id
    try:
        context = ssl.create_default_context(cafile=str(cfg.ca_file))
        with socket.create_connection(("127.0.0.1", cfg.kafka_port), timeout=timeout) as raw, \
                context.wrap_socket(raw, server_hostname="127.0.0.1") as sock:
            sock.sendall(struct.pack(">i", len(request)) + request)
            size = struct.unpack(">i", recv_exact(sock, 4))[0]
            response = recv_exact(sock, size)
    except (OSError, struct.error, EOFError, ssl.SSLError):
        return False
    if len(response) < 6:
        return False
    got_id, error_code = struct.unpack(">ih", response[:6])
    return got_id == correlation_id and error_code == 0


def recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return data


def kafka_pid(cfg: Config) -> int | None:
    """pid of *our* broker for this state dir, if it runs."""
    pid = read_pid(cfg.kafka_pid_file)
    if pid and pid_alive(pid) and str(cfg.kafka_props) in proc_cmdline(pid):
        return pid
    return None


def openssl(*args: str) -> None:
    if not shutil.which("openssl"):
        raise fixable("openssl is needed once to make the broker's certificate authority: apt-get install openssl")
    result = run_step(["openssl", *args])
    if result.returncode != 0:
        raise DevstackError(f"openssl {args[0]} failed: {(result.stdout + result.stderr).strip()[-500:]}")


def ensure_tls(cfg: Config) -> None:
    """A certificate authority of this state dir and the broker's certificate (127.0.0.1, localhost) signed by it,
    with the broker's key in a PKCS#12 keystore. Made once; the CA's key never leaves the state dir."""
    tls = cfg.tls_dir
    keystore = tls / "broker.p12"
    if keystore.exists() and cfg.ca_file.exists() and (tls / "keystore.password").exists():
        return
    tls.mkdir(parents=True, exist_ok=True)
    tls.chmod(0o700)
    days = "825"
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "3650",
            "-keyout", str(tls / "ca.key"), "-out", str(cfg.ca_file), "-subj", "/CN=jeugdhulp devstack CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-sha256", "-keyout", str(tls / "broker.key"),
            "-out", str(tls / "broker.csr"), "-subj", f"/CN={BROKER_CERT_CN}")
    (tls / "broker.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n")
    openssl("x509", "-req", "-sha256", "-days", days, "-in", str(tls / "broker.csr"), "-CA", str(cfg.ca_file),
            "-CAkey", str(tls / "ca.key"), "-CAcreateserial", "-out", str(tls / "broker.crt"),
            "-extfile", str(tls / "broker.ext"))
    password = secrets.token_hex(16)
    openssl("pkcs12", "-export", "-in", str(tls / "broker.crt"), "-inkey", str(tls / "broker.key"),
            "-certfile", str(cfg.ca_file), "-name", "broker", "-out", str(keystore), "-passout", f"pass:{password}")
    (tls / "keystore.password").write_text(password)
    for secret in ("ca.key", "broker.key", "keystore.password"):
        (tls / secret).chmod(0o600)
    cfg.ca_file.chmod(0o644)
    log(f"made a certificate authority and the broker's certificate in {tls}")


def ensure_kafka_credentials(cfg: Config) -> dict[str, str]:
    """A random password per principal, made once with the storage (the SCRAM users are created at format)."""
    passwords = cfg.kafka_passwords()
    if all(p in passwords for p in KAFKA_PRINCIPALS):
        return passwords
    if (cfg.kafka_data / "meta.properties").exists():
        raise fixable(f"the Kafka storage in {cfg.kafka_data} was made without SCRAM users (an older devstack): "
                      "`make clean` (deletes local Kafka and Postgres data) and start again")
    passwords = {p: secrets.token_urlsafe(18) for p in KAFKA_PRINCIPALS}
    cfg.kafka_dir.mkdir(parents=True, exist_ok=True)
    cfg.credentials_file.write_text(json.dumps(passwords, indent=2) + "\n")
    cfg.credentials_file.chmod(0o600)
    return passwords


def jaas(user: str, password: str) -> str:
    return (f'org.apache.kafka.common.security.scram.ScramLoginModule required '
            f'username="{user}" password="{password}";')


def write_client_properties(cfg: Config) -> None:
    """client-<principal>.properties for Kafka's own tools (``--command-config``), readable by the owner only."""
    for principal, password in cfg.kafka_passwords().items():
        path = cfg.client_properties(principal)
        path.write_text("\n".join([
            f"# {principal} on the devstack broker: kafka-topics.sh --bootstrap-server {cfg.bootstrap_servers} "
            f"--command-config {path} --list",
            "security.protocol=SASL_SSL",
            f"sasl.mechanism={SCRAM_MECHANISM}",
            f"sasl.jaas.config={jaas(principal, password)}",
            "ssl.truststore.type=PEM",
            f"ssl.truststore.location={cfg.ca_file}",
            "",
        ]))
        path.chmod(0o600)


def kafka_properties(cfg: Config) -> str:
    passwords = cfg.kafka_passwords()
    tls = cfg.tls_dir
    return "\n".join([
        "# Generated by scripts/devstack.py on every start; edits are overwritten.",
        "process.roles=broker,controller",
        "node.id=1",
        # Clients (and the broker itself) authenticate with SCRAM over TLS; nothing is offered in plain text.
        # The controller listener takes only TLS clients holding a certificate of our CA (the broker itself).
        f"listeners=CLIENT://127.0.0.1:{cfg.kafka_port},CONTROLLER://127.0.0.1:{cfg.controller_port}",
        f"advertised.listeners=CLIENT://127.0.0.1:{cfg.kafka_port}",
        "listener.security.protocol.map=CLIENT:SASL_SSL,CONTROLLER:SSL",
        "inter.broker.listener.name=CLIENT",
        "controller.listener.names=CONTROLLER",
        f"controller.quorum.bootstrap.servers=127.0.0.1:{cfg.controller_port}",
        f"sasl.enabled.mechanisms={SCRAM_MECHANISM}",
        f"sasl.mechanism.inter.broker.protocol={SCRAM_MECHANISM}",
        f"listener.name.client.{SCRAM_MECHANISM.lower()}.sasl.jaas.config={jaas('admin', passwords.get('admin', ''))}",
        "ssl.keystore.type=PKCS12",
        f"ssl.keystore.location={tls / 'broker.p12'}",
        f"ssl.keystore.password={(tls / 'keystore.password').read_text().strip()}",
        f"ssl.key.password={(tls / 'keystore.password').read_text().strip()}",
        "ssl.truststore.type=PEM",
        f"ssl.truststore.location={cfg.ca_file}",
        "ssl.endpoint.identification.algorithm=https",
        "listener.name.controller.ssl.client.auth=required",
        f"ssl.principal.mapping.rules=RULE:^CN=({re.escape(BROKER_CERT_CN)})$/$1/,DEFAULT",
        # Least privilege: what no ACL allows is denied (ACLs: jeugdhulp_common.broker_access).
        "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "allow.everyone.if.no.acl.found=false",
        f"super.users=User:admin;User:{BROKER_CERT_CN}",
        f"log.dirs={cfg.kafka_data}",
        # single node
        "num.partitions=3",
        "default.replication.factor=1",
        "min.insync.replicas=1",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=10",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=10",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=false",
        "delete.topic.enable=true",
        # light for a 2-core machine
        "num.network.threads=2",
        "num.io.threads=4",
        "background.threads=4",
        "num.recovery.threads.per.data.dir=1",
        "num.replica.fetchers=1",
        "log.cleaner.threads=1",
        "log.cleaner.dedupe.buffer.size=16777216",
        "",
    ])


def format_kafka_storage(cfg: Config) -> None:
    """KRaft storage is formatted once per state dir (skipped when meta.properties exists)."""
    if (cfg.kafka_data / "meta.properties").exists():
        return
    uuid = run_step(kafka_java(cfg, "kafka.tools.StorageTool", "random-uuid"),
                    check=True).stdout.strip().splitlines()[-1]
    scram = [arg for name, password in cfg.kafka_passwords().items()
             for arg in ("--add-scram", f"{SCRAM_MECHANISM}=[name={name},password={password}]")]
    result = run_step(kafka_java(cfg, "kafka.tools.StorageTool", "format", "--standalone",
                                 "--cluster-id", uuid, "--config", str(cfg.kafka_props), *scram))
    if result.returncode != 0:
        raise DevstackError(f"formatting Kafka storage failed: {(result.stdout + result.stderr).strip()}")
    log(f"formatted Kafka storage in {cfg.kafka_data} (cluster id {uuid})")


def launch_kafka(cfg: Config) -> int:
    """Start the broker detached; returns its pid without waiting for it to answer."""
    cfg.kafka_data.mkdir(parents=True, exist_ok=True)
    cfg.logs_dir.mkdir(parents=True, exist_ok=True)
    ensure_tls(cfg)
    ensure_kafka_credentials(cfg)
    write_client_properties(cfg)
    cfg.kafka_props.write_text(kafka_properties(cfg))
    cfg.kafka_props.chmod(0o600)  # holds the administrator's password
    format_kafka_storage(cfg)
    jvm = [
        *shlex.split(cfg.kafka_heap),
        "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35",
        "-XX:+ExplicitGCInvokesConcurrent",
        f"-Dkafka.logs.dir={cfg.logs_dir}",
        "-Dcom.sun.management.jmxremote",
        f"-Dcom.sun.management.jmxremote.port={cfg.jmx_port}",
        f"-Dcom.sun.management.jmxremote.rmi.port={cfg.jmx_port}",
        "-Dcom.sun.management.jmxremote.authenticate=false",
        "-Dcom.sun.management.jmxremote.ssl=false",
        "-Dcom.sun.management.jmxremote.host=127.0.0.1",
        "-Djava.rmi.server.hostname=127.0.0.1",
    ]
    command = kafka_java(cfg, "kafka.Kafka", str(cfg.kafka_props), log4j=cfg.broker_log4j, jvm=jvm)
    with signals_held("recording the Kafka pid, then stopping"), open(cfg.kafka_out, "ab") as out:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                   cwd=cfg.kafka_dir, start_new_session=True)
        cfg.kafka_pid_file.write_text(f"{process.pid}\n")
    return process.pid


def wait_kafka_ready(cfg: Config, pid: int) -> None:
    def ready() -> bool:
        if not pid_alive(pid):
            raise DevstackError(f"Kafka (pid {pid}) exited while starting; log tail:\n"
                                f"{tail(cfg.kafka_out)}\n{tail(cfg.logs_dir / 'server.log')}")
        return kafka_api_versions_ok(cfg)

    if not wait_until(ready, KAFKA_START_TIMEOUT):
        raise DevstackError(f"Kafka (pid {pid}) did not answer ApiVersions on {cfg.bootstrap_servers} "
                            f"within {KAFKA_START_TIMEOUT:.0f} s; log tail:\n{tail(cfg.logs_dir / 'server.log')}")


def apply_kafka_acls(cfg: Config) -> None:
    """The services' and ops' ACLs, applied as the administrator by the project's own module (idempotent)."""
    result = run_step([sys.executable, "-m", "jeugdhulp_common.broker_access", "apply"],
                      env={**os.environ, **cfg.kafka_env(("admin",))}, cwd=REPO)
    if result.returncode != 0:
        detail = (result.stdout + result.stderr).strip()[-800:]
        if "No module named" in detail:
            raise fixable("the broker's ACLs are applied by the project's Python package: run devstack through "
                          "make (its .venv), or `pip install -e .` first")
        raise DevstackError(f"applying the broker's ACLs failed: {detail}")
    log(result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "ACLs applied")


def kafka_ports(cfg: Config) -> list[tuple[int, str]]:
    return [(cfg.kafka_port, "JH_KAFKA_PORT"), (cfg.controller_port, "JH_KAFKA_CONTROLLER_PORT"),
            (cfg.jmx_port, "JH_KAFKA_JMX_PORT")]


def stop_kafka(cfg: Config) -> None:
    pid = kafka_pid(cfg)
    if pid is None:
        cfg.kafka_pid_file.unlink(missing_ok=True)
        return
    log(f"stopping Kafka (pid {pid})")
    if not stop_pid(pid, [(signal.SIGTERM, KAFKA_STOP_TIMEOUT), (signal.SIGKILL, 10.0)]):
        raise DevstackError(f"could not stop Kafka (pid {pid})")
    cfg.kafka_pid_file.unlink(missing_ok=True)


def broker_version(cfg: Config) -> str:
    if kafka_pid(cfg) is None:
        raise DevstackError(f"Kafka is not running for state dir {cfg.state_dir} (run `up` first)")
    url = f"service:jmx:rmi:///jndi/rmi://127.0.0.1:{cfg.jmx_port}/jmxrmi"
    result = subprocess.run(
        kafka_java(cfg, "org.apache.kafka.tools.JmxTool", "--jmx-url", url,
                   "--object-name", "kafka.server:type=app-info", "--attributes", "version",
                   "--one-time", "true"),
        capture_output=True, text=True, timeout=60)
    # Output: a banner line, a CSV header ("time","...:version") and one CSV row.
    rows = [line for line in result.stdout.splitlines() if "," in line and not line.startswith('"time"')]
    if result.returncode != 0 or not rows:
        raise DevstackError(f"JmxTool could not ask {url}: {(result.stdout + result.stderr).strip()[-500:]}")
    return rows[-1].rsplit(",", 1)[1].strip().strip('"')


# --------------------------------------------------------------------------- postgres


def pg_bin_dir() -> Path:
    """Directory holding initdb/pg_ctl/psql: newest /usr/lib/postgresql/*/bin, else PATH."""
    def find() -> Path | None:
        found = glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")
        if found:
            newest = max(found, key=lambda p: [int(x) for x in re.findall(r"\d+", p.split("/")[4])] or [0])
            return Path(newest).parent
        for name in ("pg_ctl", "initdb"):
            if not shutil.which(name):
                return None
        return Path(shutil.which("pg_ctl")).resolve().parent

    bin_dir = find()
    if bin_dir is None and os.geteuid() == 0:
        log("Postgres server binaries not found: running apt-get update && apt-get install -y postgresql")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
            if subprocess.run(command, env=env, stdout=sys.stderr).returncode != 0:
                raise fixable(f"`{' '.join(command)}` failed: install Debian's postgresql package")
        bin_dir = find()
    if bin_dir is None:
        raise fixable("Postgres server binaries (initdb, pg_ctl) not found: "
                      "sudo apt-get install postgresql (Debian's package)")
    return bin_dir


def pg_account() -> pwd.struct_passwd | None:
    """The account Postgres runs as: the `postgres` system user when we are root, else us (None)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        pass
    log("creating the `postgres` system user (Postgres refuses to run as root)")
    try:
        grp.getgrnam("postgres")
        group = ["--gid", "postgres"]
    except KeyError:
        group = ["--user-group"]
    subprocess.run(["useradd", "--system", *group, "--no-create-home", "--home-dir", "/var/lib/postgresql",
                    "--shell", "/bin/sh", "postgres"], check=True)
    return pwd.getpwnam("postgres")


def as_pg(command: list[str]) -> list[str]:
    account = pg_account()
    return ["runuser", "-u", account.pw_name, "--", *command] if account else command


def give_to_pg(path: Path) -> None:
    account = pg_account()
    if account:
        os.chown(path, account.pw_uid, account.pw_gid)


def check_traversable(cfg: Config) -> None:
    """As root, the postgres user must be able to walk down to the state dir."""
    if pg_account() is None:
        return
    for directory in [cfg.state_dir, *cfg.state_dir.parents]:
        if not os.stat(directory).st_mode & 0o001:
            raise fixable(f"the postgres user cannot enter {directory}: chmod o+x {directory} "
                          f"or set JH_STATE_DIR to a directory below one it can reach")


def pg_socket_check(cfg: Config) -> None:
    socket_path = cfg.pg_socket_dir / f".s.PGSQL.{cfg.pg_port}"
    if len(str(socket_path)) > 100:
        raise fixable(f"the Postgres socket path {socket_path} is too long for a unix socket: "
                      "set JH_STATE_DIR to a shorter path")


def postmaster_pid(cfg: Config) -> int | None:
    pid = read_pid(cfg.pg_data / "postmaster.pid")
    if pid and pid_alive(pid) and "postgres" in proc_cmdline(pid):
        return pid
    return None


def pg_ready(cfg: Config, bin_dir: Path | None = None) -> bool:
    bin_dir = bin_dir or pg_bin_dir()
    return subprocess.run([str(bin_dir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(cfg.pg_port)],
                          capture_output=True).returncode == 0


def init_pg(cfg: Config, bin_dir: Path) -> None:
    """initdb once per state dir: superuser JH_PG_USER, trust on the socket, scram over TCP."""
    if (cfg.pg_data / "PG_VERSION").exists():
        return
    pwfile = cfg.pg_dir / "pwfile"
    pwfile.write_text(cfg.pg_password + "\n")
    pwfile.chmod(0o600)
    give_to_pg(pwfile)
    try:
        result = run_step(
            as_pg([str(bin_dir / "initdb"), "-D", str(cfg.pg_data), "-U", cfg.pg_user, f"--pwfile={pwfile}",
                   "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--no-locale"]),
            cwd=cfg.pg_dir)
    finally:
        pwfile.unlink(missing_ok=True)
    if result.returncode != 0:
        raise DevstackError(f"initdb failed:\n{(result.stdout + result.stderr).strip()}")
    log(f"initialised a Postgres cluster in {cfg.pg_data}")


def prepare_pg_dirs(cfg: Config) -> None:
    check_traversable(cfg)
    pg_socket_check(cfg)
    for directory in (cfg.pg_dir, cfg.pg_socket_dir):
        directory.mkdir(parents=True, exist_ok=True)
        directory.chmod(0o700)
        give_to_pg(directory)
    cfg.logs_dir.mkdir(parents=True, exist_ok=True)
    cfg.pg_log.touch()
    give_to_pg(cfg.pg_log)


def start_pg(cfg: Config, bin_dir: Path) -> None:
    prepare_pg_dirs(cfg)
    init_pg(cfg, bin_dir)
    settings = {
        "listen_addresses": "127.0.0.1",
        "port": str(cfg.pg_port),
        "unix_socket_directories": str(cfg.pg_socket_dir),
        "shared_buffers": "128MB",
        "max_connections": "200",
    }
    options = " ".join(f"-c {name}={shlex.quote(value)}" for name, value in settings.items())
    # run_step starts it in a new session: the postmaster must not get the terminal's Ctrl-C.
    result = run_step(
        as_pg([str(bin_dir / "pg_ctl"), "-D", str(cfg.pg_data), "-l", str(cfg.pg_log), "-o", options,
               "-w", "-t", "60", "start"]),
        cwd=cfg.pg_dir)
    if result.returncode != 0:
        raise DevstackError(f"Postgres did not start: {(result.stdout + result.stderr).strip()}\n"
                            f"log tail:\n{tail(cfg.pg_log)}")


def psql(cfg: Config, bin_dir: Path, sql: str) -> str:
    result = run_step(
        [str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(cfg.pg_port), "-U", cfg.pg_user,
         "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-X", "-At", "-c", sql],
        env={**os.environ, "PGPASSWORD": cfg.pg_password})
    if result.returncode != 0:
        raise DevstackError(f"psql failed ({sql}): {result.stderr.strip()}")
    return result.stdout


def ensure_databases(cfg: Config, bin_dir: Path) -> None:
    existing = set(psql(cfg, bin_dir, "SELECT datname FROM pg_database").split())
    for database in DATABASES:
        if database not in existing:
            psql(cfg, bin_dir, f'CREATE DATABASE "{database}"')
            log(f"created database {database}")


def stop_pg(cfg: Config) -> None:
    pid = postmaster_pid(cfg)
    if pid is None:
        return
    log(f"stopping Postgres (pid {pid})")
    # SIGINT is Postgres' "fast" shutdown; SIGTERM ("smart") would wait for every client to leave.
    steps = [(signal.SIGINT, PG_STOP_TIMEOUT), (signal.SIGQUIT, 10.0), (signal.SIGKILL, 5.0)]
    if not stop_pid(pid, steps):
        raise DevstackError(f"could not stop Postgres (pid {pid})")


# --------------------------------------------------------------------------- stack operations


def kafka_state(cfg: Config) -> tuple[int | None, bool]:
    pid = kafka_pid(cfg)
    return pid, bool(pid) and kafka_api_versions_ok(cfg)


def pg_state(cfg: Config, bin_dir: Path | None = None) -> tuple[int | None, bool]:
    pid = postmaster_pid(cfg)
    return pid, bool(pid) and pg_ready(cfg, bin_dir)


def bring_up(cfg: Config, kafka: bool = True, postgres: bool = True) -> None:
    """Idempotently start what is asked; a new broker boots while Postgres is being set up."""
    with state_lock(cfg):
        cfg.logs_dir.mkdir(parents=True, exist_ok=True)
        start_kafka = kafka and needs_kafka_start(cfg)
        bin_dir = pg_bin_dir() if postgres else None
        start_postgres = postgres and needs_pg_start(cfg, bin_dir)
        require_ports_free((kafka_ports(cfg) if start_kafka else [])
                           + ([(cfg.pg_port, "JH_PG_PORT")] if start_postgres else []))
        cfg.save()  # later commands on this state dir find the ports even without the env vars

        new_kafka = launch_kafka(cfg) if start_kafka else None
        try:
            if start_postgres:
                start_pg(cfg, bin_dir)
            if postgres:
                ensure_databases(cfg, bin_dir)
            if new_kafka:
                wait_kafka_ready(cfg, new_kafka)
                apply_kafka_acls(cfg)
        except BaseException:
            if new_kafka:  # don't leave a half-started broker behind
                with signals_held("stopping the new broker, please wait", reraise=False):
                    stop_kafka(cfg)
            raise
        if kafka:
            log(f"kafka {'started' if start_kafka else 'already running'} on {cfg.bootstrap_servers} (SASL_SSL, "
                f"{SCRAM_MECHANISM}); CA {cfg.ca_file}; client configuration for Kafka's tools: "
                f"{cfg.client_properties('admin')} (administrator), {cfg.client_properties('ops')} (ops)")
        if postgres:
            log(f"postgres {'started' if start_postgres else 'already running'} on 127.0.0.1:{cfg.pg_port}")


def needs_kafka_start(cfg: Config) -> bool:
    """False if our broker runs and answers; checks Java and fetches jars if it must start."""
    pid, answers = kafka_state(cfg)
    if pid and not answers:  # perhaps still starting
        wait_kafka_ready(cfg, pid)
    if pid:
        return False
    java_executable()
    ensure_kafka_libs(cfg)
    return True


def needs_pg_start(cfg: Config, bin_dir: Path) -> bool:
    pid, answers = pg_state(cfg, bin_dir)
    if pid and not (answers or wait_until(lambda: pg_ready(cfg, bin_dir), 30)):
        raise DevstackError(f"Postgres (pid {pid}) runs but does not answer on port {cfg.pg_port}: "
                            "run `down` first")
    return pid is None


def bring_down(cfg: Config, kafka: bool = True, postgres: bool = True) -> None:
    """Stop both in parallel (Kafka's controlled shutdown takes a few seconds)."""
    with state_lock(cfg), ThreadPoolExecutor(max_workers=2) as pool:
        futures = ([pool.submit(stop_kafka, cfg)] if kafka else []) + ([pool.submit(stop_pg, cfg)] if postgres else [])
        for future in futures:
            future.result()


def status_lines(cfg: Config) -> tuple[list[str], bool]:
    lines = [f"state dir {cfg.state_dir}"]
    pid, answers = kafka_state(cfg)
    lines.append(f"kafka     {describe(pid, answers)}  {cfg.bootstrap_servers} "
                 f"(controller {cfg.controller_port}, jmx {cfg.jmx_port}), version {cfg.kafka_version}")
    pg_pid, pg_answers = pg_state(cfg)
    lines.append(f"postgres  {describe(pg_pid, pg_answers)}  127.0.0.1:{cfg.pg_port} "
                 f"(databases {', '.join(DATABASES)})")
    return lines, answers and pg_answers


def describe(pid: int | None, answers: bool) -> str:
    if pid is None:
        return "stopped"
    return f"running (pid {pid})" if answers else f"NOT ANSWERING (pid {pid})"


def print_exports(cfg: Config) -> None:
    for key, value in cfg.env_vars().items():
        print(f"export {key}={shlex.quote(value)}")
    sys.stdout.flush()


# --------------------------------------------------------------------------- commands


def cmd_up(args) -> int:
    cfg = Config.load(args.state_dir)
    started = time.monotonic()
    bring_up(cfg)
    log(f"up in {time.monotonic() - started:.1f} s")
    print_exports(cfg)
    return 0


def cmd_down(args) -> int:
    cfg = Config.load(args.state_dir)
    bring_down(cfg)
    log("down")
    return 0


def cmd_status(args) -> int:
    lines, all_up = status_lines(Config.load(args.state_dir))
    for line in lines:
        print(line)
    return 0 if all_up else 1


def cmd_env(args) -> int:
    print_exports(Config.load(args.state_dir))
    return 0


def cmd_broker_version(args) -> int:
    print(broker_version(Config.load(args.state_dir)))
    return 0


def cmd_restart_kafka(args) -> int:
    cfg = Config.load(args.state_dir)
    bring_down(cfg, postgres=False)
    bring_up(cfg, postgres=False)
    return 0


def cmd_restart_postgres(args) -> int:
    cfg = Config.load(args.state_dir)
    bring_down(cfg, kafka=False)
    bring_up(cfg, kafka=False)
    return 0


def cmd_test(args) -> int:
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        raise DevstackError("usage: devstack.py test [--keep] -- COMMAND [ARG...]")
    state_dir = Path(tempfile.mkdtemp(prefix="jh-devstack-"))
    state_dir.chmod(0o755)  # the postgres user has to traverse it
    ports = dict(zip(("JH_KAFKA_PORT", "JH_KAFKA_CONTROLLER_PORT", "JH_KAFKA_JMX_PORT", "JH_PG_PORT"),
                     map(str, free_ports(4)), strict=True))
    os.environ.update(ports, JH_STATE_DIR=str(state_dir))
    cfg = Config.load(state_dir)
    try:
        started = time.monotonic()
        bring_up(cfg, kafka=not args.no_kafka)
        log(f"test stack up in {time.monotonic() - started:.1f} s ({state_dir}){' without Kafka' if args.no_kafka else ''}")
        env = cfg.env_vars()
        if args.no_kafka:  # no broker: no broker settings either (the clients' defaults are never used)
            env = {k: v for k, v in env.items() if "KAFKA" not in k}
        os.environ.update(env)
        return run_command(command)
    finally:
        with signals_held("tearing down, please wait", reraise=False):
            bring_down(cfg, kafka=not args.no_kafka)
            if args.keep:
                log(f"kept {state_dir}")
            else:
                shutil.rmtree(state_dir, ignore_errors=True)


def run_command(command: list[str]) -> int:
    """Run command with our stdio in its own process group; on Ctrl-C/SIGTERM pass the signal on to that group,
    give it a moment to finish, then kill it. Whatever is left in the group when we are done (the command's own
    children, also after the command itself is gone) is killed, so nothing it started outlives the run.

    On a terminal the group is made the foreground group while it runs, so Ctrl-C and a debugger reach the command
    as they would without us."""
    try:
        process = subprocess.Popen(command, process_group=0)
    except OSError as error:
        log(f"cannot run {command[0]}: {error}")
        return 127
    give_back = hand_terminal_to(process.pid)
    try:
        return exit_code(process.wait())
    except (KeyboardInterrupt, Terminated) as stop:
        with signals_held("tearing down, please wait", reraise=False):
            signal_group(process.pid, signal.SIGINT if isinstance(stop, KeyboardInterrupt) else signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        return 130 if isinstance(stop, KeyboardInterrupt) else 143
    finally:
        with signals_held("tearing down, please wait", reraise=False):
            signal_group(process.pid, signal.SIGKILL)
            process.wait()
            give_back()


def signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def hand_terminal_to(pgid: int):
    """Make pgid the terminal's foreground process group if we hold the terminal; returns the undo."""
    try:
        fd = sys.stdin.fileno()
        if not os.isatty(fd) or os.tcgetpgrp(fd) != os.getpgrp():
            return lambda: None
    except (OSError, ValueError):
        return lambda: None

    def foreground(group: int) -> None:
        previous = signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # a background group may not set it otherwise
        try:
            os.tcsetpgrp(fd, group)
        except OSError:
            pass
        finally:
            signal.signal(signal.SIGTTOU, previous)

    foreground(pgid)
    return lambda: foreground(os.getpgrp())


def exit_code(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode


# --------------------------------------------------------------------------- run (the three services)


class Service:
    """One service process whose output goes to <state>/logs/NAME.log and, prefixed, to the terminal."""

    print_lock = threading.Lock()

    def __init__(self, name: str, port: int, cfg: Config):
        self.name, self.port, self.cfg = name, port, cfg
        self.log_path = cfg.logs_dir / f"{name}.log"
        self.log_path.write_bytes(b"")  # each `run` starts a fresh log
        self.process: subprocess.Popen | None = None
        self.pump: threading.Thread | None = None

    def env(self) -> dict[str, str]:
        """The service's own Kafka principal only (least privilege), not the others'."""
        inherited = {k: v for k, v in os.environ.items() if "_KAFKA_SASL_" not in k}
        return {**inherited, **self.cfg.env_vars((self.name,)), "PYTHONUNBUFFERED": "1"}

    def start(self, *args: str) -> subprocess.Popen:
        command = [sys.executable, "-m", self.name, *args]
        self.process = subprocess.Popen(command, cwd=REPO, env=self.env(), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        start_new_session=True)  # we stop it ourselves, in order
        self.pump = threading.Thread(target=self._pump, args=(self.process,), daemon=True)
        self.pump.start()
        return self.process

    def _pump(self, process: subprocess.Popen) -> None:
        prefix = f"{self.name:<12}| "
        with open(self.log_path, "ab") as log_file:
            for line in iter(process.stdout.readline, b""):
                log_file.write(line)
                log_file.flush()
                with self.print_lock:
                    sys.stdout.write(prefix + line.decode(errors="replace"))
                    sys.stdout.flush()

    def run_to_end(self, *args: str) -> int:
        process = self.start(*args)
        returncode = process.wait()
        self.pump.join()
        return returncode

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def exited(self) -> int | None:
        return self.process.poll() if self.process else None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=SERVICE_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.pump:
            self.pump.join(timeout=5)

    def failure(self, what: str) -> str:
        return f"{self.name} {what}; last lines of {self.log_path}:\n{tail(self.log_path, 40)}"


def service_ports() -> list[tuple[str, int, str]]:
    result = []
    for name, var, default in SERVICES:
        try:
            result.append((name, int(os.environ.get(var) or default), var))
        except ValueError:
            raise fixable(f"{var}={os.environ[var]!r} is not a port number") from None
    return result


def cmd_run(args) -> int:
    cfg = Config.load(args.state_dir)
    ports = service_ports()
    require_ports_free([(port, var) for _, port, var in ports])
    # Infrastructure that `run` starts, it also stops; infrastructure that was already up
    # (e.g. from `make up`) is left running.
    started_here = not (kafka_state(cfg)[1] and pg_state(cfg)[1])
    bring_up(cfg)
    services = [Service(name, port, cfg) for name, port, _ in ports]
    try:
        start_services(services)
        wait_healthy(services)
        for service in services:
            print(f"{service.name:<12} http://127.0.0.1:{service.port}/docs", flush=True)
        log("all services answer /health; Ctrl-C stops them" + (" and Kafka and Postgres" if started_here else
            " (Kafka and Postgres were already running and keep running: `devstack.py down` stops them)"))
        watch(services)
    except (KeyboardInterrupt, Terminated):
        log("stopping the services")
        return 0
    finally:
        with signals_held("tearing down, please wait", reraise=False):
            for service in reversed(services):
                service.stop()
            if started_here:
                bring_down(cfg)


def watch(services: list[Service]) -> None:
    """Return never; raise as soon as one service process has exited."""
    while True:
        for service in services:
            code = service.exited()
            if code is not None:
                raise DevstackError(service.failure(f"exited with code {code}"))
        time.sleep(0.5)


def start_services(services: list[Service]) -> None:
    for service in services:
        log(f"{service.name}: migrate")
        code = service.run_to_end("migrate")
        if code != 0:
            raise DevstackError(service.failure(f"migrate exited with code {code}"))
        log(f"{service.name}: serve on port {service.port}")
        service.start("serve", "--port", str(service.port))


def wait_healthy(services: list[Service]) -> None:
    pending = list(services)
    deadline = time.monotonic() + SERVICE_HEALTH_TIMEOUT
    while pending:
        for service in list(pending):
            code = service.exited()
            if code is not None:
                raise DevstackError(service.failure(f"exited with code {code} while starting"))
            if service.healthy():
                pending.remove(service)
        if pending and time.monotonic() > deadline:
            raise DevstackError(pending[0].failure(
                f"did not answer GET /health with 200 within {SERVICE_HEALTH_TIMEOUT:.0f} s"))
        time.sleep(0.5)


# --------------------------------------------------------------------------- main


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="devstack.py", description=__doc__.split("\n\n")[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = top.add_subparsers(dest="name", required=True, metavar="COMMAND")
    state = argparse.ArgumentParser(add_help=False)
    state.add_argument("--state-dir", help="default: $JH_STATE_DIR or <repo>/.state")
    for name, handler, text in [
        ("up", cmd_up, "start Kafka and Postgres (idempotent) and print the exports"),
        ("down", cmd_down, "stop Kafka and Postgres"),
        ("status", cmd_status, "show what runs; exit 0 only if both run"),
        ("env", cmd_env, "print export lines for the services"),
        ("broker-version", cmd_broker_version, "ask the running broker its version over JMX"),
        ("restart-kafka", cmd_restart_kafka, "stop and start Kafka only"),
        ("restart-postgres", cmd_restart_postgres, "stop and start Postgres only"),
        ("run", cmd_run, "up, then migrate and serve the three services until Ctrl-C"),
    ]:
        commands.add_parser(name, parents=[state], help=text).set_defaults(handler=handler)
    test = commands.add_parser("test", help="run a command against a throwaway stack on free ports")
    test.add_argument("--keep", action="store_true", help="keep the temporary state dir afterwards")
    test.add_argument("--no-kafka", action="store_true", help="Postgres only (the middle test tier needs no broker)")
    test.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARG...]")
    test.set_defaults(handler=cmd_test)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        with terminate_raises():
            return args.handler(args)
    except DevstackError as error:
        log(f"error: {error}")
        return error.code
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except Terminated:
        return 143


if __name__ == "__main__":
    sys.exit(main())
