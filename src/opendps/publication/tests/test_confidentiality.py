"""Nothing confidential reaches open data: no tender content of an unsuccessful bidder (its
answers, price, social value, even its name), no service user's needs, no reasons written to
bidders, no person's name or email."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from opendps.competitions.models import Feedback
from opendps.publication import selectors
from opendps.publication.ocds import Context
from opendps.publication.tests.conftest import (
    BUYER_FULL_NAME,
    CANCEL_REASON,
    CHANGE_REASON,
    DISPUTE_REASON,
    EXCLUSION_REASON,
    LOSER_ANSWER,
    LOSER_PRICE,
    LOSER_SOCIAL_VALUE,
    NO_COMPLIANT_REASON,
    PERFORMANCE_NOTE,
    SERVICE_USER_NEEDS,
    TERMINATION_REASON,
    World,
    next_page,
)

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def everything_published(world: World, tmp_path: Any) -> str:
    """Every page of /ocds/releases, every record, and the bulk export, as one text."""
    client = Client()
    texts = []
    url: str | None = "/ocds/releases?limit=3"
    while url:
        response = client.get(url)
        texts.append(response.content.decode())
        url = next_page(response)
    ocids = {release["ocid"] for release in selectors.release_iter()}
    for ocid in ocids:
        texts.append(client.get(f"/ocds/records/{ocid}").content.decode())
    path = tmp_path / "export.json"
    call_command("export", "ocds", str(path), "--no-progress", stdout=None)
    texts.append(path.read_text())
    return "\n".join(texts)


def test_no_unsuccessful_tender_content_nor_service_user_details(world: World, tmp_path: Any):
    # The markers really are in the database (decrypted into feedback), so the check bites.
    assert Feedback.objects.filter(content__your_price=LOSER_PRICE).count() == 2
    assert world.rapid.service_user_needs == SERVICE_USER_NEEDS
    published = everything_published(world, tmp_path)
    assert world.awarded.title in published  # the calls themselves are published
    for secret in [
        LOSER_ANSWER,
        LOSER_PRICE,
        "9876.54",
        "98765",  # the price with its point dropped
        LOSER_SOCIAL_VALUE,
        SERVICE_USER_NEEDS,
        "SUNEEDSQZX9",
        CANCEL_REASON,
        DISPUTE_REASON,
        EXCLUSION_REASON,
        NO_COMPLIANT_REASON,
        EXCLUSION_REASON,
        PERFORMANCE_NOTE,
        "PERFNOTEQZX4",
        DISPUTE_REASON,
        CHANGE_REASON,
        TERMINATION_REASON,
        "DISPUTEDMETRICQZX6",  # a disputed record is not published
        "UNCONFIRMEDMETRICQZX7",  # nor one the other party has not confirmed
        BUYER_FULL_NAME,
        "Beta Care Ltd",  # the losing bidder is not even named
        "scored",  # evaluators' reasons
    ]:
        assert secret not in published, secret
    assert EMAIL.findall(published) == []
    assert '"contactPoint"' not in published


def test_the_winner_and_the_number_of_tenderers_are_published(world: World):
    ctx = Context.from_settings()
    body = Client().get(f"/ocds/records/{ctx.ocid('call', world.rapid.pk)}").json()
    compiled = body["records"][0]["compiledRelease"]
    assert compiled["tender"]["numberOfTenderers"] == 2
    assert compiled["awards"][0]["suppliers"][0]["name"] == "Alpha Support CIC"
    assert compiled["awards"][0]["value"] == {"amount": 1000, "currency": "GBP"}
    assert "Rapid" not in compiled["tender"]["title"]
    assert "rapid call for one service user" in compiled["tender"]["procurementMethodDetails"]
