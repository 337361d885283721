"""Two people choosing the same username (in any capitals) at once make one account."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from thegither.accounts.models import AgeBand, Role, User
from thegither.accounts.services import invitation_accept, invitation_create
from thegither.accounts.services import invitations as invitation_services
from thegither.accounts.tests import factories
from thegither.core.refusals import Refusal, Refused

PASSWORD = "purple-otter-jumps-9"


def accept(token, code, username, email=""):
    return invitation_accept(
        token=token,
        code=code,
        username=username,
        display_name="Ruby",
        age_band=AgeBand.FROM_13_TO_15,
        password=PASSWORD,
        email=email,
    )


@pytest.mark.django_db
def test_usernames_differing_only_in_capitals_cannot_both_exist():
    factories.user_make(username="ruby")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.user_make(username="RUBY")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("taken", "field"),
    [({"username": "Ruby"}, "username"), ({"email": "ruby@example.org"}, "email")],
)
def test_a_clash_the_checks_missed_gets_the_forms_own_message(monkeypatch, taken, field):
    organisation = factories.organisation_make()
    staff = factories.member_make(organisation, Role.STAFF)
    invitation, token, code = invitation_create(
        organisation=organisation, role=Role.PANEL_MEMBER, by=staff
    )
    factories.user_make(**({"username": "someone"} | taken))
    # As if the other account was made between the checks and the insert.
    monkeypatch.setattr(invitation_services, "person_errors", lambda **fields: {})

    with pytest.raises(Refused) as caught:
        accept(token, code, "ruby", email="RUBY@example.org")

    assert caught.value.kind == Refusal.TAKEN
    assert field in caught.value.message_dict
    invitation.refresh_from_db()
    assert invitation.used_at is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs on PostgreSQL (CI's second run): SQLite's IMMEDIATE transactions never "
    "overlap two sign-ups, and its in-memory test database can't be shared by threads",
)
def test_sign_ups_at_the_same_moment_with_case_variants_make_one_account():
    organisation = factories.organisation_make()
    staff = factories.member_make(organisation, Role.STAFF)
    invitations = [
        invitation_create(organisation=organisation, role=Role.PANEL_MEMBER, by=staff)
        for _ in range(4)
    ]
    names = ["ruby", "Ruby", "RUBY", "rUbY"]
    start = threading.Barrier(len(names))
    outcomes: list[str] = []

    def sign_up(invitation, name):
        _invitation, token, code = invitation
        start.wait()
        try:
            accept(token, code, name)
            outcomes.append("made")
        except Refused as refused:
            outcomes.append(f"refused:{','.join(refused.message_dict)}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=sign_up, args=pair) for pair in zip(invitations, names, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["made"] + ["refused:username"] * 3
    assert User.objects.filter(username__iexact="ruby").count() == 1
