import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thegither.accounts.tests import factories
from thegither.core.models import AuditEvent
from thegither.core.refusals import Refusal, Refused
from thegither.grants import services
from thegither.grants.models import Application, ApplicationStatus, RoundPhase
from thegither.grants.selectors import application_problems, word_count
from thegither.grants.services import ApplicationDraft
from thegither.grants.tests.factories import SUMMARY, application_make, round_make

pytestmark = pytest.mark.django_db


def full_draft(round, **changes) -> ApplicationDraft:
    pot = round.pots.order_by("pk").first()
    values = {
        "group_name": "Dunmore Street Gardeners",
        "group_about": "We grow food.",
        "activity": "A garden club.",
        "youth_leadership": "Young people choose what to grow.",
        "young_people_count": 12,
        "age_bands": ["16-17", "13-15"],
        "summary": SUMMARY,
        "amount_pence": 60_000,
        "pot_id": pot.pk,
        "budget_lines": [("Seeds", 10_000), ("Tools", 50_000)],
        "answers": {question.pk: "Yes." for question in round.questions.all()},
    }
    values.update(changes)
    return ApplicationDraft(**values)


def save(round, by, draft=None, key=None):
    return services.application_draft_save(
        round=round, start_key=key or uuid.uuid4(), draft=draft or ApplicationDraft(), by=by
    )


# Drafts


def test_an_empty_draft_is_kept(open_round, applicant):
    application = save(open_round, applicant)
    assert application.status == ApplicationStatus.DRAFT
    assert application.contact == applicant
    assert AuditEvent.objects.filter(action="grants.application_started").count() == 1


def test_saving_twice_with_the_same_key_makes_one_draft(open_round, applicant):
    key = uuid.uuid4()
    first = save(open_round, applicant, full_draft(open_round, group_name="First"), key)
    second = save(open_round, applicant, full_draft(open_round, group_name="Second"), key)
    assert first.pk == second.pk
    assert Application.objects.count() == 1
    second.refresh_from_db()
    assert second.group_name == "Second"


def test_a_draft_keeps_everything_typed(open_round, applicant):
    application = save(open_round, applicant, full_draft(open_round))
    application.refresh_from_db()
    assert application.age_bands == ["13-15", "16-17"]  # in the list's order
    assert list(application.budget_lines.values_list("item", "cost_pence")) == [
        ("Seeds", 10_000),
        ("Tools", 50_000),
    ]
    assert application.answers.get().text == "Yes."


def test_saving_again_replaces_the_costs_and_answers(open_round, applicant):
    key = uuid.uuid4()
    save(open_round, applicant, full_draft(open_round), key)
    question = open_round.questions.get()
    application = save(
        open_round,
        applicant,
        full_draft(open_round, budget_lines=[("Bus", 60_000)], answers={question.pk: "No."}),
        key,
    )
    assert list(application.budget_lines.values_list("item", flat=True)) == ["Bus"]
    assert application.answers.get().text == "No."


def test_someone_elses_start_key_is_refused(open_round, applicant, other_applicant):
    key = uuid.uuid4()
    save(open_round, applicant, key=key)
    with pytest.raises(Refused) as caught:
        save(open_round, other_applicant, key=key)
    assert caught.value.kind == Refusal.MISMATCH


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"group_name": "x" * 121}, "group_name"),
        ({"summary": "x" * 501}, "summary"),
        ({"activity": "x" * 3001}, "activity"),
        ({"young_people_count": -1}, "young_people_count"),
        ({"age_bands": ["aged 99"]}, "age_bands"),
        ({"amount_pence": -5}, "amount"),
        ({"pot_id": 999_999}, "pot"),
        ({"budget_lines": [("x", 1)] * 13}, "budget"),
        ({"budget_lines": [("x" * 121, 1)]}, "budget"),
        ({"budget_lines": [("Seeds", -1)]}, "budget"),
        ({"answers": {999_999: "Hi"}}, "answers"),
    ],
)
def test_what_cannot_be_kept_is_refused(open_round, applicant, changes, field):
    with pytest.raises(Refused) as caught:
        save(open_round, applicant, full_draft(open_round, **changes))
    assert caught.value.kind == Refusal.INVALID
    assert field in caught.value.message_dict
    assert not Application.objects.exists()


