"""Where tasks run for each setting; and `thegither up` with THEGITHER_TASKS=database:
its worker sends the emails, comes back if it dies, and stops when `up` stops.

The real `thegither up` runs in a subprocess on its own SQLite file; an application is
sent through the service from a second process (`thegither shell`), as a web request
would, and the email appears in what `up` prints (the laptop's console email backend).
"""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from thegither.tests.test_deploy_check import production_environment
from thegither.tests.test_server_logs import fetch, free_port

IMMEDIATE = "django.tasks.backends.immediate.ImmediateBackend"
DATABASE = "django_tasks_db.DatabaseBackend"
SHOW_BACKEND = (
    "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'thegither.settings'; "
    "from django.conf import settings; print(settings.TASKS['default']['BACKEND'])"
)


@pytest.mark.parametrize(
    ("variables", "backend"),
    [
        ({"THEGITHER_PROFILE": "dev"}, IMMEDIATE),
        ({"THEGITHER_PROFILE": "dev", "THEGITHER_TASKS": "database"}, DATABASE),
        ({}, DATABASE),  # production
        ({"THEGITHER_TASKS": "immediate"}, IMMEDIATE),
    ],
    ids=["laptop", "laptop-with-worker", "production", "production-without-worker"],
)
def test_tasks_run_where_the_settings_say(tmp_path, variables, backend):
    shown = subprocess.run(
        [sys.executable, "-c", SHOW_BACKEND],
        env={
            **production_environment(tmp_path, **variables),
            "PYTHONPATH": os.pathsep.join(sys.path),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == backend


def test_an_unknown_tasks_setting_stops_thegither_starting(tmp_path):
    shown = subprocess.run(
        [sys.executable, "-c", SHOW_BACKEND],
        env={
            **production_environment(tmp_path, THEGITHER_TASKS="celery"),
            "PYTHONPATH": os.pathsep.join(sys.path),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert shown.returncode != 0
    assert "THEGITHER_TASKS must be 'immediate' or 'database'." in shown.stderr


SUBMIT = """
import uuid
from thegither.accounts.models import Role
from thegither.accounts.tests import factories
from thegither.grants.services import application_submit
from thegither.grants.tests.factories import application_make, round_make

# Names of its own: each process's factories count from 1 again.
organisation = factories.organisation_make(name="{name} Trust", slug="{name}-trust")
contact = factories.member_make(
    organisation, Role.APPLICANT_CONTACT, username="{name}", email="{name}@example.org"
)
application = application_make(round_make(organisation), contact)
application_submit(application=application, submission_key=uuid.uuid4(), by=contact)
"""


def wait_for(condition, *, what: str, output: Path, server: subprocess.Popen) -> None:
    """Wait until `condition()` is true; fail (never assert a timing) after a generous time."""
    deadline = time.monotonic() + 120
    while not condition():
        assert server.poll() is None, f"thegither up stopped:\n{output.read_text()}"
        assert time.monotonic() < deadline, f"gave up waiting for {what}:\n{output.read_text()}"
        time.sleep(0.2)


def workers_of(parent_pid: int) -> list[int]:
    """Return the ids of running `thegither worker` processes started by `parent_pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().rstrip(b"\0").split(b"\0")
        except OSError:
            continue
        if b"worker" in command and command[-2:] == [b"--parent-pid", str(parent_pid).encode()]:
            found.append(int(entry.name))
    return found


@pytest.mark.slow
def test_up_runs_a_worker_that_sends_emails_comes_back_and_stops_with_it(tmp_path):
    port = free_port()
    environment = {
        **os.environ,
        "THEGITHER_DATA_DIR": str(tmp_path),
        "THEGITHER_TASKS": "database",
        "PYTHONPATH": os.pathsep.join(sys.path),
        "PYTHONUNBUFFERED": "1",
    }
    environment.pop("DATABASE_URL", None)  # its own SQLite file, not the test database
    output = tmp_path / "output.txt"

    def submit(name: str) -> None:
        shell = subprocess.run(
            [sys.executable, "-m", "thegither.cli", "shell", "-c", SUBMIT.format(name=name)],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        assert shell.returncode == 0, shell.stderr
        # Queued for the worker, not sent by the process that submitted.
        assert "To: " not in shell.stdout

    with output.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "thegither.cli", "up", "--port", str(port)],
            cwd=tmp_path,
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(
                lambda: _answers(f"http://127.0.0.1:{port}/"),
                what="the site",
                output=output,
                server=server,
            )
            started = re.search(
                r"background worker is running too \(process (\d+)\)", _read(output)
            )
            assert started, _read(output)
            first_worker = int(started.group(1))
            assert workers_of(server.pid) == [first_worker]

            submit("first")
            wait_for(
                lambda: "To: first@example.org" in _read(output),
                what="email",
                output=output,
                server=server,
            )

            os.kill(first_worker, signal.SIGKILL)
            wait_for(
                lambda: (
                    "WARNING: the background worker stopped (stopped by signal 9)" in _read(output)
                ),
                what="the warning",
                output=output,
                server=server,
            )
            submit("second")
            wait_for(
                lambda: "To: second@example.org" in _read(output),
                what="email",
                output=output,
                server=server,
            )
            [second_worker] = workers_of(server.pid)
            assert second_worker != first_worker
        finally:
            server.terminate()
            server.wait(timeout=60)

    assert server.returncode == 0, _read(output)
    assert workers_of(server.pid) == []
    # Each email once, though the second worker started after the first was killed.
    assert _read(output).count("To: first@example.org") == 1
    assert _read(output).count("To: second@example.org") == 1


def _answers(url: str) -> bool:
    try:
        return fetch(url) == 200
    except OSError:
        return False


def _read(path: Path) -> str:
    return path.read_text()
