from django.core.management.base import BaseCommand

from thegither.demo.services import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Load the fictional demo charity and print its log-ins."

    def handle(self, *args, **options):
        logins = demo_load()
        print_logins(self.stdout, logins)


def print_logins(out, logins) -> None:
    out.write(f"Demo log-ins (password for all: {DEMO_PASSWORD}):")
    for login in logins:
        note = f" ({login.note})" if login.note else ""
        out.write(f"  {login.username:<20} {login.role.label}{note}")
