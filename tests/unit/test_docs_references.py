"""Nothing in the repository refers to a file outside it, and every "§" it cites exists in docs/domain.md.

Citations of the source report's own sections ("[001] §7.4") and of RFCs ("RFC 9110 §10.2.3") are not sections of the domain guide and are left
alone; every other "§N.M", "§N rule K" and "§N step K" must have its anchor in docs/domain.md, and every link
to ``domain.md#…`` must name an anchor that exists.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "domain.md"
SELF = Path(__file__).resolve()

# A path that climbs out of the repository to a domain document or the source documents, or the old "domain spec" name.
OUTSIDE = re.compile(r"\.\./[\w-]+/(?:domain\.md|seeds\b)|domain spec", re.I)
SOURCE_CITATION = re.compile(r"(?:\[\d{3}\]|RFC\s?\d+)\s*§[\d.]*\d(?:\s*[–-]\s*§[\d.]*\d)?")
SECTION = re.compile(r"§\s?(\d+(?:\.\d+)*)(?:\s+(rule|step)\s+(\d+))?")
LINK = re.compile(r"domain\.md#([\w-]+)")
ANCHOR = re.compile(r'<a id="([\w-]+)"></a>')


def tracked_text_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    files = []
    for name in out.decode().split("\0"):
        path = ROOT / name
        if not name or path.resolve() == SELF or not path.is_file():
            continue
        try:
            path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        files.append(path)
    return files


def anchors() -> set[str]:
    return set(ANCHOR.findall(GUIDE.read_text()))


def anchor_of(number: str, kind: str | None, k: str | None) -> str:
    base = "s" + number.replace(".", "-")
    return f"{base}-{kind}-{k}" if kind else base


def test_the_repository_has_files_to_check() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in tracked_text_files()}
    assert {"README.md", "docs/domain.md", "libs/common/jeugdhulp_common/events.py"} <= names


def test_nothing_refers_to_a_file_outside_the_repository() -> None:
    found = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
        for p in tracked_text_files()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not found, "references outside the repository (point into docs/ instead):\n" + "\n".join(found)


def test_every_cited_section_exists_in_the_domain_guide() -> None:
    known = anchors()
    assert {"s5-1", "s9-rule-5", "s6-step-3", "s11-3"} <= known
    missing = []
    for p in tracked_text_files():
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            text = SOURCE_CITATION.sub("", line)
            for number, kind, k in SECTION.findall(text):
                if anchor_of(number, kind or None, k or None) not in known:
                    missing.append(f"{p.relative_to(ROOT)}:{n}: §{number}{f' {kind} {k}' if kind else ''}")
            for anchor in LINK.findall(line):
                if anchor not in known and p != GUIDE:
                    missing.append(f"{p.relative_to(ROOT)}:{n}: domain.md#{anchor}")
    assert not missing, "cited sections that docs/domain.md does not have:\n" + "\n".join(missing)


def test_the_checks_find_what_they_look_for() -> None:
    assert OUTSIDE.search("see ../elsewhere/domain.md") and OUTSIDE.search("../elsewhere/seeds/001.txt") and OUTSIDE.search("domain spec §5.1")
    assert SECTION.findall(SOURCE_CITATION.sub("", "[001] §7.5–§7.6 and §9 rule 5")) == [("9", "rule", "5")]
    assert anchor_of("6", "step", "3") == "s6-step-3" and anchor_of("11.10", None, None) == "s11-10"
    assert "s99" not in anchors()
