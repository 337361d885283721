"""Suite-wide test set-up."""

import pytest
from hypothesis import settings as hypothesis_settings

# Tests never assert timings: Hypothesis' per-example deadline (200 ms) is one, and on a
# shared two-core machine it fails tests that are merely slow at that moment.
hypothesis_settings.register_profile("thegither", deadline=None)
hypothesis_settings.load_profile("thegither")


def pytest_configure(config):
    from django.conf import settings

    # Hashing passwords slowly protects real accounts; tests need none of that.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    _list_static_files_once()


def _list_static_files_once():
    """List the static files once per run, not once per test client.

    Every Django test client loads the middleware anew, and WhiteNoise then walks every
    static file (about 180, most of them the admin's) again: in the URL-by-role walk that
    was two thirds of each request's time. The files don't change while the tests run, so
    the list made for the same settings is reused. Servers load the middleware once, so
    they behave as before.
    """
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    listed = {}
    list_files = WhiteNoiseMiddleware.add_files_from_finders

    def add_files_from_finders(self):
        key = (
            self.static_prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            self.index_file,
            tuple(settings.STATICFILES_DIRS),
            tuple(settings.INSTALLED_APPS),
        )
        if key not in listed:
            before = dict(self.files)
            list_files(self)
            listed[key] = {url: found for url, found in self.files.items() if url not in before}
        self.files.update(listed[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start every test with an empty cache, so lockouts and counts don't leak."""
    from django.core.cache import cache

    cache.clear()