def test_a_too_long_answer_is_refused(open_round, applicant):
    question = open_round.questions.get()
    with pytest.raises(Refused) as caught:
        save(open_round, applicant, full_draft(open_round, answers={question.pk: "x" * 3001}))
    assert f"question_{question.pk}" in caught.value.message_dict


def test_a_pot_of_another_round_is_refused(organisation, open_round, applicant):
    other = round_make(organisation)
    with pytest.raises(Refused) as caught:
        save(open_round, applicant, full_draft(open_round, pot_id=other.pots.first().pk))
    assert "pot" in caught.value.message_dict


def test_staff_and_panel_members_cannot_apply(open_round, staff, panel_member):
    for person in (staff, panel_member):
        with pytest.raises(PermissionDenied):
            save(open_round, person)


def test_nobody_applies_to_a_round_that_is_not_open(organisation, applicant):
    round = round_make(organisation, phase=RoundPhase.DRAFT)
    with pytest.raises(PermissionDenied):
        save(round, applicant)


def test_a_draft_cannot_change_after_the_round_closes(open_round, applicant):
    key = uuid.uuid4()
    save(open_round, applicant, key=key)
    open_round.phase = RoundPhase.SCREENING
    open_round.save()
    with pytest.raises(PermissionDenied):
        save(open_round, applicant, key=key)


# Sending


def test_sending_a_complete_application(open_round, applicant):
    application = save(open_round, applicant, full_draft(open_round))
    key = uuid.uuid4()
    with_mail = services.application_submit
    with transaction.atomic():
        sent = with_mail(application=application, submission_key=key, by=applicant)
    assert sent.status == ApplicationStatus.SUBMITTED
    assert sent.submission_key == key
    event = AuditEvent.objects.get(action="grants.application_submitted")
    assert event.details == {"amount_pence": 60_000, "pot": sent.pot_id}


