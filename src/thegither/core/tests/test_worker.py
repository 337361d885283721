"""The background worker: needed only with the database backend, and kept running."""

import os
import sys
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from thegither.core.worker import WorkerSupervisor, worker_command, worker_is_needed

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def wait_for(condition, *, what: str, seconds: float = 60) -> None:
    """Wait until `condition()` is true; fail (never assert a timing) after a generous time."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def test_no_worker_is_needed_when_tasks_run_straight_away():
    with override_settings(TASKS=IMMEDIATE_TASKS):
        assert not worker_is_needed()
        assert worker_command() is None


def test_a_worker_is_needed_when_tasks_wait_in_the_database():
    with override_settings(TASKS=DATABASE_TASKS):
        assert worker_is_needed()
        command = worker_command()
    assert command is not None
    assert command[:4] == [sys.executable, "-m", "thegither.cli", "worker"]
    assert command[-2:] == ["--parent-pid", str(os.getpid())]


def test_the_worker_command_refuses_when_tasks_run_straight_away():
    with override_settings(TASKS=IMMEDIATE_TASKS), pytest.raises(CommandError) as raised:
        call_command("worker", "--batch")
    assert "THEGITHER_TASKS=database" in str(raised.value)


def test_a_worker_that_stops_is_started_again_and_said_so(tmp_path):
    runs = tmp_path / "runs.txt"
    # Stops at once with status 3, the first two times; then keeps running.
    script = (
        "import pathlib, sys, time\n"
        f"runs = pathlib.Path({str(runs)!r})\n"
        "runs.write_text(runs.read_text() + 'x' if runs.exists() else 'x')\n"
        "if len(runs.read_text()) <= 2: sys.exit(3)\n"
        "time.sleep(600)\n"
    )
    said: list[str] = []
    supervisor = WorkerSupervisor(
        [sys.executable, "-c", script], say=said.append, first_pause=0.01, longest_pause=0.02
    )
    supervisor.start()
    try:
        wait_for(lambda: runs.exists() and len(runs.read_text()) == 3, what="a third start")
    finally:
        supervisor.stop()
    assert supervisor.starts == 3
    assert len(said) == 2
    assert all("WARNING: the background worker stopped (exit status 3)" in line for line in said)


def test_stopping_stops_the_worker_and_does_not_start_it_again(tmp_path):
    said: list[str] = []
    supervisor = WorkerSupervisor(
        [sys.executable, "-c", "import time; time.sleep(600)"],
        say=said.append,
        first_pause=0.01,
    )
    supervisor.start()
    process = supervisor._process
    supervisor.stop()
    assert process.poll() is not None
    assert supervisor.starts == 1
    assert said == []


def test_a_worker_that_ignores_stop_is_killed_and_said_so():
    said: list[str] = []
    script = (
        "import signal, sys, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\ntime.sleep(600)\n"
    )
    supervisor = WorkerSupervisor([sys.executable, "-c", script], say=said.append, stop_timeout=0.5)
    supervisor.start()
    process = supervisor._process
    # Only once it really ignores SIGTERM, or this could pass by stopping it too early.
    wait_for(lambda: _has_ignored_sigterm(process.pid), what="the child to ignore SIGTERM")
    supervisor.stop()
    assert process.poll() is not None
    assert any("did not stop within 0.5 seconds" in line for line in said)


def _has_ignored_sigterm(pid: int) -> bool:
    """Return True once process `pid` ignores SIGTERM (Linux: /proc/<pid>/status SigIgn)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("SigIgn:"):
                    return bool(int(line.split()[1], 16) & (1 << (15 - 1)))
    except FileNotFoundError:
        return False
    return False
