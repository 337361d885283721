"""Emails wait in the database and a real worker sends them, each once (decision 0045).

The service runs for real in a transaction that commits (a transactional test), so
its after-commit hook queues the email exactly as on a site. Then django-tasks-db's own
worker loop runs it: here in this process (`thegither worker --batch`, which works on
SQLite's in-memory test database too), and on PostgreSQL also as a separate process
sharing the test database, the way `thegither up` runs it.
"""

import os
import subprocess
import sys
import uuid

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.tasks import TaskResultStatus
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.grants import services
from thegither.grants.models import ApplicationStatus, RoundPhase
from thegither.grants.tests.factories import application_make, round_make

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def tasks_in_the_database():
    with override_settings(TASKS=DATABASE_TASKS):
        yield


@pytest.fixture
def application():
    organisation = factories.organisation_make()
    contact = factories.member_make(
        organisation, Role.APPLICANT_CONTACT, email="canal.youth@example.org"
    )
    return application_make(round_make(organisation), contact)


def submit(application, key: uuid.UUID | None = None):
    return services.application_submit(
        application=application, submission_key=key or uuid.uuid4(), by=application.contact
    )


def run_worker() -> None:
    call_command("worker", "--batch", verbosity=0)


def test_the_submitted_email_waits_for_the_worker_which_sends_it(
    tasks_in_the_database, application
):
    submit(application)

    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "thegither.grants.tasks.application_submitted_email"
    assert queued.status == TaskResultStatus.READY
    assert queued.args_kwargs == {"args": [application.pk], "kwargs": {}}
    assert mail.outbox == []  # not sent while the person waits for the page

    run_worker()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["canal.youth@example.org"]
    assert mail.outbox[0].subject == f"We've got your application to {application.round.name}"
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL


def test_the_worker_sends_each_email_once(tasks_in_the_database, application):
    key = uuid.uuid4()
    submit(application, key)
    submit(application, key)  # a double click: the service queues nothing the second time
    assert DBTaskResult.objects.count() == 1

    run_worker()
    run_worker()  # a second look finds nothing left to do

    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_a_failed_email_is_kept_as_failed_and_not_sent_again(
    tasks_in_the_database, application, monkeypatch
):
    def mail_server_down(*args, **kwargs):
        raise ConnectionRefusedError("the mail server did not answer")

    submit(application)
    monkeypatch.setattr("thegither.grants.tasks.send_mail", mail_server_down)
    run_worker()
    monkeypatch.undo()
    run_worker()

    failed = DBTaskResult.objects.get()
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path == "builtins.ConnectionRefusedError"
    assert mail.outbox == []


def test_the_screening_email_goes_through_the_worker_too(tasks_in_the_database):
    organisation = factories.organisation_make()
    contact = factories.member_make(organisation, Role.APPLICANT_CONTACT, email="g@example.org")
    round = round_make(organisation, phase=RoundPhase.SCREENING)
    application = application_make(round, contact, status=ApplicationStatus.SUBMITTED)
    staff = factories.member_make(organisation, Role.STAFF)
    services.application_screen(
        application=application, eligible=False, reason="We only fund groups in Govan.", by=staff
    )
    assert mail.outbox == []

    run_worker()

    [screened] = mail.outbox
    assert screened.to == ["g@example.org"]
    assert screened.subject == "Your application can't go to the panel"
    assert "We only fund groups in Govan." in screened.body
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_ELIGIBLE


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs on PostgreSQL (CI's second run): another process cannot open SQLite's "
    "in-memory test database",
)
def test_a_worker_in_its_own_process_sends_the_email(tasks_in_the_database, application):
    submit(application)
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
    # The laptop's console email backend prints the email where the worker runs.
    assert "To: canal.youth@example.org" in worker.stdout, worker.stdout + worker.stderr
    assert "We've got your application" in worker.stdout
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert mail.outbox == []  # sent by the other process, not this one
