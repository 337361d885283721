"""`thegither report_reminders`: queue today's report reminders for the background worker.

Run it once a day (cron or a systemd timer: docs/deployment.md). Running it more often,
or twice by mistake, sends nothing twice (decision 0061).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from thegither.grants.services.reports import report_reminders_queue


class Command(BaseCommand):
    help = (
        "Queue the reminders to groups whose end-of-grant report is due in the next two weeks "
        "or is late. The background worker sends them. Safe to run more than once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            default=None,
            help="Act as if today were this day (YYYY-MM-DD), to catch up on a missed day.",
        )

    def handle(self, *args, today, verbosity, **options):
        if today is None:
            day = timezone.localdate()
        else:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError as error:
                raise CommandError("--today must be a date like 2027-03-01.") from error
        queued = report_reminders_queue(today=day)
        if verbosity:
            plural = "" if queued == 1 else "s"
            self.stdout.write(f"Queued {queued} report reminder{plural} for {day.isoformat()}.")
