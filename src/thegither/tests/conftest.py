"""Fixtures shared by the project-wide tests."""

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def walk_world(django_db_setup, django_db_blocker):
    """Build the URL walk's world once per test module, and take it away afterwards.

    Every request of the walk runs in a transaction that is rolled back, and every test in
    one of its own, so no test sees another's changes; building the world (about 450
    rows) for each of 750 tests was a fifth of the walk's time.
    """
    from thegither.tests.test_urls_by_role import world_make

    with django_db_blocker.unblock(), transaction.atomic():
        yield world_make()
        transaction.set_rollback(True)
