"""Market pages: who may open which page, and setting up, publishing and running a market
through the forms (the services' refusals shown in the error summary, nothing written)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from opendps.core import clock
from opendps.core.calendar import LONDON, london_date
from opendps.markets.models import Category, Market, MarketNotice
from opendps.markets.status import MarketStatus, market_status
from opendps.testing.factories import make_market
from opendps.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "supplier_a_admin",
    "supplier_b_admin",
    "buyer",
    "evaluator",
    "commissioner",
    "authority_admin",
    "other_buyer",
    "staff",
]
SIGN_IN = 302


def client_as(people, role):
    return client_for(None if role == "anonymous" else people.by_name(role))


@pytest.fixture
def market(people):
    return make_market(people)


@pytest.fixture
def draft(people):
    return make_market(people, publish=False)


def expect(**overrides):
    """Expected status per role: ``default`` for every role not named."""
    default = overrides.pop("default")
    return {role: overrides.get(role, default) for role in ROLES}


AUTHORITY_ONLY_DRAFT = expect(
    default=404, anonymous=SIGN_IN, buyer=403, evaluator=403, commissioner=200, authority_admin=200
)
MANAGERS_OF_PUBLISHED = expect(
    default=403, anonymous=SIGN_IN, commissioner=200, authority_admin=200
)

PAGES = [
    # (name, path built from the fixtures, expected status per role)
    ("list", lambda m, d: "/markets", expect(default=200)),
    ("detail of a published market", lambda m, d: f"/markets/{m.pk}", expect(default=200)),
    (
        "detail of a draft",
        lambda m, d: f"/markets/{d.pk}",
        expect(
            default=404,
            buyer=200,
            evaluator=200,
            commissioner=200,
            authority_admin=200,
        ),
    ),
    (
        "questionnaire of a published market",
        lambda m, d: f"/markets/{m.pk}/categories/{m.categories.get().pk}/questionnaire",
        expect(default=200),
    ),
    (
        "questionnaire of a draft",
        lambda m, d: f"/markets/{d.pk}/categories/{d.categories.get().pk}/questionnaire",
        expect(default=404, buyer=200, evaluator=200, commissioner=200, authority_admin=200),
    ),
    (
        "create",
        lambda m, d: "/markets/new",
        expect(default=403, anonymous=SIGN_IN, commissioner=200, authority_admin=200),
    ),
    ("edit a draft", lambda m, d: f"/markets/{d.pk}/edit", AUTHORITY_ONLY_DRAFT),
    ("add a category", lambda m, d: f"/markets/{d.pk}/categories/new", AUTHORITY_ONLY_DRAFT),
    ("publish", lambda m, d: f"/markets/{d.pk}/publish", AUTHORITY_ONLY_DRAFT),
    ("change validity", lambda m, d: f"/markets/{m.pk}/validity", MANAGERS_OF_PUBLISHED),
    ("cease", lambda m, d: f"/markets/{m.pk}/cease", MANAGERS_OF_PUBLISHED),
    (
        "members",
        lambda m, d: f"/markets/{m.pk}/members",
        expect(
            default=403,
            anonymous=SIGN_IN,
            buyer=200,
            evaluator=200,
            commissioner=200,
            authority_admin=200,
        ),
    ),
    (
        "your markets",
        lambda m, d: "/manage/markets",
        expect(
            default=200, anonymous=SIGN_IN, supplier_a_admin=403, supplier_b_admin=403, staff=403
        ),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "path", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_who_can_open_each_market_page(people, market, draft, role, page, path, expected):
    response = client_as(people, role).get(path(market, draft))
    assert response.status_code == expected[role], (page, role)
    if expected[role] == SIGN_IN:
        assert response["Location"].startswith("/account/sign-in")


def test_a_draft_never_appears_in_the_public_list_or_to_another_authority(people, market, draft):
    """The list shows open markets; a draft is seen only by its own authority's people."""
    page = client_for(people.supplier_a_admin).get("/markets").content.decode()
    assert f"/markets/{market.pk}" in page
    assert f"/markets/{draft.pk}" not in page
    other = client_for(people.other_buyer).get("/manage/markets").content.decode()
    assert f"/markets/{draft.pk}" not in other
    own = client_for(people.buyer).get("/manage/markets").content.decode()
    assert f"/markets/{draft.pk}" in own


