"""/ocds/releases and /ocds/records/{ocid} carry an ETag and Last-Modified worked out from
the keys of their releases, answer a conditional request for an unchanged answer with an
empty 304 without building a release, and read ``until`` (and ``process``) beside ``since``."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils.http import http_date

from opendps.markets.models import MarketNotice
from opendps.publication import ocds, selectors
from opendps.publication.ocds import Context
from opendps.publication.tests.conftest import World, next_page

pytestmark = pytest.mark.django_db(transaction=True)


def new_notice(world: World) -> None:
    MarketNotice.objects.create(
        market=world.pcr_market, kind="validity_change", published_at=world.pcr_market.ceased_at
    )


def no_building(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a 304 must not build releases")

    monkeypatch.setattr(selectors, "release_page_build", refuse)
    monkeypatch.setattr(selectors, "release_list_for_ocid", refuse)


@pytest.mark.parametrize(
    "query", [{}, {"limit": "5"}, {"since": "2027-02-10T09:00:00Z", "limit": "3"}]
)
def test_the_same_page_asked_again_with_its_etag_is_a_304_with_no_body(
    world: World, monkeypatch: pytest.MonkeyPatch, query: dict[str, str]
):
    client = Client()
    first = client.get("/ocds/releases", query)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('W/"') and etag.endswith('"')
    newest = max(ocds.parse_moment(r["date"]) for r in first.json()["releases"])
    assert first["Last-Modified"] == http_date(newest.timestamp())
    assert client.get("/ocds/releases", query)["ETag"] == etag  # stable

    no_building(monkeypatch)
    again = client.get("/ocds/releases", query, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Access-Control-Allow-Origin"] == "*"
    for response in (first, again):  # scripts on other sites may read them
        assert response["Access-Control-Expose-Headers"] == "Link, ETag"
    since = client.get(
        "/ocds/releases", query, headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert since.status_code == 304 and since.content == b""


def test_another_etag_or_an_older_copy_gets_the_page(world: World):
    client = Client()
    first = client.get("/ocds/releases")
    other = client.get("/ocds/releases", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == first.content
    older = client.get("/ocds/releases", headers={"If-Modified-Since": http_date(0)})
    assert older.status_code == 200
    # Another page (other parameters) has another ETag.
    assert client.get("/ocds/releases", {"limit": 5})["ETag"] != first["ETag"]


def test_a_new_release_changes_the_etag_of_the_last_page_and_the_record(world: World):
    client = Client()
    page = client.get("/ocds/releases")
    ocid = Context.from_settings().ocid("market", world.pcr_market.pk)
    record = client.get(f"/ocds/records/{ocid}")
    new_notice(world)
    after = client.get("/ocds/releases", headers={"If-None-Match": page["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != page["ETag"]
    assert len(after.json()["releases"]) == len(page.json()["releases"]) + 1
    record_after = client.get(f"/ocds/records/{ocid}", headers={"If-None-Match": record["ETag"]})
    assert record_after.status_code == 200
    assert record_after["ETag"] != record["ETag"]


def test_a_full_last_page_changes_its_etag_when_a_next_page_appears(world: World):
    client = Client()
    total = len(list(selectors.release_iter()))
    full = client.get("/ocds/releases", {"limit": total})
    assert next_page(full) is None
    new_notice(world)
    after = client.get("/ocds/releases", {"limit": total}, headers={"If-None-Match": full["ETag"]})
    assert after.status_code == 200
    assert next_page(after) is not None


def test_a_record_asked_again_with_its_etag_is_a_304(world: World, monkeypatch: pytest.MonkeyPatch):
    client = Client()
    ocid = Context.from_settings().ocid("call", world.awarded.pk)
    first = client.get(f"/ocds/records/{ocid}")
    assert first.status_code == 200
    releases = first.json()["records"][0]["releases"]
    assert first["Last-Modified"] == http_date(
        max(ocds.parse_moment(r["date"]) for r in releases).timestamp()
    )
    no_building(monkeypatch)
    again = client.get(f"/ocds/records/{ocid}", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    missing = client.get("/ocds/records/nonsense", headers={"If-None-Match": first["ETag"]})
    assert missing.status_code == 404


def test_until_is_inclusive_and_excludes_later_releases(world: World):
    everything = list(selectors.release_iter())
    until = "2027-02-10T09:00:00Z"
    expected = [r["id"] for r in everything if r["date"] <= "2027-02-10T09:00:00.000000Z"]
    assert 0 < len(expected) < len(everything)
    body = Client().get("/ocds/releases", {"until": until}).json()
    assert [r["id"] for r in body["releases"]] == expected
    # Paged: the next page keeps the bound.
    client = Client()
    seen: list[str] = []
    url: str | None = f"/ocds/releases?until={until}&limit=2"
    while url:
        response = client.get(url)
        seen += [r["id"] for r in response.json()["releases"]]
        url = next_page(response)
        assert url is None or "until=" in url
    assert seen == expected
    # With since: a window.
    window = Client().get("/ocds/releases", {"since": until, "until": until}).json()
    assert {r["date"] for r in window["releases"]} == {"2027-02-10T09:00:00.000000Z"}


def test_process_keeps_one_kind_of_contracting_process(world: World):
    everything = list(selectors.release_iter())
    prefix = Context.from_settings().prefix
    for process in ("market", "call", "planned"):
        body = Client().get("/ocds/releases", {"process": process}).json()
        expected = [r["id"] for r in everything if r["ocid"].startswith(f"{prefix}-{process}-")]
        assert expected
        assert [r["id"] for r in body["releases"]] == expected


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        (
            {"until": "tomorrow"},
            "'until' must be a date and time with a timezone, such as 2027-01-31T09:00:00Z.",
        ),
        (
            {"until": "2027-01-31T09:00:00"},
            "'until' must be a date and time with a timezone, such as 2027-01-31T09:00:00Z.",
        ),
        (
            {"since": "2027-02-01T00:00:00Z", "until": "2027-01-31T00:00:00Z"},
            "'until' must not be before 'since'.",
        ),
        ({"process": "contract"}, "'process' must be one of: market, call, planned."),
    ],
)
def test_bad_until_or_process_is_a_400_with_a_detail(db: Any, query: dict[str, str], detail: str):
    response = Client().get("/ocds/releases", query)
    assert response.status_code == 400
    assert response.json()["detail"] == detail
