"""The Common Procurement Vocabulary (CPV 2008): which codes exist and what they mean.

The list is `data/cpv_2008.json` (source and licence in `data/CPV_SOURCE.md`), read once
per process. Pure code: no database.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "cpv_2008.json"


@cache
def cpv_codes() -> dict[str, str]:
    """Every CPV 2008 code (with its check digit, ``85311200-4``) → its English description."""
    with DATA.open(encoding="utf-8") as file:
        codes: dict[str, str] = json.load(file)
    return codes


def cpv_description(code: str) -> str | None:
    """The description of a code, or None when it is not in the CPV 2008 list."""
    return cpv_codes().get(code.strip())


def cpv_described(codes: list[str]) -> list[dict[str, str]]:
    """Codes with their descriptions, for pages (an unknown code keeps an empty one)."""
    return [{"code": code, "description": cpv_description(code) or ""} for code in codes]
