"""``opendps export ocds FILE``: one valid release package with every release, written as a
stream (memory is measured by bench/ocds_export.py, not asserted here)."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from opendps.publication import selectors
from opendps.publication.tests.conftest import World, errors_of, release_validator

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_export_is_a_valid_package_of_every_release(world: World, tmp_path: Any, capsys):
    _release, package_schema = release_validator()
    path = tmp_path / "ocds.json"
    out = StringIO()
    call_command("export", "ocds", str(path), "--chunk-size", "2", stdout=out)
    package = json.loads(path.read_text())
    assert errors_of(package_schema, package) == []
    assert package["releases"] == list(selectors.release_iter())
    assert package["uri"] == "https://opendps.example/ocds/releases"
    assert package["publishedDate"] == package["releases"][-1]["date"]
    assert out.getvalue().strip() == f"Wrote 22 releases to {path}"
    assert not list(tmp_path.glob(".*partial"))
    # The progress bar goes to stderr, never into the file or stdout.
    assert "releases" in capsys.readouterr().err


def test_an_empty_export_is_still_a_package(db: Any, tmp_path: Any):
    path = tmp_path / "ocds.json"
    call_command("export", "ocds", str(path), "--no-progress", stdout=StringIO())
    package = json.loads(path.read_text())
    assert package["releases"] == [] and package["version"] == "1.1"


def test_a_missing_directory_is_a_clear_error(db: Any, tmp_path: Any):
    with pytest.raises(CommandError, match="No such directory"):
        call_command("export", "ocds", str(tmp_path / "nope" / "ocds.json"))


def test_the_nightly_export_is_downloadable_by_anyone(world: World):
    from django.test import Client

    from opendps.publication.tasks import bulk_export_write

    missing = Client().get("/ocds/export")
    assert missing.status_code == 404
    assert "written every night" in missing.json()["detail"]
    assert bulk_export_write() == 22
    response = Client().get("/ocds/export")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'filename="opendps-ocds-releases.json"' in response["Content-Disposition"]
    package = json.loads(b"".join(response.streaming_content))
    assert package["releases"] == list(selectors.release_iter())
    assert bulk_export_write() == 22  # the next night replaces it
    assert Client().get("/ocds/export").status_code == 200