def test_sending_emails_the_contact_after_commit(
    open_round, applicant, django_capture_on_commit_callbacks
):
    application = save(open_round, applicant, full_draft(open_round))
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(
            application=application, submission_key=uuid.uuid4(), by=applicant
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["group@example.org"]
    assert "Dunmore Street Gardeners" in mail.outbox[0].body


def test_sending_twice_with_the_same_key_sends_once(open_round, applicant):
    application = save(open_round, applicant, full_draft(open_round))
    key = uuid.uuid4()
    first = services.application_submit(application=application, submission_key=key, by=applicant)
    again = services.application_submit(application=application, submission_key=key, by=applicant)
    assert first.pk == again.pk
    assert Application.objects.count() == 1
    assert AuditEvent.objects.filter(action="grants.application_submitted").count() == 1


def test_sending_again_from_a_new_page_is_refused(open_round, applicant):
    application = save(open_round, applicant, full_draft(open_round))
    services.application_submit(application=application, submission_key=uuid.uuid4(), by=applicant)
    with pytest.raises(PermissionDenied):
        services.application_submit(
            application=application, submission_key=uuid.uuid4(), by=applicant
        )


def test_someone_else_cannot_send_it_even_with_the_key(open_round, applicant, other_applicant):
    application = save(open_round, applicant, full_draft(open_round))
    key = uuid.uuid4()
    services.application_submit(application=application, submission_key=key, by=applicant)
    with pytest.raises(PermissionDenied):
        services.application_submit(application=application, submission_key=key, by=other_applicant)


def test_an_incomplete_application_is_refused_with_every_problem(open_round, applicant):
    application = save(open_round, applicant)
    with pytest.raises(Refused) as caught:
        services.application_submit(
            application=application, submission_key=uuid.uuid4(), by=applicant
        )
    assert caught.value.kind == Refusal.INVALID
    assert set(caught.value.message_dict) == {
        "group_name",
        "activity",
        "youth_leadership",
        "young_people_count",
        "age_bands",
        "summary",
        "pot",
        "budget",
        "amount",
        f"question_{open_round.questions.get().pk}",
    }
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


@pytest.mark.parametrize("words", [29, 51])
def test_the_summary_must_be_30_to_50_words(open_round, applicant, words):
    draft = full_draft(open_round, summary=" ".join(["word"] * words))
    problems = application_problems(save(open_round, applicant, draft))
    assert list(problems) == ["summary"]


def test_an_amount_outside_the_pot_limits_is_refused(open_round, applicant):
    draft = full_draft(open_round, amount_pence=300_000, budget_lines=[("Van", 300_000)])
    problems = application_problems(save(open_round, applicant, draft))
    assert problems == {"amount": ["Ask for between £100 and £2,000 from the North West pot."]}


def test_costs_that_do_not_add_up_are_refused(open_round, applicant):
    draft = full_draft(open_round, amount_pence=60_050)
    problems = application_problems(save(open_round, applicant, draft))
    assert problems == {
        "amount": ["The costs add up to £600 but you asked for £600.50. Make them the same."]
    }


# Money is whole pence: the costs must add up exactly to the amount asked for.
pence = st.integers(min_value=0, max_value=200_000)
PROPERTY_SETTINGS = {
    "max_examples": 40,
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture],
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(costs=st.lists(pence, min_size=1, max_size=12), asked=pence)
def test_costs_must_equal_the_amount_asked_for(open_round, applicant, costs, asked):
    draft = full_draft(
        open_round,
        amount_pence=asked,
        budget_lines=[(f"Thing {index}", cost) for index, cost in enumerate(costs)],
    )
    with transaction.atomic():
        problems = application_problems(save(open_round, applicant, draft))
        transaction.set_rollback(True)
    adds_up = sum(costs) == asked
    in_limits = 10_000 <= asked <= 200_000
    assert ("amount" not in problems) == (adds_up and in_limits)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(costs=st.lists(pence, min_size=1, max_size=12))
def test_costs_that_add_up_within_the_limits_can_be_sent(open_round, applicant, costs):
    total = sum(costs)
    draft = full_draft(
        open_round,
        amount_pence=total,
        budget_lines=[(f"Thing {index}", cost) for index, cost in enumerate(costs)],
    )
    with transaction.atomic():
        application = save(open_round, applicant, draft)
        sendable = 10_000 <= total <= 200_000
        if sendable:
            services.application_submit(
                application=application, submission_key=uuid.uuid4(), by=applicant
            )
            application.refresh_from_db()
            assert application.status == ApplicationStatus.SUBMITTED
        else:
            with pytest.raises(Refused):
                services.application_submit(
                    application=application, submission_key=uuid.uuid4(), by=applicant
                )
        transaction.set_rollback(True)


def test_a_required_question_left_empty_stops_sending(open_round, applicant):
    question = open_round.questions.get()
    draft = full_draft(open_round, answers={question.pk: "  "})
    assert list(application_problems(save(open_round, applicant, draft))) == [
        f"question_{question.pk}"
    ]


def test_word_count_counts_words_not_letters():
    assert word_count("Don't stop: well-known 5-a-side!") == 4
    assert word_count("") == 0


def test_the_database_refuses_a_sent_application_without_a_key(open_round, applicant):
    application = application_make(open_round, applicant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(status="submitted")


# Taking it back


def test_a_group_takes_its_application_back_once(open_round, applicant):
    application = application_make(open_round, applicant, status="submitted")
    services.application_withdraw(application=application, by=applicant)
    services.application_withdraw(application=application, by=applicant)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="grants.application_withdrawn").count() == 1


def test_a_draft_can_be_taken_back(open_round, applicant):
    application = application_make(open_round, applicant, complete=False)
    services.application_withdraw(application=application, by=applicant)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_only_the_group_takes_it_back(open_round, applicant, other_applicant, staff):
    application = application_make(open_round, applicant, status="submitted")
    for person in (other_applicant, staff):
        with pytest.raises(PermissionDenied):
            services.application_withdraw(application=application, by=person)


def test_it_is_too_late_to_take_it_back_once_the_panel_decides(organisation, applicant):
    round = round_make(organisation, phase=RoundPhase.DECISION)
    application = application_make(round, applicant, status="eligible")
    with pytest.raises(PermissionDenied, match="too late"):
        services.application_withdraw(application=application, by=applicant)


def test_a_not_eligible_application_cannot_be_taken_back(open_round, applicant):
    application = application_make(open_round, applicant, status="not-eligible")
    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=application, by=applicant)


