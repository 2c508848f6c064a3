"""What we publish passes the OCDS Data Review Tool's checks: lib-cove-ocds, run on real
pages and records, builds the schema extended by every extension the packages declare and
finds no validation error and no additional field.

lib-cove-ocds downloads the standard and the extensions it is told about. The test hands it
the standard as a ZIP built from the repository's copies (its ``standard_zip`` option), and
requests' transport answers from those copies and ``ocds_reference/extensions/`` (the way
requests-mock does, by patching ``HTTPAdapter.send``): a URL without a local copy, such as a
declared extension the repository has no copy of, fails the test; nothing reaches the
network.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.test import Client
from requests.adapters import HTTPAdapter
from urllib3 import HTTPResponse

from opendps.publication import ocds
from opendps.publication.ocds import SCHEMA_DIR, Context
from opendps.publication.tests.conftest import World
from opendps.publication.tests.test_ocds import ALL_KINDS, kind_of

pytestmark = pytest.mark.django_db(transaction=True)

REFERENCE = Path(__file__).with_name("ocds_reference")
OWNER = "open-contracting-extensions"
# Each declared extension (repository, ref) and its unchanged copy (ocds_reference/README.md).
EXTENSION_COPIES = {
    ("ocds_lots_extension", "v1.1.5"): "ocds_lots_extension-v1.1.5",
    ("ocds_techniques_extension", "5568b00a8dd694a3d34441bdd9ef2bd3f9d44b11"): (
        "ocds_techniques_extension-5568b00"
    ),
    ("ocds_partyDetails_scale_extension", "152cd9fb74e021e537b17d84420615acf7dec032"): (
        "ocds_partyDetails_scale_extension-152cd9f"
    ),
}
STANDARD = "https://standard.open-contracting.org/schema/1__1__5/"


def raw_base(repository: str, ref: str) -> str:
    return f"https://raw.githubusercontent.com/{OWNER}/{repository}/{ref}/"


def archive(repository: str, ref: str, folder: Path) -> bytes:
    """The ZIP GitHub serves for a repository at a ref, made of the local copy."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr(f"{repository}-{ref}/", "")
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                bundle.write(path, f"{repository}-{ref}/{path.relative_to(folder).as_posix()}")
    return buffer.getvalue()


def local_copy(url: str) -> bytes | None:
    """The repository's copy of a file of OCDS 1.1.5 or of a declared extension."""
    if url.startswith(STANDARD):
        name = url[len(STANDARD) :]
        for folder in (SCHEMA_DIR, REFERENCE / "standard"):
            if name and (folder / name).is_file():
                return (folder / name).read_bytes()
        return None
    for (repository, ref), name in EXTENSION_COPIES.items():
        folder = REFERENCE / "extensions" / name
        # ocdsextensionregistry reads a GitHub-hosted extension from its ZIP archive.
        if url == f"https://github.com/{OWNER}/{repository}/archive/{ref}.zip":
            return archive(repository, ref, folder)
        base = raw_base(repository, ref)
        if url.startswith(base) and (folder / url[len(base) :]).is_file():
            return (folder / url[len(base) :]).read_bytes()
    return None


