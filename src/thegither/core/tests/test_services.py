import pytest
from django.contrib.auth import get_user_model

from thegither.core.models import AuditEvent
from thegither.core.services import audit_record

pytestmark = pytest.mark.django_db


def make_person(username="sam"):
    return get_user_model().objects.create_user(
        username, "a-long-password-1", display_name="Sam", age_band="over-25"
    )


def test_audit_record_keeps_who_did_what_to_which_record():
    actor = make_person()
    target = make_person("ruby")

    event = audit_record(action="role-changed", actor=actor, target=target, details={"to": "x"})

    event.refresh_from_db()
    assert event.actor == actor
    assert event.action == "role-changed"
    assert event.target_type == "accounts.user"
    assert event.target_id == str(target.pk)
    assert event.details == {"to": "x"}
    assert event.occurred_at is not None


def test_audit_record_without_actor_or_target_is_kept_as_a_system_event():
    event = audit_record(action="login-failed")

    assert (event.actor, event.target_type, event.target_id) == (None, "", "")
    assert AuditEvent.objects.filter(action="login-failed").count() == 1


def test_audit_log_cannot_be_changed_in_the_admin(admin_client):
    event = audit_record(action="login")

    response = admin_client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