# Screening


def test_staff_say_an_application_can_go_to_the_panel(
    open_round, applicant, staff, django_capture_on_commit_callbacks
):
    application = application_make(open_round, applicant, status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        services.application_screen(application=application, eligible=True, by=staff)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBLE
    assert application.screened_by == staff
    assert mail.outbox[0].subject == "Your application is going to the panel"


def test_not_eligible_needs_a_reason_the_group_sees_by_email(
    open_round, applicant, staff, django_capture_on_commit_callbacks
):
    application = application_make(open_round, applicant, status="submitted")
    with pytest.raises(Refused) as caught:
        services.application_screen(application=application, eligible=False, by=staff)
    assert caught.value.kind == Refusal.INVALID
    with django_capture_on_commit_callbacks(execute=True):
        services.application_screen(
            application=application, eligible=False, reason="You're outside our areas.", by=staff
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_ELIGIBLE
    assert "You're outside our areas." in mail.outbox[0].body
    event = AuditEvent.objects.get(action="grants.application_screened")
    assert event.details == {"from": "submitted", "to": "not-eligible"}


def test_a_too_long_reason_is_refused(open_round, applicant, staff):
    application = application_make(open_round, applicant, status="submitted")
    with pytest.raises(Refused) as caught:
        services.application_screen(
            application=application, eligible=False, reason="x" * 501, by=staff
        )
    assert caught.value.kind == Refusal.TOO_LONG


def test_screening_the_same_way_twice_records_once(open_round, applicant, staff):
    application = application_make(open_round, applicant, status="submitted")
    services.application_screen(application=application, eligible=True, by=staff)
    services.application_screen(application=application, eligible=True, by=staff)
    assert AuditEvent.objects.filter(action="grants.application_screened").count() == 1


def test_drafts_and_other_organisations_are_not_screened(open_round, applicant, staff, outsider):
    draft = application_make(open_round, applicant)
    with pytest.raises(PermissionDenied):
        services.application_screen(application=draft, eligible=True, by=staff)
    sent = application_make(open_round, applicant, status="submitted")
    with pytest.raises(PermissionDenied):
        services.application_screen(application=sent, eligible=True, by=outsider)


def test_screening_is_over_once_the_panel_is_scoring(organisation, applicant, staff):
    round = round_make(organisation, phase=RoundPhase.ASSESSMENT)
    application = application_make(round, applicant, status="eligible")
    with pytest.raises(PermissionDenied):
        services.application_screen(application=application, eligible=False, reason="No", by=staff)


def test_no_email_when_the_contact_has_none(open_round, organisation, staff):
    contact = factories.member_make(organisation, "applicant-contact")
    application = application_make(open_round, contact, status="submitted")
    from thegither.grants.tasks import application_screened_email, application_submitted_email

    services.application_screen(application=application, eligible=True, by=staff)
    application_submitted_email.call(application.pk)
    application_screened_email.call(application.pk)
    application_screened_email.call(999_999)
    assert mail.outbox == []