def test_detail_shows_apply_to_suppliers_and_manage_actions_to_the_commissioner(people, market):
    supplier_page = client_for(people.supplier_a_admin).get(f"/markets/{market.pk}")
    assert "Apply to join" in supplier_page.content.decode()
    assert "Manage this market" not in supplier_page.content.decode()
    commissioner_page = client_for(people.commissioner).get(f"/markets/{market.pk}")
    text = commissioner_page.content.decode()
    assert "Manage this market" in text
    assert f"/markets/{market.pk}/cease" in text
    assert "Apply to join" not in text
    assert "Contract notice" in text  # the notice published with the market


def date_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def market_form(regime="pcr2015_dps", **extra):
    today = london_date(clock.now())
    data = {
        "regime": regime,
        "title": "Home Support Dynamic Market",
        "description": "Care at home.\n\nIn four zones.",
        "cpv_codes": "85000000-9, 85312000-9",
        "estimated_value": "2500000",
        "estimated_purchases": "300",
        **date_fields("validity_starts_at", today),
        **date_fields("validity_ends_at", today + timedelta(days=730)),
        "vulnerable_people": "on",
    }
    return data | extra


def test_commissioner_sets_up_a_pcr_market_with_dates_as_whole_london_days(people):
    response = client_for(people.commissioner).post("/markets/new", market_form())
    market = Market.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/markets/{market.pk}"
    assert market.authority == people.authority
    assert market.cpv_codes == ["85000000-9", "85312000-9"]
    assert market.estimated_value == Decimal("2500000")
    assert market.vulnerable_people is True and market.light_touch is False
    starts = market.validity_starts_at.astimezone(LONDON)
    ends = market.validity_ends_at.astimezone(LONDON)
    assert (starts.hour, starts.minute) == (0, 0)
    assert (ends.hour, ends.minute, ends.second) == (23, 59, 59)
    assert market_status(market) == MarketStatus.DRAFT


def test_fields_of_the_other_regime_are_not_passed_on(people):
    """A PA 2023 market ignores a first period typed under the PCR radio, and keeps its own
    assessment period and fee."""
    data = market_form(
        "pa2023_dynamic_market",
        assessment_working_days="12",
        supplier_fee_percent="1.5",
        **date_fields("first_period_ends_at", date(2030, 1, 1)),
    )
    assert client_for(people.commissioner).post("/markets/new", data).status_code == 302
    market = Market.objects.get()
    assert market.first_period_ends_at is None
    assert market.assessment_working_days == 12
    assert market.supplier_fee_percent == Decimal("1.5")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cpv_codes": "79600000"}, "is not a CPV code"),
        ({"title": ""}, "Enter a title"),
        (
            {"validity_ends_at_day": "31", "validity_ends_at_month": "2"},
            "Period of validity ends must be a real date",
        ),
        ({"estimated_value": "lots"}, "Enter the estimated total value as a number"),
        ({"estimated_value": "0"}, "The estimated value must be more than zero."),
        ({"regime": ""}, "Choose the rules the market runs under"),
    ],
)
def test_bad_market_details_show_an_error_and_create_nothing(people, change, message):
    response = client_for(people.commissioner).post("/markets/new", market_form(**change))
    text = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in text
    assert message in text
    assert "<title>Error:" in text
    assert not Market.objects.exists()


