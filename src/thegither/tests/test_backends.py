"""The suite really runs on the services its environment names.

With DATABASE_URL or REDIS_URL set (as in CI's second run) the suite must be on
PostgreSQL and Redis; without them, on the embedded defaults. No test here
skips: whichever run this is, it checks that run.
"""

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection

pytestmark = pytest.mark.django_db


def test_database_is_the_one_the_environment_asks_for():
    if os.environ.get("DATABASE_URL"):
        assert connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            (name,) = cursor.fetchone()
        # pytest-django makes a throwaway database named after the configured one.
        assert name.startswith("test_")
    else:
        assert connection.vendor == "sqlite"
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            (synchronous,) = cursor.fetchone()
        assert synchronous == 2  # FULL
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_cache_is_the_one_the_environment_asks_for():
    cache = caches["default"]
    key, value = f"round-trip-{uuid.uuid4()}", {"pence": 500}
    cache.set(key, value, timeout=30)
    assert cache.get(key) == value
    if os.environ.get("REDIS_URL"):
        from django.core.cache.backends.redis import RedisCache

        assert isinstance(cache, RedisCache)
        # The value is really in Redis, not in this process.
        client = cache._cache.get_client(key)
        assert client.exists(cache.make_and_validate_key(key)) == 1
    else:
        assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    cache.delete(key)


def test_parallel_workers_each_have_a_redis_database_and_prefix_of_their_own():
    """Every test empties the cache, so xdist workers sharing one Redis would wipe each other."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not (os.environ.get("REDIS_URL") and worker):
        pytest.skip("Only one Redis user here: REDIS_URL unset or tests not run in parallel.")
    number = int(worker.removeprefix("gw"))
    assert settings.REDIS_URL.endswith(f"/{1 + number}")
    assert f"thegither-{worker}" == settings.REDIS_PREFIX
    assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL
    assert settings.CACHES["default"]["KEY_PREFIX"] == settings.REDIS_PREFIX
