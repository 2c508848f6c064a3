"""On Redis, an API request whose token is cached talks to Redis once: the rate limiter's
pipeline counts the limits and reads the token's entry for authentication together."""

from __future__ import annotations

import pytest
import redis.client
from django.test import Client

from opendps.accounts import services
from opendps.testing.fixtures import use_redis_cache

pytestmark = pytest.mark.django_db


def get_me(token: str) -> int:
    return Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_cached_token_costs_one_round_trip_with_the_rate_limits(people, redis_url, settings):
    use_redis_cache(settings, redis_url)
    _, token = services.api_token_create(actor=people.buyer, name="trips", days=30)
    assert get_me(token) == 200  # the miss stores the entry
    trips: list[str] = []
    pipeline_execute = redis.client.Pipeline.execute
    command = redis.client.Redis.execute_command

    def counted_pipeline(self, *args, **kwargs):
        trips.append("pipeline")
        return pipeline_execute(self, *args, **kwargs)

    def counted_command(self, *args, **kwargs):
        trips.append(str(args[0]))
        return command(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(redis.client.Pipeline, "execute", counted_pipeline)
        patch.setattr(redis.client.Redis, "execute_command", counted_command)
        assert get_me(token) == 200
    assert trips == ["pipeline"]


def test_a_revoked_token_is_refused_even_with_its_entry_read_alongside(people, redis_url, settings):
    use_redis_cache(settings, redis_url)
    created, token = services.api_token_create(actor=people.buyer, name="revoked", days=30)
    assert get_me(token) == 200
    assert get_me(token) == 200  # a hit, read by the rate limiter's pipeline
    services.api_token_revoke(actor=people.buyer, token_id=created.pk)
    assert get_me(token) == 401
