"""Refreshing the copy of GOV.UK's bank-holiday lists (``opendps bank_holidays refresh``).

No network: the download is a local file or a patched ``urlopen``.
"""

import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from opendps.core import bank_holidays
from opendps.core.bank_holidays import DATA_PATH, DIVISIONS, SOURCE_URL


def event(day: str, title: str = "Bank holiday") -> dict[str, object]:
    return {"title": title, "date": day, "notes": "", "bunting": True}


def document(events_by_division: dict[str, list[dict[str, object]]]) -> dict[str, object]:
    return {
        division: {"division": division, "events": events}
        for division, events in events_by_division.items()
    }


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A working copy of the repository's data file."""
    target = tmp_path / "bank-holidays.json"
    shutil.copyfile(DATA_PATH, target)
    return target


def dates(path: Path, division: str) -> list[str]:
    return [e["date"] for e in json.loads(path.read_text(encoding="utf-8"))[division]["events"]]


def test_refresh_replaces_the_downloaded_years_and_keeps_the_others(copy, tmp_path):
    """GOV.UK drops old years: 2012-2024 and 2028 stay; 2025-2027 become the download's,
    so a withdrawn day disappears and a new one appears."""
    before = {division: dates(copy, division) for division in DIVISIONS}
    download = tmp_path / "download.json"
    new = [event("2025-01-01"), event("2026-06-15", "New one-off"), event("2027-12-27")]
    download.write_text(
        json.dumps(document({division: new for division in DIVISIONS})), encoding="utf-8"
    )

    call_command("bank_holidays", "refresh", "--source", str(download), "--output", str(copy))

    for division in DIVISIONS:
        kept = [d for d in before[division] if not "2025" <= d[:4] <= "2027"]
        assert dates(copy, division) == sorted([*kept, "2025-01-01", "2026-06-15", "2027-12-27"])
        assert "2012-01-02" in dates(copy, division)
        assert "2026-12-25" not in dates(copy, division)


def test_refresh_with_unchanged_data_leaves_the_file_byte_for_byte(copy):
    original = copy.read_bytes()
    out = io.StringIO()
    call_command(
        "bank_holidays", "refresh", "--source", str(DATA_PATH), "--output", str(copy), stdout=out
    )
    assert copy.read_bytes() == original
    assert "2012" in out.getvalue() and "Restart OpenDPS" in out.getvalue()


def test_refresh_refuses_a_document_without_every_division_and_writes_nothing(copy, tmp_path):
    original = copy.read_bytes()
    download = tmp_path / "download.json"
    download.write_text(
        json.dumps(document({"england-and-wales": [event("2026-01-01")]})), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="the division scotland is missing"):
        call_command("bank_holidays", "refresh", "--source", str(download), "--output", str(copy))
    assert copy.read_bytes() == original


def test_refresh_refuses_an_event_without_a_valid_date(copy, tmp_path):
    download = tmp_path / "download.json"
    bad = {division: [event("2026-02-30")] for division in DIVISIONS}
    download.write_text(json.dumps(document(bad)), encoding="utf-8")
    with pytest.raises(CommandError, match="an event of england-and-wales has no valid date"):
        call_command("bank_holidays", "refresh", "--source", str(download), "--output", str(copy))


def test_refresh_downloads_from_govuk_by_default(copy, monkeypatch):
    requested = []

    def fake_urlopen(url, timeout):
        requested.append((url, timeout))
        return io.BytesIO(DATA_PATH.read_bytes())

    monkeypatch.setattr(bank_holidays.urllib.request, "urlopen", fake_urlopen)
    call_command("bank_holidays", "refresh", "--output", str(copy), stdout=io.StringIO())
    assert requested == [(SOURCE_URL, 30)]
    assert copy.read_bytes() == DATA_PATH.read_bytes()
