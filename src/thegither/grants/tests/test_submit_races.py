"""Pressing "Save" or "Send" many times at the same moment makes one draft and sends once."""

import threading
import uuid

import pytest
from django.db import connection

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.core.models import AuditEvent
from thegither.grants import services
from thegither.grants.models import Application, ApplicationStatus
from thegither.grants.services import ApplicationDraft
from thegither.grants.tests.factories import SUMMARY, round_make

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="runs on PostgreSQL (CI's second run): SQLite's in-memory test database "
        "can't be shared by threads",
    ),
]

CLICKS = 6


def at_once(action) -> list[str]:
    start = threading.Barrier(CLICKS)
    outcomes: list[str] = []

    def click():
        start.wait()
        try:
            action()
            outcomes.append("ok")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_many_saves_of_a_new_form_at_once_make_one_draft():
    organisation = factories.organisation_make()
    contact = factories.member_make(organisation, Role.APPLICANT_CONTACT)
    round = round_make(organisation)
    key = uuid.uuid4()

    outcomes = at_once(
        lambda: services.application_draft_save(
            round=round, start_key=key, draft=ApplicationDraft(group_name="Ours"), by=contact
        )
    )

    assert outcomes == ["ok"] * CLICKS
    assert Application.objects.count() == 1


def test_many_sends_at_once_with_the_same_key_send_once():
    organisation = factories.organisation_make()
    contact = factories.member_make(organisation, Role.APPLICANT_CONTACT)
    round = round_make(organisation, questions=0)
    application = services.application_draft_save(
        round=round,
        start_key=uuid.uuid4(),
        draft=ApplicationDraft(
            group_name="Ours",
            activity="A camp.",
            youth_leadership="They plan it.",
            young_people_count=10,
            age_bands=["13-15"],
            summary=SUMMARY,
            amount_pence=50_000,
            pot_id=round.pots.first().pk,
            budget_lines=[("Tents", 50_000)],
        ),
        by=contact,
    )
    key = uuid.uuid4()

    outcomes = at_once(
        lambda: services.application_submit(application=application, submission_key=key, by=contact)
    )

    assert outcomes == ["ok"] * CLICKS
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert AuditEvent.objects.filter(action="grants.application_submitted").count() == 1
