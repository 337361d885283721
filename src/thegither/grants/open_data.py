"""Where the money went, as 360Giving open data (JSON and CSV), checked before it is served.

Every final award with money is one grant. Only what is public already goes in: the
group's name, its public summary (the group wrote it for anyone to read, and was told
not to name any young person), the area, the amounts and the date. Never a contact's
name or email, never a panel member, never the application's other answers or the ages
of the young people.

Identifiers follow the standard's guidance (decision 0060): a grant is
`360G-<prefix>-award-<id>`; youth groups rarely have a charity or company number, so
the standard says to use the publisher's own prefix and an internal identifier:
`360G-<prefix>-<organisation>-group-<group name>`. The prefix is the setting
THEGITHER_360GIVING_PREFIX.

Each file is checked against the standard's own schema (1.4.3, vendored in
`data/360giving/` with its CC BY 4.0 licence) with jsonschema, offline: the package
schema's reference to the grant schema is resolved to the file beside it.
"""

import csv
import functools
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify

from thegither.accounts.models import Organisation
from thegither.grants.models import Award, AwardStatus, MeetingStatus, Round
from thegither.grants.money import pence_for_typing

SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "360giving"
PACKAGE_SCHEMA = "360-giving-package-schema.json"
GRANT_SCHEMA = "360-giving-schema.json"
# The address the package schema uses for the grant schema (1.4.2 in its $ref, 1.4.3 in
# the grant schema's own $id): both are mapped to the local file.
GRANT_SCHEMA_REF = (
    "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/"
    "360-giving-schema.json"
)
SCHEMA_VERSION = "1.4"
PUBLISHED_STATUSES = (AwardStatus.AWARDED, AwardStatus.PARTIAL)
PROBLEMS_SHOWN = 5

# The standard's spreadsheet column titles for the fields we publish, in order.
CSV_COLUMNS = (
    "Identifier",
    "Title",
    "Description",
    "Currency",
    "Amount Applied For",
    "Amount Awarded",
    "Award Date",
    "Recipient Org:Identifier",
    "Recipient Org:Name",
    "Funding Org:Identifier",
    "Funding Org:Name",
    "Grant Programme:Code",
    "Grant Programme:Title",
    "Beneficiary Location:Name",
    "From An Open Call?",
    "Last Modified",
)


class ExportInvalid(Exception):
    """The export doesn't pass the 360Giving schema, so it must not be served."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def published_awards() -> QuerySet[Award]:
    """Return every final award with money, with what the export and the public page show."""
    return (
        Award.objects.filter(
            is_final=True,
            meeting__status=MeetingStatus.FINAL,
            status__in=PUBLISHED_STATUSES,
            amount_pence__gt=0,
        )
        .select_related("application__round__fund__organisation", "pot__area", "meeting")
        .order_by(
            "meeting__confirmed_at", "application__round_id", "pot__area__name", "position", "pk"
        )
    )


def awards_of_round(round: Round) -> QuerySet[Award]:
    return published_awards().filter(application__round=round)


def awards_of_organisation(organisation: Organisation, *, year: int | None = None):
    awards = published_awards().filter(application__round__fund__organisation=organisation)
    if year is not None:
        awards = awards.filter(meeting__confirmed_at__year=year)
    return awards


# Identifiers.


def publisher_prefix() -> str:
    """Return "360G-" and the organisation's 360Giving prefix from the settings."""
    raw = str(getattr(settings, "THEGITHER_360GIVING_PREFIX", "") or "").strip()
    raw = re.sub(r"^360G-", "", raw, flags=re.IGNORECASE)
    # The standard: no slashes or spaces; anything unusual becomes an underscore.
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", raw).strip("-_")
    return f"360G-{cleaned or 'thegither'}"


def grant_identifier(award: Award) -> str:
    """Return the grant's identifier: it never changes, whatever else about the award does."""
    return f"{publisher_prefix()}-award-{award.pk}"


def funder_identifier(organisation: Organisation) -> str:
    return f"{publisher_prefix()}-org-{organisation.slug}"


def recipient_identifier(award: Award) -> str:
    """Return the group's identifier: the same group name in one organisation is one group."""
    application = award.application
    name = slugify(application.group_name) or f"application-{application.pk}"
    return f"{publisher_prefix()}-{application.round.fund.organisation.slug}-group-{name}"


def programme_code(round: Round) -> str:
    return f"{publisher_prefix()}-round-{round.pk}"


# The grants.


def amount_number(pence: int) -> int | float:
    """Return pence as a number of pounds for JSON: 150000 is 1500, 1250 is 12.5.

    Made from the exact decimal text, so the JSON says exactly the pounds and pence
    (the float's shortest form is that text again for every amount we allow).
    """
    pounds, rest = divmod(int(pence), 100)
    return pounds if rest == 0 else float(f"{pounds}.{rest:02d}")


