"""Releases and records validate against the official OCDS 1.1.5 schemas, every kind of them,
and say what happened: tags, statuses, links between a call and its market, the merge."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from hashlib import sha256
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from opendps.core.calendar import LONDON
from opendps.publication import ocds, selectors
from opendps.publication.ocds import EXTENSIONS, SCHEMA_DIR, Context
from opendps.publication.tests.conftest import (
    EXTENSION_REASON,
    World,
    errors_of,
    release_validator,
    schema,
)

pytestmark = pytest.mark.django_db(transaction=True)

ALL_KINDS = {
    "planning",
    "withdrawal",
    "notice",
    "tender",
    "cancellation",
    "unsuccessful",
    "award",
    "contract",
    "amendment",
    "termination",
    "implementation",
    "tenderamendment",
}


def kind_of(release: dict[str, Any]) -> str:
    return release["id"][len(release["ocid"]) + 1 :].rsplit("-", 1)[0]


def record(ocid: str) -> dict[str, Any]:
    response = Client().get(f"/ocds/records/{ocid}")
    assert response.status_code == 200, response.content
    return response.json()


def test_every_release_kind_and_the_package_validate_with_zero_errors(world: World):
    release_schema, package_schema = release_validator()
    releases = list(selectors.release_iter())
    kinds = Counter(kind_of(r) for r in releases)
    assert set(kinds) == ALL_KINDS
    # Market notices: PCR contract notice, change, cease; PA established, modified, ceased.
    assert kinds["notice"] == 6
    for release in releases:
        assert errors_of(release_schema, release) == [], release["id"]
    package = Client().get("/ocds/releases", {"limit": 1000}).json()
    assert errors_of(package_schema, package) == []
    assert package["releases"] == releases
    assert package["version"] == "1.1"
    assert package["extensions"] == list(EXTENSIONS)
    tags = {tag for r in releases for tag in r["tag"]}
    assert tags == {
        "planning",
        "planningUpdate",
        "tender",
        "tenderAmendment",
        "tenderCancellation",
        "tenderUpdate",
        "award",
        "contract",
        "contractAmendment",
        "contractTermination",
        "implementation",
    }


def test_the_date_time_check_is_live():
    """The validator refuses a bad date-time, so the zero above means something."""
    release_schema, _package = release_validator()
    bad = {
        "ocid": "ocds-test01-call-1",
        "id": "x",
        "date": "15 March 2027",
        "tag": ["tender"],
        "initiationType": "tender",
    }
    assert any("date-time" in e for e in errors_of(release_schema, bad))


def test_records_validate_and_compile_the_latest_state(world: World):
    release_schema, _package = release_validator()
    ctx = Context.from_settings()
    ocids = {
        "pcr_market": ctx.ocid("market", world.pcr_market.pk),
        "pa_market": ctx.ocid("market", world.pa_market.pk),
        "awarded": ctx.ocid("call", world.awarded.pk),
        "cancelled": ctx.ocid("call", world.cancelled.pk),
        "no_compliant": ctx.ocid("call", world.no_compliant.pk),
        "rapid": ctx.ocid("call", world.rapid.pk),
        "planned": ctx.ocid("planned", world.planned.pk),
    }
    compiled = {}
    for name, ocid in ocids.items():
        package = record(ocid)
        (only,) = package["records"]
        assert only["ocid"] == ocid
        for release in [*only["releases"], only["compiledRelease"]]:
            assert errors_of(release_schema, release) == [], (name, release["id"])
        compiled[name] = only["compiledRelease"]
        assert compiled[name]["tag"] == ["compiled"]

    market = compiled["pcr_market"]["tender"]
    assert market["status"] == "complete"  # ceased
    assert market["techniques"] == {"hasDynamicPurchasingSystem": True}
    assert [lot["title"] for lot in market["lots"]] == ["CV and job search support", "Basic skills"]
    assert len(market["amendments"]) == 2  # the change of validity, then the cease
    assert market["contractPeriod"]["endDate"] == ocds.moment(world.pcr_market.ceased_at)
    assert compiled["pa_market"]["tender"]["procurementMethodDetails"] == (
        "Procurement Act 2023 dynamic market"
    )

    awarded = compiled["awarded"]
    assert awarded["tender"]["status"] == "complete"
    assert awarded["tender"]["numberOfTenderers"] == 2
    assert awarded["tender"]["title"] == world.awarded.title
    (award,) = awarded["awards"]
    assert award["status"] == "active"
    assert award["value"] == {"amount": 4000, "currency": "GBP"}
    (contract,) = awarded["contracts"]
    assert contract["awardID"] == award["id"]
    assert contract["dateSigned"] == ocds.moment(world.pcr_contract.entered_at)
    # Varied: the compiled contract has the new value and end, and the amendment.
    assert contract["value"] == {"amount": 4500, "currency": "GBP"}
    assert contract["period"]["endDate"] == "2027-12-31T23:59:59.999999Z"
    assert [a["description"] for a in contract["amendments"]] == [
        "The value changed from £4000 to £4500. "
        "The end date changed from no end date to 31 December 2027."
    ]
    (milestone,) = contract["implementation"]["milestones"]
    assert milestone["title"] == "CV sessions delivered"
    assert milestone["status"] == "partiallyMet"  # 7 of a target of 10
    assert milestone["type"] == "delivery"
    # ...while the contract release keeps what was signed.
    awarded_releases = record(ocids["awarded"])["records"][0]["releases"]
    assert [r["tag"] for r in awarded_releases] == [
        ["tender"],
        ["tenderAmendment"],
        ["award"],
        ["contract"],
        ["implementation"],
        ["contractAmendment"],
    ]
    signed = awarded_releases[3]["contracts"][0]
    assert signed["value"] == {"amount": 4000, "currency": "GBP"}
    assert "endDate" not in signed["period"]
    winner = next(p for p in awarded["parties"] if "supplier" in p["roles"])
    assert winner["name"] == "Alpha Support CIC"
    assert [p["name"] for p in awarded["parties"]] == ["Test Borough Council", "Alpha Support CIC"]

    # The extension: the first release keeps the published deadline, the amendment gives
    # the new one with its date and rationale, and the record compiles to the new one.
    extension = world.awarded.amendments.get()
    assert awarded_releases[0]["tender"]["tenderPeriod"]["endDate"] == ocds.moment(
        extension.previous_deadline
    )
    amended = awarded_releases[1]["tender"]
    assert amended["tenderPeriod"]["endDate"] == ocds.moment(world.awarded.deadline)
    (change,) = amended["amendments"]
    assert change["date"] == ocds.moment(extension.made_at)
    assert change["rationale"] == EXTENSION_REASON
    assert change["releaseID"] == awarded_releases[1]["id"]
    assert change["description"].startswith("The deadline for tenders was extended from ")
    assert awarded["tender"]["tenderPeriod"]["endDate"] == ocds.moment(world.awarded.deadline)
    assert [a["rationale"] for a in awarded["tender"]["amendments"]] == [EXTENSION_REASON]

    assert compiled["cancelled"]["tender"]["status"] == "cancelled"
    assert compiled["no_compliant"]["tender"]["status"] == "unsuccessful"
    assert compiled["planned"]["tender"]["status"] == "withdrawn"

    # PA: the award waits for its standstill, then the contract makes it active.
    rapid_releases = record(ocids["rapid"])["records"][0]["releases"]
    assert [r["tag"] for r in rapid_releases] == [
        ["tender"],
        ["award"],
        ["contract"],
        ["contractTermination"],
    ]
    assert rapid_releases[1]["awards"][0]["status"] == "pending"
    assert compiled["rapid"]["awards"][0]["status"] == "active"
    assert compiled["rapid"]["contracts"][0]["status"] == "terminated"


def test_a_call_points_to_its_market_and_category(world: World):
    """The market by ``relatedProcesses``; the category as the call's one lot, with the id
    of the market's lot for it (the lots extension v1.1.5 has no relatedProcesses[].relatedLots)."""
    ctx = Context.from_settings()
    releases = record(ctx.ocid("call", world.awarded.pk))["records"][0]["releases"]
    (link,) = releases[0]["relatedProcesses"]
    market_ocid = ctx.ocid("market", world.pcr_market.pk)
    assert link == {
        "id": market_ocid,
        "relationship": ["framework"],
        "title": world.pcr_market.title,
        "scheme": "ocid",
        "identifier": market_ocid,
        "uri": f"https://opendps.example/ocds/records/{market_ocid}",
    }
    lot = f"category-{world.awarded.category_id}"
    assert releases[0]["tender"]["lots"] == [{"id": lot, "title": world.awarded.category.title}]
    assert [i["relatedLot"] for i in releases[0]["tender"]["items"]] == [lot]
    assert [i["relatedLot"] for i in releases[2]["awards"][0]["items"]] == [
        lot
    ]  # after the amendment
    market = record(market_ocid)["records"][0]["compiledRelease"]
    assert lot in {lot["id"] for lot in market["tender"]["lots"]}
    planned = record(ctx.ocid("planned", world.planned.pk))["records"][0]["compiledRelease"]
    assert planned["relatedProcesses"][0]["identifier"] == market_ocid
    assert planned["tender"]["lots"][0]["id"] == f"category-{world.planned.category_id}"


