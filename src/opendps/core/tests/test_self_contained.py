"""The project stands on its own: nothing it runs or tests reads a folder beside the checkout.

A fresh clone has no ``shared`` folder next to it; the official OCDS schemas the app and the
tests need live in ``publication/schema/``. Documentation may still mention the folder.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
# What the project runs or tests: the code, the benchmarks, the test set-up, the build, CI.
CHECKED = ["src", "bench", ".ci", "conftest.py", "Makefile", "pyproject.toml"]
SKIPPED_DIRS = {"__pycache__", "node_modules", ".venv"}
# The path written out ("../shared", "shared/ocds") or built from parts (os.path.join(...,
# "shared", "ocds"), a pathlib ``.parent / "shared"``), in either slash.
OUTSIDE = re.compile(
    r"\.\.['\"]?\s*[/\\,]\s*['\"]?shared\b"
    r"|\bshared['\"]?\s*[/\\,]\s*['\"]?ocds\b"
    r"|\bparents?(?:\[\d+\])?\s*/\s*['\"]shared['\"]"
)


def files_checked() -> list[Path]:
    found = []
    for name in CHECKED:
        path = ROOT / name
        if path.is_file():
            found.append(path)
        for child in path.rglob("*") if path.is_dir() else []:
            if child.is_file() and not SKIPPED_DIRS & set(child.relative_to(ROOT).parts):
                found.append(child)
    # This file spells the path out to test the check.
    return [path for path in found if path != Path(__file__).resolve()]


def references_outside(text: str) -> list[str]:
    return [
        f"{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), 1)
        if OUTSIDE.search(line)
    ]


def test_the_check_finds_each_way_of_writing_the_path():
    """The check can fail: each spelling the project once used, or might, is caught."""
    for line in [
        'SCHEMA = Path(__file__).resolve().parents[4].parent / "shared" / "ocds" / "1.1.5"',
        "# a test holds it equal to the copy in shared/ocds/1.1.5",
        'json.load(open("../shared/ocds/1.1.5/release-schema.json"))',
        "cp -r ..\\shared\\ocds vendor",
        'os.path.join(ROOT, "..", "shared", "ocds")',
        'os.path.join(ROOT, "..", "shared")',
        'DESIGN = ROOT.parent / "shared" / "DESIGN.md"',
    ]:
        assert references_outside(line), line
    for line in ["# --- shared pieces ---", '"shared with every invitee"', "[shared] = rows"]:
        assert not references_outside(line), line


def test_nothing_run_or_tested_reads_a_shared_folder_beside_the_checkout():
    files = files_checked()
    assert ROOT / "Makefile" in files and ROOT / "src" / "opendps" / "settings.py" in files
    found = {
        str(path.relative_to(ROOT)): hits
        for path in files
        if (hits := references_outside(path.read_bytes().decode("utf-8", "replace")))
    }
    assert found == {}
