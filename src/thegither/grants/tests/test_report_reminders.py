"""Reminders before a report is due and when it is late: queued daily, sent once each.

`thegither report_reminders` queues them; the background worker sends them. The
last tests run the real command and django-tasks-db's real worker (as
test_worker.py does), in transactions that commit.
"""

import datetime
import os
import subprocess
import sys

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from thegither.accounts.tests import factories
from thegither.core.models import AuditEvent
from thegither.grants.models import ReportReminder, ReportReminderKind, RoundPhase
from thegither.grants.reporting import reminder_kind_on, reminders_due
from thegither.grants.services import reports as services
from thegither.grants.tasks import report_reminder_email
from thegither.grants.tests.report_helpers import draft_of, funded_make, sent_report

DECIDED = datetime.date(2027, 3, 1)
DUE = datetime.date(2027, 5, 30)  # 90 days on


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (DUE - datetime.timedelta(days=15), None),
        (DUE - datetime.timedelta(days=14), ReportReminderKind.DUE_SOON),
        (DUE, ReportReminderKind.DUE_SOON),
        (DUE + datetime.timedelta(days=1), ReportReminderKind.OVERDUE),
        (DUE + datetime.timedelta(days=200), ReportReminderKind.OVERDUE),
    ],
)
def test_which_reminder_is_due_on_which_day(today, kind):
    assert reminder_kind_on(DUE, today) == kind


