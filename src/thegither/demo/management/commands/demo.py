from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from thegither.demo.services import DEMO_PASSWORD, demo_load

ALLOW_FLAG = "--on-a-real-site"


class Command(BaseCommand):
    help = "Load the fictional demo charity and print its log-ins."

    def add_arguments(self, parser):
        parser.add_argument(
            ALLOW_FLAG,
            action="store_true",
            dest="on_a_real_site",
            help=(
                "Load the demo even with THEGITHER_PROFILE=production. Its log-ins share a "
                "published password, and `check --deploy` fails while they exist."
            ),
        )

    def handle(self, *args, on_a_real_site, **options):
        if settings.PRODUCTION and not on_a_real_site:
            raise CommandError(
                "This is a real site (THEGITHER_PROFILE=production), so the demo is not loaded: "
                "its log-ins share a password anyone can read in the README. To make your own "
                "organisation and admin, run `thegither setup`. If you really want the demo "
                f"here (a test site), run `thegither demo {ALLOW_FLAG}`."
            )
        logins = demo_load()
        print_logins(self.stdout, logins)


def print_logins(out, logins) -> None:
    out.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
    for login in logins:
        note = f" ({login.note})" if login.note else ""
        out.write(f"  {login.username:<20} {login.role.label}{note}")