def test_the_same_rows_always_give_the_same_releases(world: World):
    first = json.dumps(list(selectors.release_iter()))
    assert json.dumps(list(selectors.release_iter())) == first
    with translation.override("cy"):  # open data is English whoever reads it
        assert json.dumps(list(selectors.release_iter())) == first
    ids = [r["id"] for r in json.loads(first)]
    assert len(ids) == len(set(ids))
    assert [r["date"] for r in json.loads(first)] == sorted(r["date"] for r in json.loads(first))


def test_parties_carry_registration_numbers_and_no_contact_points(world: World):
    ctx = Context.from_settings()
    awarded = record(ctx.ocid("call", world.awarded.pk))["records"][0]["compiledRelease"]
    parties = {p["name"]: p for p in awarded["parties"]}
    assert parties["Test Borough Council"]["roles"] == ["buyer"]
    assert parties["Test Borough Council"]["address"]["postalCode"] == "TB1 1AA"
    # Alpha has no registration number: its internal id only.
    assert "identifier" not in parties["Alpha Support CIC"]
    assert parties["Alpha Support CIC"]["details"] == {"scale": "sme"}
    assert all("contactPoint" not in p for p in awarded["parties"])


@pytest.mark.parametrize(
    ("number", "identifier"),
    [
        ("01234567", {"scheme": "GB-COH", "id": "01234567"}),
        ("sc123456", {"scheme": "GB-COH", "id": "SC123456"}),
        ("1123456", {"scheme": "GB-CHC", "id": "1123456"}),
        ("NIC 100002", {"scheme": "GB-NIC", "id": "100002"}),
        ("", None),
        ("ABC", None),
    ],
)
def test_registration_numbers_map_to_org_id_schemes(number: str, identifier: Any):
    assert ocds.organisation_identifier(number) == identifier


