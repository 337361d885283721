"""Suite-wide test set-up."""

import pytest


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords slowly protects real accounts; tests need none of that.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start every test with an empty cache, so lockouts and counts don't leak."""
    from django.core.cache import cache

    cache.clear()