@pytest.mark.django_db
class TestQueueing:
    @pytest.fixture
    def funded(self, organisation):
        return funded_make(organisation, decided_on=DECIDED)

    def test_a_reminder_goes_two_weeks_before_and_once_more_when_late(
        self, funded, django_capture_on_commit_callbacks
    ):
        before = DUE - datetime.timedelta(days=20)
        assert services.report_reminders_queue(today=before) == 0
        with django_capture_on_commit_callbacks(execute=True):
            assert services.report_reminders_queue(today=DUE - datetime.timedelta(days=10)) == 1
        [soon] = mail.outbox
        assert soon.to == ["group@example.org"]
        assert soon.subject == "Your end-of-grant report is due on 30 May 2027"
        # The next day, and the one after, nothing more: it was sent already.
        for day in (9, 8):
            with django_capture_on_commit_callbacks(execute=True):
                assert (
                    services.report_reminders_queue(today=DUE - datetime.timedelta(days=day)) == 0
                )
        with django_capture_on_commit_callbacks(execute=True):
            assert services.report_reminders_queue(today=DUE + datetime.timedelta(days=1)) == 1
        with django_capture_on_commit_callbacks(execute=True):
            services.report_reminders_queue(today=DUE + datetime.timedelta(days=2))
        assert [m.subject for m in mail.outbox] == [
            "Your end-of-grant report is due on 30 May 2027",
            "Your end-of-grant report is late",
        ]
        assert "was due on 30 May 2027" in mail.outbox[1].body
        assert set(ReportReminder.objects.values_list("kind", flat=True)) == {
            "due-soon",
            "overdue",
        }
        events = AuditEvent.objects.filter(action="grants.report_reminder_sent")
        assert [e.details["kind"] for e in events.order_by("pk")] == ["due-soon", "overdue"]

    def test_calling_the_task_twice_sends_one_email(self, funded):
        today = timezone.localdate()
        decided = today - datetime.timedelta(days=100)
        funded.meeting.confirmed_at = timezone.make_aware(
            datetime.datetime.combine(decided, datetime.time(12))
        )
        funded.meeting.save()
        due = (today - datetime.timedelta(days=10)).isoformat()
        report_reminder_email.call(funded.award.pk, "overdue", due, today.isoformat())
        report_reminder_email.call(funded.award.pk, "overdue", due, today.isoformat())
        assert len(mail.outbox) == 1
        assert ReportReminder.objects.count() == 1

    def test_no_reminder_once_the_report_is_sent_or_for_a_draft_in_a_closed_round(
        self, funded, organisation
    ):
        late = DUE + datetime.timedelta(days=3)
        sent_report(funded.award)
        closed = funded_make(organisation, decided_on=DECIDED, contact_email="c@example.org")
        services.report_save(award=closed.award, draft=draft_of(), by=closed.contact)
        closed.round.phase = RoundPhase.CLOSED
        closed.round.save()
        no_email = funded_make(organisation, decided_on=DECIDED, contact_email="")
        waiting = funded_make(organisation, decided_on=DECIDED, contact_email="w@example.org")
        assert [r.award for r in reminders_due(late)] == [waiting.award]
        assert no_email.award not in [r.award for r in reminders_due(late)]

    def test_a_task_queued_before_the_report_was_sent_sends_nothing(self, funded):
        late = DUE + datetime.timedelta(days=3)
        [due] = reminders_due(late)
        sent_report(funded.award)
        assert (
            services.report_reminder_claim(
                award_id=due.award.pk, kind=due.kind, due_on=due.due_on, today=late
            )
            is None
        )
        assert not ReportReminder.objects.exists()

    def test_a_new_due_date_gets_its_own_reminder(self, funded, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            services.report_reminders_queue(today=DUE - datetime.timedelta(days=5))
        services.report_due_days_set(round=funded.round, days=120, by=funded.staff)
        new_due = DECIDED + datetime.timedelta(days=120)
        with django_capture_on_commit_callbacks(execute=True):
            services.report_reminders_queue(today=DUE - datetime.timedelta(days=4))
            services.report_reminders_queue(today=new_due - datetime.timedelta(days=3))
        assert [m.subject for m in mail.outbox] == [
            "Your end-of-grant report is due on 30 May 2027",
            "Your end-of-grant report is due on 29 June 2027",
        ]

    def test_a_failed_email_is_forgotten_so_tomorrow_tries_again(
        self, funded, monkeypatch, django_capture_on_commit_callbacks
    ):
        def mail_server_down(*args, **kwargs):
            raise ConnectionRefusedError("the mail server did not answer")

        late = DUE + datetime.timedelta(days=1)
        monkeypatch.setattr("thegither.grants.tasks.send_mail", mail_server_down)
        [due] = reminders_due(late)
        reminder = services.report_reminder_claim(
            award_id=due.award.pk, kind=due.kind, due_on=due.due_on, today=late
        )
        assert reminder is not None
        services.report_reminder_release(reminder=reminder)
        assert not ReportReminder.objects.exists()
        assert AuditEvent.objects.filter(action="grants.report_reminder_failed").count() == 1
        monkeypatch.undo()
        with django_capture_on_commit_callbacks(execute=True):
            assert services.report_reminders_queue(today=late) == 1
        assert len(mail.outbox) == 1

    def test_the_command_takes_a_day_and_refuses_a_bad_one(self, funded, capsys):
        call_command("report_reminders", "--today", "2027-05-31")
        assert "Queued 1 report reminder for 2027-05-31." in capsys.readouterr().out
        with pytest.raises(CommandError):
            call_command("report_reminders", "--today", "31/05/2027")


# --- With the database backend and django-tasks-db's real worker loop (decision 0045).

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_the_daily_command_queues_a_reminder_and_the_worker_sends_it_once():
    organisation = factories.organisation_make()
    today = timezone.localdate()
    funded = funded_make(
        organisation,
        decided_on=today - datetime.timedelta(days=80),  # due in 10 days
        contact_email="canal.youth@example.org",
    )
    with override_settings(TASKS=DATABASE_TASKS):
        call_command("report_reminders", verbosity=0)
        call_command("report_reminders", verbosity=0)  # run twice by mistake
        queued = list(DBTaskResult.objects.all())
        assert {task.task_path for task in queued} == {
            "thegither.grants.tasks.report_reminder_email"
        }
        assert mail.outbox == []  # nothing is sent until the worker runs

        call_command("worker", "--batch", verbosity=0)
        call_command("report_reminders", verbosity=0)  # tomorrow's run, say
        call_command("worker", "--batch", verbosity=0)

    [email] = mail.outbox
    assert email.to == ["canal.youth@example.org"]
    due = today + datetime.timedelta(days=10)
    assert email.subject == f"Your end-of-grant report is due on {due:%-d %B %Y}"
    assert ReportReminder.objects.get().award == funded.award
    assert all(t.status == TaskResultStatus.SUCCESSFUL for t in DBTaskResult.objects.all())


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs on PostgreSQL (CI's second run): another process cannot open SQLite's "
    "in-memory test database",
)
@pytest.mark.django_db(transaction=True)
def test_a_worker_in_its_own_process_sends_the_reminder():
    organisation = factories.organisation_make()
    funded_make(
        organisation,
        decided_on=timezone.localdate() - datetime.timedelta(days=95),  # five days late
        contact_email="late.group@example.org",
    )
    with override_settings(TASKS=DATABASE_TASKS):
        call_command("report_reminders", verbosity=0)
    settings_dict = connection.settings_dict
    database_url = "postgres://{user}:{password}@{host}:{port}/{name}".format(
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"],
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        name=settings_dict["NAME"],  # the test database, not the one DATABASE_URL names
    )
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "THEGITHER_TASKS": "database",
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    worker = subprocess.run(
        [sys.executable, "-m", "thegither.cli", "worker", "--batch"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert worker.returncode == 0, worker.stderr
    assert "To: late.group@example.org" in worker.stdout, worker.stdout + worker.stderr
    assert "Your end-of-grant report is late" in worker.stdout
    assert ReportReminder.objects.get().kind == ReportReminderKind.OVERDUE
    assert mail.outbox == []  # sent by the other process, not this one
