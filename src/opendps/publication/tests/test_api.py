"""GET /ocds/releases and /ocds/records/{ocid}: public, paged by a stable cursor, every
release exactly once, and bad input answered with a JSON 4xx."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from opendps.core.errors import RuleViolation
from opendps.publication import ocds, selectors
from opendps.publication.ocds import Context
from opendps.publication.selectors import Cursor
from opendps.publication.tests.conftest import World, next_page

pytestmark = pytest.mark.django_db(transaction=True)


def walk(client: Client, url: str) -> tuple[list[dict[str, Any]], int]:
    """Follow the next-page links from ``url``; the releases and the number of pages."""
    releases: list[dict[str, Any]] = []
    pages = 0
    next_url: str | None = url
    while next_url:
        response = client.get(next_url)
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json"
        body = response.json()
        releases += body["releases"]
        pages += 1
        assert "links" not in body  # not in OCDS 1.1's release package
        next_url = next_page(response)
        assert pages < 100
    return releases, pages


def test_the_next_page_links_cover_every_release_exactly_once(world: World):
    everything = list(selectors.release_iter())
    assert len(everything) == 22
    for limit in (1, 2, 7, 22, 1000):
        releases, pages = walk(Client(), f"/ocds/releases?limit={limit}")
        assert [r["id"] for r in releases] == [r["id"] for r in everything], limit
        assert pages == max(1, -(-len(everything) // limit)), limit


def test_pages_hold_exactly_the_releases_of_the_stream(world: World):
    """A page reads its rows after choosing their keys (BENCHMARKS.md H11): the releases
    must be byte for byte those built row by row by the export stream."""
    everything = json.dumps(list(selectors.release_iter()))
    for limit in (1, 3, 8, 1000):
        pages, after = [], None
        while True:
            page = selectors.release_page(since=None, after=after, limit=limit)
            pages += page.releases
            if page.next is None:
                break
            after = page.next
        assert json.dumps(pages) == everything, limit


@pytest.mark.parametrize("ocid", ["ocds-abc123-call-7", "ocds-x-market-12", "odd ocid é"])
def test_record_urls_are_those_reverse_gives(ocid: str):
    from django.urls import reverse

    ctx = Context.from_settings()
    assert ctx.record_url(ocid) == ctx.url(reverse("publication:record", args=[ocid]))
    assert ctx.record_url(ocid) == ctx.record_url(ocid)  # from the cached prefix too


def test_since_is_inclusive_and_pages_after_it(world: World):
    everything = list(selectors.release_iter())
    # The three calls and the planned call were all published at the same moment.
    since = "2027-02-10T09:00:00+00:00"
    expected = [r["id"] for r in everything if r["date"] >= "2027-02-10T09:00:00.000000Z"]
    assert len(expected) == 20
    releases, _pages = walk(Client(), f"/ocds/releases?since={since.replace('+', '%2B')}&limit=2")
    assert [r["id"] for r in releases] == expected
    # An unencoded "+" arrives as a space; it is read as the "+" it was.
    body = Client().get(f"/ocds/releases?since={since}&limit=1000").json()
    assert [r["id"] for r in body["releases"]] == expected
    # London time, a "Z", and a moment after the last release.
    body = Client().get("/ocds/releases", {"since": "2027-03-10T09:00:00Z"}).json()
    assert [r["tag"] for r in body["releases"]] == [["tenderAmendment"], ["tenderAmendment"]]
    response = Client().get("/ocds/releases", {"since": "2030-01-01T00:00:00Z"})
    assert response.json()["releases"] == [] and next_page(response) is None


def test_a_release_published_after_a_page_is_on_a_later_page(world: World, people: Any):
    """The cursor is a position in (date, id) order, not an offset: new releases do not
    shift pages a reader has already seen."""
    client = Client()
    response = client.get("/ocds/releases", {"limit": 5})
    from opendps.markets.models import MarketNotice

    MarketNotice.objects.create(
        market=world.pcr_market, kind="validity_change", published_at=world.pcr_market.ceased_at
    )
    url = next_page(response)
    assert url is not None
    rest, _pages = walk(client, url)
    ids = [r["id"] for r in response.json()["releases"] + rest]
    assert len(ids) == len(set(ids)) == 23


def test_the_package_metadata(world: World):
    response = Client().get("/ocds/releases", {"limit": 2})
    body = response.json()
    assert body["uri"] == "http://testserver/ocds/releases?limit=2"
    assert body["publisher"] == {"name": "OpenDPS", "uri": "https://opendps.example"}
    assert body["license"] == ocds.LICENSE
    assert body["publicationPolicy"] == "https://opendps.example/ocds/publication-policy"
    assert body["publishedDate"] == body["releases"][-1]["date"]
    assert body["extensions"] == list(ocds.EXTENSIONS)
    assert "links" not in body
    url = next_page(response)
    assert url is not None
    assert url.startswith("http://testserver/ocds/releases?cursor=")
    assert "limit=2" in url


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        (
            {"since": "yesterday"},
            "'since' must be a date and time with a timezone, such as 2027-01-31T09:00:00Z.",
        ),
        (
            {"since": "2027-01-31T09:00:00"},
            "'since' must be a date and time with a timezone, such as 2027-01-31T09:00:00Z.",
        ),
        ({"cursor": "not-a-cursor"}, "The cursor is not valid: start again from the first page."),
        ({"cursor": "!!!"}, "The cursor is not valid: start again from the first page."),
        ({"cursor": ""}, "The cursor is not valid: start again from the first page."),
        ({"limit": "0"}, "'limit' must be a whole number from 1 to 1000."),
        ({"limit": "1001"}, "'limit' must be a whole number from 1 to 1000."),
        ({"limit": "ten"}, "'limit' must be a whole number from 1 to 1000."),
        ({"limit": "99999999999999999999999"}, "'limit' must be a whole number from 1 to 1000."),
    ],
)
def test_bad_parameters_are_a_400_with_a_detail(query: dict[str, str], detail: str):
    response = Client().get("/ocds/releases", query)
    assert response.status_code == 400
    assert response.json()["detail"] == detail


def test_cursors_round_trip_and_a_forged_one_is_refused():
    cursor = Cursor(datetime(2027, 2, 10, 9, tzinfo=UTC), 3, 42)
    assert Cursor.decode(cursor.encode()) == cursor
    for raw in [
        "2027-02-10T09:00:00+00:00|99|1",  # no such rank
        "2027-02-10T09:00:00+00:00|3|-1",  # a negative id
        "2027-02-10T09:00:00|3|1",  # no timezone
        "2027-02-10T09:00:00+00:00|3",  # a part missing
    ]:
        forged = base64.urlsafe_b64encode(raw.encode()).decode()
        with pytest.raises(RuleViolation, match="cursor is not valid"):
            Cursor.decode(forged)


def test_records_of_unknown_or_unpublished_processes_are_404(world: World):
    ctx = Context.from_settings()
    client = Client()
    for ocid in [
        ctx.ocid("call", world.draft.pk),  # a draft call: not published
        ctx.ocid("call", 999999),
        ctx.ocid("market", 999999),
        "ocds-other-call-1",
        "nonsense",
        ctx.ocid("call", 0),
        f"{ctx.prefix}-call-{'9' * 40}",
    ]:
        response = client.get(f"/ocds/records/{ocid}")
        assert response.status_code == 404, ocid
        assert response.json() == {
            "detail": "No contracting process with that OCID has been published."
        }


def test_open_data_needs_no_sign_in_and_refuses_writes(world: World):
    client = Client()
    response = client.get("/ocds/releases")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.post("/ocds/releases").status_code == 405
    assert client.get("/ocds/publication-policy").status_code == 200


def test_notices_due_is_in_the_openapi_document(db: Any):
    document = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/notices/due" in document["paths"]
