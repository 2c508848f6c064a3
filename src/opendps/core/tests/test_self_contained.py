"""The project stands on its own: nothing it runs or tests reads a folder beside the checkout.

A fresh clone has no sibling folder of briefs and references next to it; the official OCDS
schemas the app and the tests need live in ``publication/schema/``. Documentation may still
mention the folder.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
# The sibling folder's name, assembled so that this file never spells the path itself.
SIBLING = "sh" + "ared"
# What the project runs or tests: the code, the benchmarks, the test set-up, the build, CI.
CHECKED = ["src", "bench", ".ci", "conftest.py", "Makefile", "pyproject.toml"]
SKIPPED_DIRS = {"__pycache__", "node_modules", ".venv"}
# The path written out ("../<sibling>", "<sibling>/ocds") or built from parts
# (os.path.join(..., "<sibling>", "ocds"), a pathlib ``.parent / "<sibling>"``), either slash.
OUTSIDE = re.compile(
    rf"\.\.['\"]?\s*[/\\,]\s*['\"]?{SIBLING}\b"
    rf"|\b{SIBLING}['\"]?\s*[/\\,]\s*['\"]?ocds\b"
    rf"|\bparents?(?:\[\d+\])?\s*/\s*['\"]{SIBLING}['\"]"
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
    return found


def references_outside(text: str) -> list[str]:
    return [
        f"{number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), 1)
        if OUTSIDE.search(line)
    ]


def test_the_check_finds_each_way_of_writing_the_path():
    """The check can fail: each spelling the project once used, or might, is caught."""
    for line in [
        'SCHEMA = Path(__file__).resolve().parents[4].parent / "{s}" / "ocds" / "1.1.5"',
        "# a test holds it equal to the copy in {s}/ocds/1.1.5",
        'json.load(open("../{s}/ocds/1.1.5/release-schema.json"))',
        "cp -r ..\\{s}\\ocds vendor",
        'os.path.join(ROOT, "..", "{s}", "ocds")',
        'os.path.join(ROOT, "..", "{s}")',
        'DESIGN = ROOT.parent / "{s}" / "DESIGN.md"',
    ]:
        assert references_outside(line.format(s=SIBLING)), line
    for line in ["# --- {s} pieces ---", '"{s} with every invitee"', "[{s}] = rows"]:
        assert not references_outside(line.format(s=SIBLING)), line


def test_nothing_run_or_tested_reads_a_folder_beside_the_checkout():
    files = files_checked()
    assert ROOT / "Makefile" in files and ROOT / "src" / "opendps" / "settings.py" in files
    assert Path(__file__).resolve() in files  # this file too: it never spells the path
    found = {
        str(path.relative_to(ROOT)): hits
        for path in files
        if (hits := references_outside(path.read_bytes().decode("utf-8", "replace")))
    }
    assert found == {}
