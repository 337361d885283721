"""`thegither up` runs the background worker beside the web server only when tasks need one."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from thegither.demo.management.commands import up

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


class FakeSupervisor:
    made: list["FakeSupervisor"] = []

    def __init__(self, command, *, say):
        self.command = command
        self.events: list[str] = []
        self.pid = 4321
        FakeSupervisor.made.append(self)

    def start(self):
        self.events.append("start")

    def stop(self):
        self.events.append("stop")


@pytest.fixture
def up_without_serving(monkeypatch):
    """Run `thegither up`'s plan with a stand-in for uvicorn and for the worker process."""
    served: list[str] = []
    FakeSupervisor.made = []
    monkeypatch.setattr(up, "WorkerSupervisor", FakeSupervisor)
    monkeypatch.setattr(up, "demo_is_needed", lambda: False)
    monkeypatch.setattr(up.Command, "serve", lambda self, host, port: served.append("serve"))
    return served


@pytest.mark.django_db
def test_up_serves_without_a_worker_when_tasks_run_straight_away(up_without_serving):
    out = StringIO()
    with override_settings(TASKS=IMMEDIATE_TASKS):
        call_command("up", stdout=out)
    assert up_without_serving == ["serve"]
    assert FakeSupervisor.made == []
    assert "background worker" not in out.getvalue()


@pytest.mark.django_db
def test_up_starts_the_worker_and_stops_it_after_serving(up_without_serving):
    out = StringIO()
    with override_settings(TASKS=DATABASE_TASKS):
        call_command("up", stdout=out)
    assert up_without_serving == ["serve"]
    [supervisor] = FakeSupervisor.made
    assert supervisor.command[3] == "worker"
    assert supervisor.events == ["start", "stop"]
    assert "The background worker is running too (process 4321)" in out.getvalue()


@pytest.mark.django_db
def test_up_stops_the_worker_when_serving_fails(up_without_serving, monkeypatch):
    def broken(self, host, port):
        raise OSError("address already in use")

    monkeypatch.setattr(up.Command, "serve", broken)
    refused = pytest.raises(OSError, match="address already in use")
    with override_settings(TASKS=DATABASE_TASKS), refused:
        call_command("up", stdout=StringIO())
    [supervisor] = FakeSupervisor.made
    assert supervisor.events == ["start", "stop"]


@pytest.mark.django_db
def test_up_with_no_serve_starts_no_worker(up_without_serving):
    with override_settings(TASKS=DATABASE_TASKS):
        call_command("up", "--no-serve", stdout=StringIO())
    assert up_without_serving == []
    assert FakeSupervisor.made == []


@pytest.mark.django_db
def test_up_with_no_worker_leaves_the_worker_to_you(up_without_serving):
    with override_settings(TASKS=DATABASE_TASKS):
        call_command("up", "--no-worker", stdout=StringIO())
    assert up_without_serving == ["serve"]
    assert FakeSupervisor.made == []
