"""`thegither setup`: make a real site's first organisation and its admin."""

import getpass
import sys

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from thegither.accounts.models import AgeBand
from thegither.accounts.services import organisation_set_up


class Command(BaseCommand):
    help = (
        "Make your organisation and its first admin. The admin either types a password "
        "here, or (with --link) gets a one-time link to choose one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="The organisation's name.")
        parser.add_argument("--slug", default="", help="Short name for links (from the name).")
        parser.add_argument("--username", required=True, help="The admin's username.")
        parser.add_argument("--name", required=True, help="The admin's name people see.")
        parser.add_argument("--email", default="", help="The admin's email address.")
        parser.add_argument(
            "--age-band", default=AgeBand.OVER_25, choices=[AgeBand.FROM_18_TO_25, AgeBand.OVER_25]
        )
        parser.add_argument(
            "--site-admin",
            action="store_true",
            help="Also let this person use the admin site (/admin/) for the whole site.",
        )
        parser.add_argument(
            "--link",
            action="store_true",
            help="Don't ask for a password: print a one-time link where the admin chooses one.",
        )
        parser.add_argument(
            "--site-url",
            default="",
            help="The site's address for the link, e.g. https://thegither.example.org "
            "(default: https:// and the first of THEGITHER_ALLOWED_HOSTS).",
        )

    def handle(self, *args, **options):
        password = None if options["link"] else self._ask_password()
        try:
            organisation, admin = organisation_set_up(
                name=options["organisation"],
                slug=options["slug"],
                username=options["username"],
                display_name=options["name"],
                email=options["email"],
                password=password,
                age_band=options["age_band"],
                site_admin=options["site_admin"],
            )
        except ValidationError as error:
            raise CommandError("Nothing was saved. " + " ".join(error.messages)) from error
        self.stdout.write(
            f"Made {organisation.name} (/{organisation.slug}) and its admin {admin.username}."
        )
        if password is None:
            self.stdout.write(
                "Give this one-time link to the admin to choose a password (it stops working "
                "once used, or after three days):"
            )
            self.stdout.write(self._password_link(admin, options["site_url"]))

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError(
                "No terminal to type a password in. Run this in a terminal, or add --link to "
                "print a one-time link where the admin chooses a password."
            )
        password = getpass.getpass("Password for the admin: ")
        if password != getpass.getpass("The same password again: "):
            raise CommandError("The two passwords are different. Nothing was saved.")
        return password

    def _password_link(self, admin, site_url: str) -> str:
        if not site_url:
            hosts = [host for host in settings.ALLOWED_HOSTS if host not in {"*", ""}]
            host = hosts[0].lstrip(".") if hosts else "127.0.0.1:8000"
            scheme = "https" if settings.PRODUCTION else "http"
            site_url = f"{scheme}://{host}"
        path = reverse(
            "accounts:password-reset-confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(admin.pk)),
                "token": default_token_generator.make_token(admin),
            },
        )
        return site_url.rstrip("/") + path
