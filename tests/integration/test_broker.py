"""The broker is real Apache Kafka of the version the project pins."""

import os
import re
import subprocess
import sys

import support


def test_broker_reports_the_pinned_kafka_version() -> None:
    pinned = re.search(r'^KAFKA_VERSION\s*=\s*"([^"]+)"', (support.ROOT / "scripts" / "devstack.py").read_text(), re.M)
    assert pinned, "scripts/devstack.py must pin KAFKA_VERSION"
    out = subprocess.run(
        [sys.executable, str(support.ROOT / "scripts" / "devstack.py"), "broker-version", "--state-dir", support.require_env("JH_STATE_DIR")],
        check=True,
        capture_output=True,
        text=True,
    )
    # Asked of the running broker itself (its JMX app-info MBean), not of the jars on disk.
    assert out.stdout.strip() == pinned.group(1) == os.environ["JH_KAFKA_VERSION"]
