"""`thegither worker`: run the tasks (emails) waiting in the database, until stopped."""

import argparse
import os
import signal
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from thegither.core.worker import worker_is_needed

# The signals django-tasks-db's worker takes over; they are put back when it returns.
WORKER_SIGNALS = [signal.SIGINT, signal.SIGTERM] + (
    [signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else []
)


def stop_when_parent_goes(parent_pid: int) -> None:
    """Stop this worker (as if sent SIGTERM) once the process that started it is gone."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class Command(BaseCommand):
    help = (
        "Run the background worker: it sends the emails waiting in the database "
        "(THEGITHER_TASKS=database). Stop it with Ctrl+C or SIGTERM; it finishes the "
        "task it is running first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch", action="store_true", help="Run the tasks waiting now, then stop."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait before looking again when nothing is waiting (default 1).",
        )
        # `thegither up` passes its own id, so a worker it started never outlives it.
        parser.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)

    def handle(self, *args, batch, interval, parent_pid, verbosity, **options):
        if not worker_is_needed():
            raise CommandError(
                "Tasks run straight away here (THEGITHER_TASKS is not 'database'), so there "
                "is no worker to run. Set THEGITHER_TASKS=database to queue them for a worker."
            )
        if interval < 0:
            raise CommandError("--interval must be 0 or more seconds.")
        if parent_pid is not None:
            stop_when_parent_goes(parent_pid)
        handlers = {number: signal.getsignal(number) for number in WORKER_SIGNALS}
        try:
            call_command(
                "db_worker",
                # Every queue, so a task given a queue of its own is never left waiting.
                queue_name="*",
                batch=batch,
                interval=interval,
                reload=False,
                startup_delay=not batch,
                verbosity=verbosity,
                stdout=self.stdout,
                stderr=self.stderr,
            )
        finally:
            for number, handler in handlers.items():
                signal.signal(number, handler)
