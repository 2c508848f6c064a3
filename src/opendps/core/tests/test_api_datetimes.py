"""One form for every moment the API returns: UTC, ISO 8601, to the millisecond, with ``Z``.

A market's whole life is driven through /api/v1 (POST, PUT and GET, as the people of every
role), once in winter and once in British Summer Time, and every JSON answer is walked:
a string that looks like a date and time must be UTC with ``Z``, never ``+01:00`` or
``+00:00``. Every operation of the OpenAPI document must be exercised, so a new endpoint
is checked as soon as it exists.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from opendps.core import clock
from opendps.core.calendar import LONDON
from opendps.testing.fixtures import ApiClient

pytestmark = pytest.mark.django_db

LOOKS_LIKE_A_MOMENT = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d")
UTC_WITH_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")  # clock.utc_text

QUESTIONS = [
    {"id": "name", "text": "What is your organisation's legal name?", "kind": "text"},
    {
        "id": "fraud",
        "text": "Has your organisation been convicted of fraud?",
        "kind": "yes_no",
        "rule": {"kind": "in", "values": ["no"]},
        "failure": "mandatory_exclusion",
    },
]
ROLES = [
    "authority_admin",
    "commissioner",
    "buyer",
    "evaluator",
    "other_buyer",
    "supplier_a_admin",
    "supplier_b_admin",
    "anonymous",
]


def moments(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(JSON path, text) of every string in ``value`` that looks like a date and time."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from moments(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from moments(item, f"{where}[{index}]")
    elif isinstance(value, str) and LOOKS_LIKE_A_MOMENT.match(value):
        yield where, value


def test_moments_finds_nested_date_times_and_ignores_dates() -> None:
    """The walker itself: nested values are found, plain dates and other text are not."""
    body = {
        "a": "2027-07-05T09:00:00+01:00",
        "b": [{"c": "2027-07-05 08:00:00Z"}, "2027-07-05"],
        "d": "ok",
        "e": 3,
    }
    assert list(moments(body)) == [
        (".a", "2027-07-05T09:00:00+01:00"),
        (".b[0].c", "2027-07-05 08:00:00Z"),
    ]
    assert UTC_WITH_Z.match("2027-07-05T08:00:00.123Z")
    assert not UTC_WITH_Z.match("2027-07-05T08:00:00Z")
    assert not UTC_WITH_Z.match("2027-07-05T09:00:00.000+01:00")
    assert not UTC_WITH_Z.match("2027-07-05T08:00:00.000+00:00")


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (datetime(2027, 7, 5, 9, 0, 0, 999, tzinfo=LONDON), "2027-07-05T08:00:00.000Z"),
        (datetime(2027, 7, 5, 23, 59, 59, 999999, tzinfo=LONDON), "2027-07-05T22:59:59.999Z"),
        (datetime(2027, 1, 5, 9, 30, tzinfo=LONDON), "2027-01-05T09:30:00.000Z"),
        (datetime(2027, 1, 5, 9, 30, tzinfo=UTC), "2027-01-05T09:30:00.000Z"),
    ],
)
def test_utc_text_writes_one_fixed_width_form(moment, text):
    assert clock.utc_text(moment) == text


def test_utc_text_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="naive"):
        clock.utc_text(datetime(2027, 7, 5, 9))


class Recorder:
    """API clients that keep every JSON answer and the OpenAPI operation it came from."""

    def __init__(self, api_client_for: Any, people: Any) -> None:
        spec = Client().get("/api/v1/openapi.json").json()
        self.operations = {
            (method.upper(), path) for path, methods in spec["paths"].items() for method in methods
        }
        self.templates = [
            (re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"), path)
            for path in spec["paths"]
        ]
        self.clients = {
            role: api_client_for(None if role == "anonymous" else people.by_name(role))
            for role in ROLES
        }
        self.answers: list[tuple[str, str, str, int, Any]] = []
        self.succeeded: set[tuple[str, str]] = set()

    def _operation(self, method: str, path: str) -> tuple[str, str]:
        for pattern, template in self.templates:
            if pattern.match(path) and (method, template) in self.operations:
                return method, template
        raise AssertionError(f"{method} {path} is not in the OpenAPI document")

    def call(self, role: str, method: str, path: str, data: Any = None, **params: Any) -> Any:
        client: ApiClient = self.clients[role]
        if method == "GET":
            response = client.get(path, **params)
        elif method == "POST":
            response = client.post(path, data)
        else:
            response = client.client.generic(
                method,
                path,
                b"" if data is None else json.dumps(data),
                content_type="application/json",
                headers=client._headers(),
            )
        body = response.json() if response.content else None
        self.answers.append((role, method, path, response.status_code, body))
        if response.status_code < 300:
            self.succeeded.add(self._operation(method, path))
        return response

    def ok(self, role: str, method: str, path: str, data: Any = None, **params: Any) -> Any:
        response = self.call(role, method, path, data, **params)
        assert response.status_code < 300, (method, path, role, response.json())
        return response.json()


def drive_the_api(api: Recorder, people: Any, start: datetime) -> None:
    """A PCR 2015 DPS from its creation to a contract with performance records, through
    the API only; then every GET operation as every role."""
    with time_machine.travel(start, tick=False):
        market = api.ok(
            "commissioner",
            "POST",
            "/api/v1/markets",
            {
                "authority_id": people.authority.pk,
                "regime": "pcr2015_dps",
                "title": "Employment Support DPS",
                "description": "Support for people looking for work.",
                "cpv_codes": ["79600000-0"],
                "light_touch": True,  # employment services: rapid calls may be run
                "estimated_value": "1000000",
                "estimated_purchases": 500,
                "validity_starts_at": start.isoformat(),
                "validity_ends_at": (start + timedelta(days=365)).isoformat(),
            },
        )
        m = f"/api/v1/markets/{market['id']}"
        category = api.ok(
            "commissioner", "POST", f"{m}/categories", {"title": "Coaching", "questions": QUESTIONS}
        )
        market = api.ok("commissioner", "POST", f"{m}/publish")
        applications = {}
        for role in ("supplier_a_admin", "supplier_b_admin"):
            [applications[role]] = api.ok(
                role,
                "POST",
                f"{m}/applications",
                {"category_ids": [category["id"]], "answers": {"name": role, "fraud": "no"}},
            )
        first = f"/api/v1/applications/{applications['supplier_a_admin']['id']}"
        api.ok("evaluator", "POST", f"{first}/extension", {"reason": "References to check."})
        for application in applications.values():
            api.ok(
                "evaluator",
                "POST",
                f"/api/v1/applications/{application['id']}/decision",
                {"outcome": "admitted"},
            )
        members = api.ok("supplier_a_admin", "GET", f"{m}/members")["items"]
        alpha_member = next(x for x in members if x["supplier_id"] == people.supplier_a.pk)
        api.ok(
            "supplier_a_admin",
            "PUT",
            f"/api/v1/members/{alpha_member['id']}/offer",
            {"description": "1-2-1 CV coaching", "price_per_hour": "32.50"},
        )

    # PCR 2015 reg 34: no call until the first period for requests is over.
    after_first_period = datetime.fromisoformat(market["first_period_ends_at"])
    with time_machine.travel(after_first_period + timedelta(hours=1), tick=False):
        now = after_first_period + timedelta(hours=1)

        def new_call(title: str) -> tuple[dict[str, Any], str]:
            call = api.ok(
                "buyer",
                "POST",
                "/api/v1/competitions",
                {
                    "category_id": category["id"],
                    "title": title,
                    "requirement": "Weekly 1-2-1 sessions for 8 weeks.",
                    "estimated_value": "6000",
                    "deadline": (now + timedelta(days=12)).isoformat(),
                },
            )
            path = f"/api/v1/competitions/{call['id']}"
            return api.ok("buyer", "POST", f"{path}/publish"), path

        call, c = new_call("Job search support")
        _, closed = new_call("Nobody compliant")
        _, cancelled = new_call("To be cancelled")
        api.ok("buyer", "POST", f"{cancelled}/cancel", {"reason": "Budget withdrawn."})
        draft = api.ok(
            "buyer",
            "POST",
            "/api/v1/competitions",
            {
                "category_id": category["id"],
                "title": "A draft to change",
                "requirement": "Weekly sessions.",
                "estimated_value": "6000",
                "deadline": (now + timedelta(days=12)).isoformat(),
            },
        )
        api.ok(
            "buyer",
            "PUT",
            f"/api/v1/competitions/{draft['id']}",
            {
                "title": "A draft, changed",
                "requirement": "Weekly sessions, some online.",
                "estimated_value": "7000",
                "deadline": draft["deadline"],
            },
        )
        _, amended = new_call("Changed after publishing")
        api.ok("buyer", "POST", f"{amended}/notices", {"text": "Sessions may be online."})
        api.ok(
            "buyer",
            "POST",
            f"{amended}/deadline",
            {"deadline": (now + timedelta(days=14)).isoformat(), "reason": "Time to read it."},
        )

        asked = api.ok("supplier_a_admin", "POST", f"{c}/questions", {"question": "Online?"})
        api.ok("buyer", "POST", f"{c}/questions/{asked['id']}/answer", {"answer": "Half of them."})
        answers = {k["key"]: "Our approach." for k in call["criteria"] if k["kind"] != "price"}
        api.ok("supplier_a_admin", "POST", f"{c}/tenders", {"price": "4500", "answers": answers})
        api.ok("supplier_a_admin", "POST", f"{c}/tenders/withdraw")
        receipt = api.ok(
            "supplier_a_admin", "POST", f"{c}/tenders", {"price": "4000", "answers": answers}
        )
        api.ok("supplier_b_admin", "POST", f"{c}/tenders", {"price": "5000", "answers": answers})
        api.ok("anonymous", "POST", "/api/v1/receipts/verify", receipt)
        api.ok("supplier_b_admin", "POST", f"{closed}/tenders", {"price": "1", "answers": answers})

        # Care brokerage: a rapid call with a placement to accept within 2 hours.
        api.ok(
            "supplier_a_admin",
            "POST",
            "/api/v1/capacity",
            {
                "member_id": alpha_member["id"],
                "zone": "Leeds",
                "kind": "care_hours",
                "amount": "20",
                "available_from": now.date().isoformat(),
            },
        )
        rapid = api.ok(
            "buyer",
            "POST",
            "/api/v1/competitions",
            {
                "category_id": category["id"],
                "title": "Coaching for one claimant this week",
                "requirement": "Three sessions.",
                "estimated_value": "300",
                "deadline": (now + timedelta(hours=3)).isoformat(),
                "rapid": True,
                "service_user_needs": "Confidence building before interviews.",
                "acceptance_hours": 2,
            },
        )
        r = f"/api/v1/competitions/{rapid['id']}"
        rapid = api.ok("buyer", "POST", f"{r}/publish")
        api.ok("supplier_a_admin", "POST", f"{r}/tenders/from-offer", {})
        rapid_answers = {
            k["key"]: "Our approach." for k in rapid["criteria"] if k["kind"] != "price"
        }
        api.ok(
            "supplier_b_admin", "POST", f"{r}/tenders", {"price": "30", "answers": rapid_answers}
        )

    with time_machine.travel(
        datetime.fromisoformat(rapid["deadline"]) + timedelta(minutes=1), tick=False
    ):
        api.ok("buyer", "POST", f"{r}/open")
        api.ok("evaluator", "POST", f"{r}/conflict", {"has_conflict": False})
        rapid_scores = {
            str(t["submission_id"]): {
                key: {"score": 4 if n == 0 else 2, "reason": "Sound."} for key in rapid_answers
            }
            for n, t in enumerate(api.ok("buyer", "GET", f"{r}/tenders")["items"])
        }
        api.ok("evaluator", "POST", f"{r}/scores", {"scores": rapid_scores, "submit": True})
        api.ok("commissioner", "POST", f"{r}/moderation", {"scores": rapid_scores})
        api.ok("buyer", "POST", f"{r}/award")
        [first] = api.ok("buyer", "GET", "/api/v1/placements", call_id=rapid["id"])["items"]
        first_role, second_role = (
            ("supplier_a_admin", "supplier_b_admin")
            if first["supplier_id"] == people.supplier_a.pk
            else ("supplier_b_admin", "supplier_a_admin")
        )
        p = f"/api/v1/placements/{first['id']}"
        api.ok(first_role, "POST", f"{p}/decline", {"reason": "No coach free this week."})
        [second] = api.ok(second_role, "GET", "/api/v1/placements", status="waiting")["items"]
        api.ok(second_role, "POST", f"/api/v1/placements/{second['id']}/acceptance")

    deadline = datetime.fromisoformat(call["deadline"])
    with time_machine.travel(deadline + timedelta(minutes=1), tick=False):
        api.ok("buyer", "POST", f"{c}/open")
        api.ok("evaluator", "POST", f"{c}/conflict", {"has_conflict": False})
        tenders = api.ok("buyer", "GET", f"{c}/tenders")["items"]
        scores = {
            str(t["submission_id"]): {key: {"score": 3, "reason": "Sound."} for key in answers}
            for t in tenders
        }
        api.ok("evaluator", "POST", f"{c}/scores", {"scores": scores, "submit": True})
        api.ok("commissioner", "POST", f"{c}/moderation", {"scores": scores})
        award = api.ok("buyer", "POST", f"{c}/award", {"voluntary_standstill": True})
        # The losing bidder challenges during standstill; the buyer answers every step.
        loser = (
            "supplier_b_admin"
            if award["winner_supplier_id"] == people.supplier_a.pk
            else "supplier_a_admin"
        )
        challenge = api.ok(
            loser,
            "POST",
            "/api/v1/challenges",
            {"kind": "award", "decision_id": call["id"], "grounds": "Scored unfairly."},
        )
        ch = f"/api/v1/challenges/{challenge['id']}"
        api.ok("buyer", "POST", f"{ch}/acknowledgement", {"note": "Received."})
        api.ok("buyer", "POST", f"{ch}/review", {"note": "A second panel re-reads the tenders."})
        api.ok("buyer", "POST", f"{ch}/proceedings", {"note": "Claim HT-2027-000123 issued."})
        api.ok("buyer", "POST", f"{ch}/outcome", {"outcome": "dismissed", "reasons": "Fair."})
        api.ok(
            "commissioner",
            "POST",
            "/api/v1/challenges/time-limits",
            {"authority_id": people.authority.pk, "acknowledge_working_days": 3},
        )

        api.ok("buyer", "POST", f"{closed}/open")
        [only] = api.ok("buyer", "GET", f"{closed}/tenders")["items"]
        api.ok(
            "commissioner",
            "POST",
            f"{closed}/tenders/{only['submission_id']}/exclude",
            {"reason": "Abnormally low."},
        )
        api.ok("buyer", "POST", f"{closed}/close", {"reason": "No compliant tender."})

    standstill_ends = datetime.fromisoformat(award["standstill_ends_at"])
    with time_machine.travel(standstill_ends + timedelta(hours=1), tick=False):
        contract = api.ok("buyer", "POST", f"{c}/contract")
        k = f"/api/v1/contracts/{contract['id']}"
        today = (standstill_ends + timedelta(hours=1)).astimezone(LONDON).date()
        winner = (
            "supplier_a_admin"
            if contract["supplier_id"] == people.supplier_a.pk
            else "supplier_b_admin"
        )
        records = [
            api.ok(
                winner,
                "POST",
                f"{k}/performance",
                {
                    "kind": "delivery",
                    "metric": metric,
                    "quantity": "7",
                    "period_start": (today - timedelta(days=1)).isoformat(),
                    "period_end": today.isoformat(),
                },
            )
            for metric in ("Sessions delivered", "Job starts")
        ]
        api.ok("buyer", "POST", f"{k}/performance/{records[0]['id']}/confirm")
        api.ok(
            "buyer",
            "POST",
            f"{k}/performance/{records[1]['id']}/dispute",
            {"reason": "Two were not starts."},
        )
        # A second challenge, after the contract, upheld with a remedy carried out.
        later = api.ok(
            loser,
            "POST",
            "/api/v1/challenges",
            {"kind": "award", "decision_id": call["id"], "grounds": "New evidence."},
        )
        lc = f"/api/v1/challenges/{later['id']}"
        api.ok("buyer", "POST", f"{lc}/acknowledgement", {})
        api.ok(
            "buyer",
            "POST",
            f"{lc}/outcome",
            {"outcome": "upheld", "reasons": "A score was wrong.", "remedy": "reevaluate"},
        )
        api.ok("buyer", "POST", f"{lc}/remedy", {"note": "Tenders scored again."})
        [due, *_] = api.ok("buyer", "GET", "/api/v1/notices/due")["items"]
        api.ok(
            "buyer",
            "POST",
            "/api/v1/notices/published",
            {"kind": due["kind"], "call_id": due["call_id"], "reference": "2027/S 000-012345"},
        )

        ids = {
            "market_id": market["id"],
            "category_id": category["id"],
            "application_id": applications["supplier_a_admin"]["id"],
            "call_id": call["id"],
            "contract_id": contract["id"],
            "challenge_id": challenge["id"],
            "placement_id": first["id"],
        }
        for method, template in sorted(api.operations):
            if method != "GET":
                continue
            path = re.sub(r"\{([^}]+)\}", lambda match: str(ids[match.group(1)]), template)
            for role in ROLES:
                api.call(role, "GET", path)


@pytest.mark.parametrize(
    "start",
    [
        pytest.param(datetime(2027, 1, 11, 9, 30, tzinfo=LONDON), id="winter"),
        pytest.param(datetime(2027, 6, 7, 9, 30, tzinfo=LONDON), id="british-summer-time"),
    ],
)
def test_every_moment_the_api_returns_is_utc_with_z(people, api_client_for, start):
    """POST and GET answers alike, for every role, whatever London's offset."""
    api = Recorder(api_client_for, people)
    drive_the_api(api, people, start)

    # The walk covered the API: every operation answered 2xx at least once.
    assert api.operations - api.succeeded == set()
    found = [
        (role, method, path, where, text)
        for role, method, path, _, body in api.answers
        for where, text in moments(body)
    ]
    assert len(found) > 100  # many moments were seen, not none
    wrong = [
        f"{method} {path} as {role}: {where} = {text}"
        for role, method, path, where, text in found
        if not UTC_WITH_Z.match(text)
    ]
    assert not wrong, "\n".join(wrong)


def test_the_openapi_document_still_says_date_time(db):
    """Serialising in UTC changes no schema: moments remain ``format: date-time``."""
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["ApplicationOut"]["properties"]["assessment_due_at"] == {
        "format": "date-time",
        "title": "Assessment Due At",
        "type": "string",
    }
    assert {"format": "date-time", "type": "string"} in schemas["CallOut"]["properties"][
        "published_at"
    ]["anyOf"]
