"""The API's rate limits: per token and per client address, 429 with Retry-After, off by 0.

The suite runs with limits out of reach (testing/settings.py); these tests lower them."""

from __future__ import annotations

import runpy
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from opendps.testing.fixtures import use_redis_cache
from opendps.web.api_rate import Rate, parse_rate

pytestmark = pytest.mark.django_db

PUBLIC = "/api/v1/markets"
START = datetime(2027, 3, 1, 9, 0, 5, tzinfo=UTC)  # five seconds into a minute


@pytest.fixture(autouse=True, params=["memory", "redis"])
def _empty_cache(request, settings):
    """Each test on this process's memory and on Redis (one pipelined round trip there)."""
    if request.param == "redis":
        use_redis_cache(settings, request.getfixturevalue("redis_url"))  # a new prefix
        yield
        return
    cache.clear()
    yield
    cache.clear()


def _get(token: str | None = None, address: str = "192.0.2.1", path: str = PUBLIC):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client(REMOTE_ADDR=address).get(path, headers=headers)


@override_settings(OPENDPS_API_RATE_LIMIT="3/minute", OPENDPS_API_ADDRESS_RATE_LIMIT="off")
def test_over_the_token_limit_is_429_with_retry_after(people, api_client_for):
    token = api_client_for(people.buyer).token
    with time_machine.travel(START, tick=False):
        assert [_get(token).status_code for _ in range(3)] == [200, 200, 200]
        refused = _get(token)
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_requests"
    assert set(refused.json()) == {"detail", "code"}
    assert refused["Retry-After"] == "55"  # the minute's window ends in 55 s
    with time_machine.travel(START.replace(second=59), tick=False):
        assert _get(token).status_code == 429
    with time_machine.travel(START.replace(minute=1), tick=False):
        assert _get(token).status_code == 200  # a new window


@override_settings(OPENDPS_API_RATE_LIMIT="2/minute", OPENDPS_API_ADDRESS_RATE_LIMIT="off")
def test_each_token_is_counted_on_its_own(people, api_client_for):
    first = api_client_for(people.buyer).token
    second = api_client_for(people.supplier_a_admin).token
    with time_machine.travel(START, tick=False):
        assert [_get(first).status_code for _ in range(3)] == [200, 200, 429]
        assert [_get(second).status_code for _ in range(2)] == [200, 200]


@override_settings(OPENDPS_API_RATE_LIMIT="off", OPENDPS_API_ADDRESS_RATE_LIMIT="2/minute")
def test_each_address_is_counted_on_its_own_tokens_or_not(people, api_client_for):
    token = api_client_for(people.buyer).token
    with time_machine.travel(START, tick=False):
        assert _get(address="198.51.100.7").status_code == 200
        assert _get(token, address="198.51.100.7").status_code == 200
        refused = _get(address="198.51.100.7")
        assert refused.status_code == 429
        assert refused["Retry-After"] == "55"
        assert _get(address="198.51.100.8").status_code == 200


@override_settings(OPENDPS_API_RATE_LIMIT="2/minute", OPENDPS_API_ADDRESS_RATE_LIMIT="100/minute")
def test_a_refused_request_does_no_work_and_pages_are_not_limited(people, api_client_for):
    """Refused before the view: a 429 even for a bad token; pages outside /api/ unaffected."""
    with time_machine.travel(START, tick=False):
        assert [_get("odps_not_a_token").status_code for _ in range(3)] == [401, 401, 429]
        assert [_get(path="/healthz").status_code for _ in range(5)] == [200] * 5


@pytest.mark.parametrize("off", ["0", "off", "", "0/minute"])
def test_zero_or_off_turns_a_limit_off(people, api_client_for, off):
    token = api_client_for(people.buyer).token
    with (
        override_settings(OPENDPS_API_RATE_LIMIT=off, OPENDPS_API_ADDRESS_RATE_LIMIT=off),
        time_machine.travel(START, tick=False),
    ):
        assert {_get(token).status_code for _ in range(30)} == {200}


def test_the_limits_are_on_by_default_and_read_strictly(monkeypatch):
    monkeypatch.delenv("OPENDPS_API_RATE_LIMIT", raising=False)
    monkeypatch.delenv("OPENDPS_API_ADDRESS_RATE_LIMIT", raising=False)
    production = runpy.run_module("opendps.settings")  # as a server reads it
    assert parse_rate(production["OPENDPS_API_RATE_LIMIT"]) == Rate(120, 60)
    assert parse_rate(production["OPENDPS_API_ADDRESS_RATE_LIMIT"]) == Rate(600, 60)
    assert "opendps.web.api_rate.ApiRateLimitMiddleware" in production["MIDDLEWARE"]
    assert parse_rate(" 5 / Second ") == Rate(5, 1)
    assert parse_rate("1000/day") == Rate(1000, 86400)
    for bad in ("120", "120/fortnight", "-1/minute", "lots"):
        with pytest.raises(ImproperlyConfigured):
            parse_rate(bad)


@override_settings(
    OPENDPS_API_RATE_LIMIT="off",
    OPENDPS_API_ADDRESS_RATE_LIMIT="1/minute",
    OPENDPS_API_CLIENT_ADDRESS_HEADER="X-Forwarded-For",
)
def test_behind_a_proxy_the_named_header_gives_the_address():
    with time_machine.travel(START, tick=False):
        one = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.0.0.1"}
        two = {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.0.0.2"}
        assert Client(**one).get(PUBLIC).status_code == 200
        assert Client(**one).get(PUBLIC).status_code == 429
        assert Client(**two).get(PUBLIC).status_code == 200


def test_openapi_documents_429_with_retry_after_on_every_operation():
    spec = Client().get("/api/v1/openapi.json").json()
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            answer = operation["responses"]["429"]
            assert "Retry-After" in answer["headers"], f"{method} {path}"
