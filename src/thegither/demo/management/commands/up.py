"""`thegither up`: set up the database, load the demo if empty (never on a real site), serve.

With THEGITHER_TASKS=database it also runs the background worker, as a child process
that stops when `up` stops (decision 0045).
"""

import signal

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from thegither.accounts.models import Organisation
from thegither.accounts.services import login_locks_forget_stale
from thegither.core.server import serve
from thegither.core.worker import WorkerSupervisor, worker_command
from thegither.demo.management.commands.demo import print_logins
from thegither.demo.services import demo_is_needed, demo_load


class Command(BaseCommand):
    help = "Migrate, load the demo data if the database is empty, and serve Thegither."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Set up, then stop.")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Don't start the background worker (you run `thegither worker` yourself).",
        )

    def handle(self, *args, host, port, no_serve, no_worker, **options):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        if demo_is_needed():
            print_logins(self.stdout, demo_load())
        elif settings.PRODUCTION:
            if not Organisation.objects.exists():
                self.stdout.write(
                    "No organisation yet. Make yours and its first admin with `thegither setup` "
                    "(the demo is never loaded on a real site)."
                )
        else:
            self.stdout.write("The database already has people in it, so no demo was loaded.")
        login_locks_forget_stale()
        if no_serve:
            return
        command = None if no_worker else worker_command()
        if command is None:
            self.serve(host, port)
            return
        supervisor = WorkerSupervisor(command, say=self.stderr.write)
        supervisor.start()
        self.stdout.write(
            f"The background worker is running too (process {supervisor.pid}): it sends the emails."
        )
        # uvicorn stops on SIGTERM and then raises it again; exit through `finally`, so
        # the worker is stopped too, instead of dying there.
        previous = signal.signal(signal.SIGTERM, _exit_quietly)
        try:
            self.serve(host, port)
        finally:
            signal.signal(signal.SIGTERM, previous)
            supervisor.stop()

    def serve(self, host: str, port: int) -> None:
        self.stdout.write(f"Thegither is at http://{host}:{port}/ (press Ctrl+C to stop)")
        # No client addresses or link secrets in the logs, and the same proxies as Django.
        serve(host=host, port=port)


def _exit_quietly(signum, frame):
    raise SystemExit(0)