def grant_of(award: Award) -> dict:
    """Return one award as a 360Giving grant, with public facts only."""
    application = award.application
    round = application.round
    organisation = round.fund.organisation
    title = f"Grant to {application.group_name}"[:140]
    decided = timezone.localtime(award.meeting.confirmed_at)
    return {
        "id": grant_identifier(award),
        "title": title,
        "description": " ".join((application.summary or title).split()),
        "currency": "GBP",
        "amountAppliedFor": amount_number(application.amount_pence),
        "amountAwarded": amount_number(award.amount_pence),
        # A full date-time, not just the day: the schema's oneOf for dates is then met once
        # whether or not a checker asserts formats (decision 0060).
        "awardDate": decided.isoformat(timespec="seconds"),
        "recipientOrganization": [
            {"id": recipient_identifier(award), "name": application.group_name}
        ],
        "fundingOrganization": [{"id": funder_identifier(organisation), "name": organisation.name}],
        "grantProgramme": [
            {"code": programme_code(round), "title": f"{round.fund.name}: {round.name}"}
        ],
        "beneficiaryLocation": [{"name": award.pot.area.name}],
        "fromOpenCall": "Yes",
        "dateModified": timezone.localtime(award.changed_at).isoformat(timespec="seconds"),
    }


@dataclass(frozen=True)
class Export:
    """A checked 360Giving package, and its rows for the CSV (the same grants)."""

    package: dict
    grants: list[dict]

    def json(self) -> str:
        return json.dumps(self.package, ensure_ascii=False, indent=2) + "\n"

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        for grant in self.grants:
            writer.writerow([_safe_cell(value) for value in csv_row(grant)])
        return out.getvalue()


def _amount_text(number: int | float) -> str:
    return pence_for_typing(round(number * 100)) if isinstance(number, float) else str(number)


def csv_row(grant: dict) -> list[str]:
    """Return the grant flattened to the standard's spreadsheet columns (CSV_COLUMNS)."""
    return [
        grant["id"],
        grant["title"],
        grant["description"],
        grant["currency"],
        _amount_text(grant["amountAppliedFor"]),
        _amount_text(grant["amountAwarded"]),
        grant["awardDate"],
        grant["recipientOrganization"][0]["id"],
        grant["recipientOrganization"][0]["name"],
        grant["fundingOrganization"][0]["id"],
        grant["fundingOrganization"][0]["name"],
        grant["grantProgramme"][0]["code"],
        grant["grantProgramme"][0]["title"],
        grant["beneficiaryLocation"][0]["name"],
        grant["fromOpenCall"],
        grant["dateModified"],
    ]


def _safe_cell(value: str) -> str:
    """Stop a spreadsheet reading a group's words as a formula (=, +, -, @ at the start)."""
    text = str(value)
    return f"'{text}" if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def package_of(awards, *, organisation: Organisation, title: str) -> dict:
    """Return the 360Giving package (`{"grants": [...]}`) for these awards."""
    return {
        "grants": [grant_of(award) for award in awards],
        "version": SCHEMA_VERSION,
        "title": title,
        "issued": timezone.localtime().isoformat(timespec="seconds"),
        "publisher": {"identifier": funder_identifier(organisation), "name": organisation.name},
    }


def export_of(awards, *, organisation: Organisation, title: str) -> Export:
    """Return the checked export of these awards; raise ExportInvalid if it fails the schema.

    With no awards there is nothing to publish (the standard needs at least one grant):
    that raises ExportInvalid too, and the page says so.
    """
    package = package_of(list(awards), organisation=organisation, title=title)
    validate(package)
    return Export(package=package, grants=package["grants"])


# Checking against the schema.

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _is_date_time(value) -> bool:
    """Check RFC 3339's date-time (jsonschema leaves it unchecked without rfc3339-validator)."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return True


def format_checker():
    """Return jsonschema's format checker with date-time checked too.

    The 360Giving schema writes dates as oneOf a date-time format or a YYYY-MM-DD
    pattern: without a date-time check, a plain day matches both and fails, and a
    wrong date-time matches the format and passes.
    """
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker(formats=())
    checker.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    checker.checks("date-time")(_is_date_time)
    return checker


@functools.cache
def validator(schema_dir: Path = SCHEMA_DIR):
    """Return a validator for 360Giving packages that reads the schema from `schema_dir` only."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    package = json.loads((schema_dir / PACKAGE_SCHEMA).read_text(encoding="utf-8"))
    grant = json.loads((schema_dir / GRANT_SCHEMA).read_text(encoding="utf-8"))
    resource = Resource.from_contents(grant, default_specification=DRAFT202012)
    registry = Registry().with_resources([(GRANT_SCHEMA_REF, resource), (grant["$id"], resource)])
    # Chosen directly: the schema's "$schema" address starts http://, which jsonschema
    # would otherwise try to look up.
    return Draft202012Validator(package, registry=registry, format_checker=format_checker())


def _where(error) -> str:
    return " → ".join(str(part) for part in error.absolute_path) or "the file"


def _problems(error) -> list[str]:
    """Say what is wrong, in the branch that matters: a grant to an organisation."""
    if error.validator == "oneOf" and error.context:
        # The grant schema's oneOf: to an organisation (branch 0) or to a person (1).
        ours = [e for e in error.context if e.relative_schema_path[0] == 0]
        if ours:
            return [f"{_where(error)}: {e.message}" for e in ours]
    return [f"{_where(error)}: {error.message}"]


def validate(package: dict, *, schema_dir: Path = SCHEMA_DIR) -> None:
    """Raise ExportInvalid, saying where and what, if the package fails the 360Giving schema."""
    errors = sorted(
        validator(schema_dir).iter_errors(package), key=lambda e: list(map(str, e.path))
    )
    problems = [problem for error in errors for problem in _problems(error)]
    if problems:
        raise ExportInvalid(problems[:PROBLEMS_SHOWN])
