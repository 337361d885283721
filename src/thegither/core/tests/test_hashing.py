"""Keyed hashes match Django's salted_hmac, and change with the purpose and the secret."""

from django.test import override_settings
from django.utils.crypto import salted_hmac

from thegither.core.hashing import keyed_hash


def test_a_keyed_hash_is_djangos_salted_hmac_of_the_value():
    expected = salted_hmac("thegither.live.device", "12:token", algorithm="sha256").hexdigest()
    assert keyed_hash("live.device", "12:token") == expected


def test_another_purpose_or_another_secret_gives_another_hash():
    first = keyed_hash("one", "sam@example.org")
    assert keyed_hash("two", "sam@example.org") != first
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        assert keyed_hash("one", "sam@example.org") != first
        assert (
            keyed_hash("one", "sam@example.org")
            == salted_hmac("thegither.one", "sam@example.org", algorithm="sha256").hexdigest()
        )
    assert keyed_hash("one", "sam@example.org") == first