def offline_send(refused: list[str]) -> Any:
    """``HTTPAdapter.send`` answering from the local copies, refusing anything else."""

    def send(
        adapter: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        url = str(request.url)
        content = local_copy(url)
        if content is None:
            refused.append(url)
            raise requests.ConnectionError(f"offline test: no local copy of {url}")
        raw = HTTPResponse(
            body=io.BytesIO(content),
            headers={"Content-Length": str(len(content))},
            status=200,
            reason="OK",
            preload_content=False,
            request_url=url,
        )
        response: requests.Response = adapter.build_response(request, raw)
        return response

    return send


def standard_zip() -> bytes:
    """OCDS 1.1.5's schema folder, laid out as GitHub's ZIP of the standard at 1__1__5."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("standard-1__1__5/", "")
        for name in ("release-schema.json", "release-package-schema.json"):
            archive.write(SCHEMA_DIR / name, f"standard-1__1__5/schema/{name}")
        for path in sorted((REFERENCE / "standard").rglob("*")):
            if path.is_file():
                relative = path.relative_to(REFERENCE / "standard").as_posix()
                archive.write(path, f"standard-1__1__5/schema/{relative}")
    return buffer.getvalue()


@pytest.fixture
def review(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``review(package)``: lib-cove-ocds' API output for a package, offline."""
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig
    from ocdsextensionregistry import util

    refused: list[str] = []
    util.session.cache.clear()
    monkeypatch.setattr(HTTPAdapter, "send", offline_send(refused))
    config = LibCoveOCDSConfig({"context": "api", "standard_zip": standard_zip()})

    def run(package: dict[str, Any], tmp: str) -> dict[str, Any]:
        result: dict[str, Any] = ocds_json_output(
            tmp, json_data=package, lib_cove_ocds_config=config
        )
        assert refused == [], "lib-cove-ocds asked for something with no local copy"
        return result

    yield run
    util.session.cache.clear()  # no cached copy outlives the test


def assert_clean(result: dict[str, Any]) -> None:
    assert result["extensions"]["invalid_extensions"] == []
    assert result["extensions"]["is_extended_schema"] is True
    assert sorted(e["url"] for e in result["extensions"]["extensions"]) == sorted(ocds.EXTENSIONS)
    assert result["validation_errors"] == []
    assert result["additional_fields"] == []
    assert "json_deref_error" not in result
    # ...nor a code outside a closed codelist, a deprecated field or a failed extra check.
    assert result["additional_closed_codelist_values"] == {}
    assert result["deprecated_fields"] == []
    assert not result["additional_checks"]


def test_every_declared_extension_has_a_local_copy_at_its_versioned_url():
    """No ``master``: a branch moves, and the lots extension's master no longer builds on
    OCDS 1.1.5 (it references a definition 1.1.5 lacks)."""
    declared = {f"{raw_base(*version)}extension.json" for version in EXTENSION_COPIES}
    assert declared == set(ocds.EXTENSIONS)
    assert all("/master/" not in url for url in ocds.EXTENSIONS)


def test_a_page_with_every_release_kind_passes_the_data_review(world: World, review, tmp_path):
    response = Client().get("/ocds/releases", {"limit": 1000})
    package = response.json()
    assert {kind_of(r) for r in package["releases"]} == ALL_KINDS
    assert_clean(review(package, str(tmp_path)))


def test_a_page_with_a_next_page_passes_the_data_review(world: World, review, tmp_path):
    """The next page is announced in a ``Link`` header: OCDS 1.1's release package has no
    ``links`` (it came to the package schema in 1.2, from the pagination extension)."""
    response = Client().get("/ocds/releases", {"limit": 5})
    assert 'rel="next"' in response["Link"]
    assert_clean(review(response.json(), str(tmp_path)))


def test_records_pass_the_data_review(world: World, review, tmp_path):
    ctx = Context.from_settings()
    for ocid in (
        ctx.ocid("market", world.pcr_market.pk),
        ctx.ocid("call", world.awarded.pk),
        ctx.ocid("planned", world.planned.pk),
    ):
        package = Client().get(f"/ocds/records/{ocid}").json()
        assert_clean(review(package, str(tmp_path)))


def test_the_review_is_live(world: World, review, tmp_path):
    """An unknown field and a bad value are reported, so the zeros above mean something."""
    package = Client().get("/ocds/releases", {"limit": 3}).json()
    package["releases"][0]["tender"]["madeUpField"] = "x"
    package["releases"][0]["date"] = "15 March 2027"
    result = review(package, str(tmp_path))
    assert [f["field"] for f in result["additional_fields"]] == ["madeUpField"]
    assert [e["field"] for e in result["validation_errors"]] == ["releases/date"]


# One SHA-256 over every reference file's path and SHA-256 (README.md aside): the copies are
# the official files unchanged, and a new or edited one has to be looked at.
REFERENCE_DIGEST = "2d46bb725c5caf4e35cf67561b260b8cf293a5e7c42736183bbce52d0c3482a0"


def test_the_reference_copies_are_unchanged():
    digest = hashlib.sha256()
    for path in sorted(p for p in REFERENCE.rglob("*") if p.is_file() and p.name != "README.md"):
        line = f"{path.relative_to(REFERENCE).as_posix()} {hashlib.sha256(path.read_bytes()).hexdigest()}\n"
        digest.update(line.encode())
    assert digest.hexdigest() == REFERENCE_DIGEST
