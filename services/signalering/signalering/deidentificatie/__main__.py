"""``python -m signalering.deidentificatie build``: build the detector's lookup structures (install time)."""

from __future__ import annotations

import argparse
import time

from signalering.deidentificatie import bouw, map_pad


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m signalering.deidentificatie")
    parser.add_argument("opdracht", choices=["build"])
    parser.parse_args()
    start = time.monotonic()
    pad = bouw(map_pad())
    print(f"de-identification lookup structures built in {pad} ({time.monotonic() - start:.0f} s)")


if __name__ == "__main__":
    main()
