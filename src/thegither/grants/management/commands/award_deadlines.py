"""`thegither award_deadlines`: remind groups to accept their awards, and lapse overdue ones.

Run it once a day (cron or a systemd timer; docs/youth-bank.md says how). Running it
again the same day does nothing more: each award gets one reminder, and lapses once.
After a gap of some days it catches up: every award past its date lapses.
"""

from django.core.management.base import BaseCommand

from thegither.grants import services


class Command(BaseCommand):
    help = (
        "Email a reminder to each group whose award isn't accepted a week before its "
        "accept-by date, and give the money of awards not accepted in time back to their "
        "pots. Run it once a day."
    )

    def handle(self, *args, **options):
        reminded = services.award_reminders_send()
        lapsed = services.awards_lapse_overdue()
        self.stdout.write(f"Reminders sent: {reminded}. Awards lapsed: {len(lapsed)}.")
        for award in lapsed:
            self.stdout.write(f"Lapsed: {award.application} ({award.pot.area.name}).")
