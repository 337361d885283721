"""The suite really ran on PostgreSQL and Redis when CI asked for them.

With DATABASE_URL or REDIS_URL set these tests check the service was used;
without them, they check the embedded defaults (SQLite, in-process cache).
"""

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="DATABASE_URL is not set")
def test_database_url_means_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_database()")
        (name,) = cursor.fetchone()
    # pytest-django makes a throwaway database named after the configured one.
    assert name.startswith("test_")


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="DATABASE_URL is set")
def test_default_database_is_sqlite_with_wal_and_full_sync():
    assert connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        (synchronous,) = cursor.fetchone()
    assert synchronous == 2  # FULL
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_redis_url_means_the_cache_is_redis():
    from django.core.cache.backends.redis import RedisCache

    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    key, value = f"round-trip-{uuid.uuid4()}", {"pence": 500}
    cache.set(key, value, timeout=30)
    assert cache.get(key) == value
    # The value is really in Redis, not in this process.
    client = cache._cache.get_client(key)
    assert client.exists(cache.make_and_validate_key(key)) == 1
    cache.delete(key)


@pytest.mark.skipif(bool(os.environ.get("REDIS_URL")), reason="REDIS_URL is set")
def test_default_cache_is_in_process():
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
