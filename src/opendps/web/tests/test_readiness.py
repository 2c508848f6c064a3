"""Liveness and readiness for a load balancer, and the cache shared between nodes (Redis)."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache.backends.redis import RedisCache
from django.test import Client

from opendps.testing.fixtures import use_redis_cache

pytestmark = pytest.mark.django_db

NOTHING_LISTENS = "redis://127.0.0.1:6390/0"


def test_healthz_says_the_process_is_up(db):
    response = Client().get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


def test_readyz_checks_the_database_the_cache_and_storage(db):
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "ready": True,
        "checks": {"database": "ok", "cache": "ok", "storage": "ok"},
    }


def test_readyz_is_503_naming_the_part_that_fails(settings):
    use_redis_cache(settings, NOTHING_LISTENS)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"].startswith("failed: ")
    assert "6390" not in str(body)  # no host or port in a public answer


def test_two_nodes_share_one_computation_through_redis(settings, redis_url):
    """What one node caches (a forecast fit, market health), another node reads."""
    node_a = RedisCache(redis_url, {"KEY_PREFIX": "opendps-test"})
    node_b = RedisCache(redis_url, {"KEY_PREFIX": "opendps-test"})
    key = f"forecast:{uuid.uuid4().hex}"
    node_a.set(key, {"fit": [1, 2, 3]}, timeout=30)
    assert node_b.get(key) == {"fit": [1, 2, 3]}
    node_b.delete(key)
    use_redis_cache(settings, redis_url)
    assert Client().get("/readyz").json()["checks"]["cache"] == "ok"


def test_readyz_names_storage_that_does_not_answer(settings):
    from botocore.config import Config

    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "opendps-missing",
                "endpoint_url": "http://127.0.0.1:6391",  # nothing listens here
                "access_key": "x",
                "secret_key": "x",
                "region_name": "eu-west-2",
                "client_config": Config(connect_timeout=1, retries={"max_attempts": 0}),
            },
        }
    }
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"].startswith("failed: ")
    assert response.json()["checks"]["database"] == "ok"