def test_edit_a_draft_then_add_categories_and_publish(people, draft, mailbox):
    client = client_for(people.commissioner)
    data = market_form(title="Renamed DPS")
    data.pop("regime")
    assert client.post(f"/markets/{draft.pk}/edit", data).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Renamed DPS"

    response = client.post(
        f"/markets/{draft.pk}/categories/new",
        {
            "title": "Confidence and motivation",
            "service_type": "Group sessions",
            "areas": "Cardiff, Newport",
            "max_contract_value": "50000",
        },
    )
    assert response.status_code == 302
    category = Category.objects.get(title="Confidence and motivation")
    assert category.areas == ["Cardiff", "Newport"]
    assert category.questionnaire_versions.count() == 1

    duplicate = client.post(f"/markets/{draft.pk}/categories/new", {"title": category.title})
    assert duplicate.status_code == 200
    assert "There is a problem" in duplicate.content.decode()
    assert Category.objects.filter(title=category.title).count() == 1

    confirm = client.get(f"/markets/{draft.pk}/publish")
    assert "Publishing makes the market and its notice public" in confirm.content.decode()
    published = client.post(f"/markets/{draft.pk}/publish")
    assert published.status_code == 302
    draft.refresh_from_db()
    assert market_status(draft) == MarketStatus.OPEN
    assert draft.first_period_ends_at is not None  # the legal minimum, set at publication
    assert MarketNotice.objects.filter(market=draft).count() == 1


def test_publishing_without_categories_is_refused_on_the_page(people):
    empty = make_market(people, publish=False, categories=())
    response = client_for(people.commissioner).post(f"/markets/{empty.pk}/publish")
    assert response.status_code == 200
    assert "Add at least one category before publishing." in response.content.decode()
    empty.refresh_from_db()
    assert empty.published_at is None


def test_a_buyer_of_the_authority_cannot_publish(people, draft):
    response = client_for(people.buyer).post(f"/markets/{draft.pk}/publish")
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.published_at is None


def test_change_the_period_of_validity_needs_a_reason_and_publishes_a_notice(people, market):
    client = client_for(people.commissioner)
    new_end = london_date(market.validity_ends_at) + timedelta(days=100)
    missing = client.post(
        f"/markets/{market.pk}/validity", date_fields("validity_ends_at", new_end)
    )
    assert "Enter the reason for the change" in missing.content.decode()
    response = client.post(
        f"/markets/{market.pk}/validity",
        date_fields("validity_ends_at", new_end) | {"reason": "Demand is higher than expected"},
    )
    assert response.status_code == 302
    market.refresh_from_db()
    assert london_date(market.validity_ends_at) == new_end
    assert market.notices.filter(kind="validity_change").exists()


def test_cease_ends_the_market_at_once(people, market):
    client = client_for(people.commissioner)
    page = client.get(f"/markets/{market.pk}/cease").content.decode()
    assert "cannot be reopened" in page
    assert client.post(f"/markets/{market.pk}/cease", {"reason": ""}).status_code == 200
    market.refresh_from_db()
    assert market.ceased_at is None
    response = client.post(f"/markets/{market.pk}/cease", {"reason": "Service recommissioned"})
    assert response.status_code == 302
    market.refresh_from_db()
    assert market_status(market) == MarketStatus.CEASED
    again = client.post(f"/markets/{market.pk}/cease", {"reason": "twice"})
    assert "The market is not open." in again.content.decode()
    # no longer listed as open
    assert f"/markets/{market.pk}" not in client_for(None).get("/markets").content.decode()


def test_home_page_lists_drafts_to_publish_for_the_commissioner(people, draft):
    text = client_for(people.commissioner).get("/").content.decode()
    assert f"Publish {draft.title}" in text
    assert f"Publish {draft.title}" not in client_for(people.buyer).get("/").content.decode()


def test_navigation_by_role(people):
    commissioner = client_for(people.commissioner).get("/").content.decode()
    assert "Your markets" in commissioner and "Applications to assess" in commissioner
    supplier = client_for(people.supplier_a_admin).get("/").content.decode()
    assert "Find markets" in supplier and "Your applications" in supplier
    assert "Your memberships" in supplier and "Your markets" not in supplier
    evaluator = client_for(people.evaluator).get("/").content.decode()
    assert "Applications to assess" in evaluator and "Your markets" not in evaluator
    staff = client_for(people.staff).get("/").content.decode()
    assert "Debarment list" in staff
    assert "Debarment list" not in supplier
