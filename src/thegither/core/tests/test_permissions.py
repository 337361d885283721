import pytest
from django.core.exceptions import PermissionDenied

from thegither.core.permissions import allow, deny, require


def test_allowed_decision_lets_the_caller_through():
    decision = allow()
    assert decision.allowed
    assert bool(decision)
    require(decision)


def test_denied_decision_carries_its_reason_into_permission_denied():
    decision = deny("Only staff can invite people.")
    assert not decision
    with pytest.raises(PermissionDenied, match=r"Only staff can invite people\."):
        require(decision)
