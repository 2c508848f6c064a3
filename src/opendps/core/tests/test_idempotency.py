"""Idempotency-Key: a client that lost the answer to a tender can send it again safely."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine

from opendps.competitions.models import TenderSubmission
from opendps.core import clock
from opendps.testing.factories import make_call, market_with_both_suppliers

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(people):
    market = market_with_both_suppliers(people)
    return make_call(people, market, rapid=True, deadline=clock.now() + timedelta(hours=3))


def send(api, call, key=None, price="4000", **extra_headers):
    headers = {"Authorization": f"Bearer {api.token}", **extra_headers}
    if key is not None:
        headers["Idempotency-Key"] = key
    body = {"price": price, "answers": {c["key"]: "Our approach." for c in call.criteria}}
    return api.client.post(
        f"/api/v1/competitions/{call.pk}/tenders",
        json.dumps(body),
        content_type="application/json",
        headers=headers,
    )


def test_a_repeated_key_returns_the_first_receipt_and_submits_once(people, call, api_client_for):
    api = api_client_for(people.supplier_a_admin)
    first = send(api, call, key="tender-7f3a")
    assert first.status_code == 201
    again = send(api, call, key="tender-7f3a")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert TenderSubmission.objects.count() == 1
    # Even after the deadline, the retry confirms what was received before it.
    with time_machine.travel(call.deadline + timedelta(minutes=5), tick=False):
        late_retry = send(api, call, key="tender-7f3a")
    assert late_retry.status_code == 201 and late_retry.json() == first.json()


def test_the_same_key_for_a_different_request_is_refused(people, call, api_client_for):
    api = api_client_for(people.supplier_a_admin)
    assert send(api, call, key="k1", price="4000").status_code == 201
    other = send(api, call, key="k1", price="3900")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert TenderSubmission.objects.count() == 1


def test_keys_belong_to_one_caller_and_without_a_key_each_request_counts(
    people, call, api_client_for
):
    alpha, beta = api_client_for(people.supplier_a_admin), api_client_for(people.supplier_b_admin)
    assert send(alpha, call, key="same-key").status_code == 201
    beta_answer = send(beta, call, key="same-key")
    assert beta_answer.status_code == 201 and "Idempotent-Replayed" not in beta_answer
    assert TenderSubmission.objects.count() == 2
    assert send(alpha, call).status_code == 201  # a resubmission replaces the first
    assert TenderSubmission.objects.filter(supplier=people.supplier_a).count() == 2


def test_refusals_are_replayed_and_keys_expire_after_a_day(people, call, api_client_for):
    api = api_client_for(people.supplier_a_admin)
    with time_machine.travel(call.deadline + timedelta(minutes=1), tick=False):
        late = send(api, call, key="late-1")
        assert late.status_code == 422 and send(api, call, key="late-1").json() == late.json()
    with time_machine.travel(call.deadline + timedelta(days=2), tick=False):
        fresh = send(api, call, key="late-1")
        assert "Idempotent-Replayed" not in fresh


def test_a_bad_key_is_a_clear_400(people, call, api_client_for):
    api = api_client_for(people.supplier_a_admin)
    response = send(api, call, key="x" * 256)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not TenderSubmission.objects.exists()


def test_a_claim_left_by_a_node_that_died_is_taken_over(people, call, api_client_for):
    """A node killed mid-request leaves its claim "in progress"; a minute later (twice the
    longest a request may run) the same key may be sent again and is answered."""
    from opendps.core.models import IdempotentRequest

    api = api_client_for(people.supplier_a_admin)
    assert send(api, call, key="dead-node").status_code == 201
    IdempotentRequest.objects.update(status=None, body=b"")  # as if the answer never came
    assert send(api, call, key="dead-node").json()["code"] == "request_in_progress"
    with time_machine.travel(clock.now() + timedelta(minutes=3), tick=False):
        retried = send(api, call, key="dead-node")
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