def test_dates_are_utc_with_fixed_digits_so_text_order_is_time_order():
    summer = datetime(2027, 7, 1, 9, 0, tzinfo=LONDON)
    assert ocds.moment(summer) == "2027-07-01T08:00:00.000000Z"


# SHA-256 of the files at standard.open-contracting.org/schema/1__1__5/ (see schema/README.md).
OFFICIAL_SCHEMAS = {
    "release-schema.json": "fac192e1ccfb061f5164bdb2d64c29e517c0f81661996b97de40cebc55a2c1bc",
    "release-package-schema.json": "06577cec73cc16eca0cac331a7ea9ee9cd684b21c55f5f0711f7442623153698",
}


def test_the_shipped_schemas_are_the_official_ocds_1_1_5_files_unchanged():
    """The merge rules and the validation are OCDS 1.1.5's, byte for byte, kept in one place."""
    shipped = {path.name: sha256(path.read_bytes()).hexdigest() for path in SCHEMA_DIR.iterdir()}
    assert {name: shipped.get(name) for name in OFFICIAL_SCHEMAS} == OFFICIAL_SCHEMAS
    assert sorted(shipped) == sorted([*OFFICIAL_SCHEMAS, "LICENSE", "README.md"])
    assert ocds.RELEASE_SCHEMA == SCHEMA_DIR / "release-schema.json"
    assert schema("release-schema.json")["id"] == (
        "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
    )


def test_the_release_indexes_exist():
    from django.db import connection

    with connection.cursor() as cursor:
        names = set()
        for table in ("competitions_call", "competitions_award", "contracts_contract"):
            names |= set(connection.introspection.get_constraints(cursor, table))
    assert {
        "pub_call_published_idx",
        "pub_call_cancelled_idx",
        "pub_award_decided_idx",
        "pub_contract_entered_idx",
    } <= names
