"""360Giving open data: every final award with money, valid against the standard's own schema."""

import copy
import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from thegither.grants import services
from thegither.grants.models import MONEY_MAX_PENCE, AwardStatus
from thegither.grants.open_data import (
    CSV_COLUMNS,
    SCHEMA_DIR,
    ExportInvalid,
    amount_number,
    awards_of_organisation,
    awards_of_round,
    export_of,
    format_checker,
    grant_identifier,
    validate,
    validator,
)
from thegither.grants.tests.letters_helpers import CONDITION, decided_make
from thegither.tests.support import missing

pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parents[4]
SHARED_SCHEMA = REPO_ROOT.parent / "shared" / "data" / "360giving"


@pytest.fixture
def shared_schema() -> Path:
    """The standard's files as the project was given them (../shared), not our copy."""
    if not (SHARED_SCHEMA / "360-giving-package-schema.json").is_file():
        missing(f"The 360Giving schema was not found in {SHARED_SCHEMA}")
    return SHARED_SCHEMA


@pytest.fixture
def decided(organisation, settings):
    settings.THEGITHER_360GIVING_PREFIX = "exampletrust"
    return decided_make(
        organisation,
        confirm=lambda chair, meeting: services.meeting_confirm(meeting=meeting, by=chair),
    )


@pytest.fixture
def export(decided):
    return export_of(
        awards_of_round(decided.round), organisation=decided.round.organisation, title="Test"
    )


def test_the_export_is_valid_against_the_shared_360giving_schema(export, shared_schema):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    # Built here from the shared files, the way their README says, not with our helper.
    package_schema = json.loads((shared_schema / "360-giving-package-schema.json").read_text())
    grant_schema = json.loads((shared_schema / "360-giving-schema.json").read_text())
    ref = package_schema["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resource(
        ref, Resource.from_contents(grant_schema, default_specification=DRAFT202012)
    )
    document = json.loads(export.json())
    checker = Draft202012Validator(package_schema, registry=registry)
    assert list(checker.iter_errors(document)) == []
    # And with every format checked, dates as RFC 3339 date-times too.
    strict = Draft202012Validator(
        package_schema, registry=registry, format_checker=format_checker()
    )
    assert list(strict.iter_errors(document)) == []
    assert len(document["grants"]) == 2


@pytest.mark.parametrize("when", ["1 December 2026", "2026-12-01T25:00:00+00:00", "2026-13-01"])
def test_a_wrong_date_fails(export, when):
    # A plain day ("2026-12-01") is right too: it is the schema's other way to write a date.
    broken = copy.deepcopy(export.package)
    broken["grants"][0]["awardDate"] = when
    with pytest.raises(ExportInvalid, match="awardDate"):
        validate(broken)


def test_our_copy_of_the_schema_is_the_standards_own(shared_schema):
    for name in ("360-giving-package-schema.json", "360-giving-schema.json", "LICENSE.md"):
        assert (SCHEMA_DIR / name).read_bytes() == (shared_schema / name).read_bytes()


def test_only_final_awards_with_money_are_published(decided, export):
    ids = {grant["id"] for grant in export.package["grants"]}
    assert ids == {grant_identifier(decided.full), grant_identifier(decided.partial)}
    assert decided.declined.status == AwardStatus.DECLINED


def test_each_grant_says_the_money_the_group_and_the_funder(decided, export):
    grants = {grant["id"]: grant for grant in export.package["grants"]}
    partial = grants[grant_identifier(decided.partial)]
    assert partial["amountAwarded"] == 500
    assert partial["amountAppliedFor"] == 1000
    assert partial["currency"] == "GBP"
    confirmed_at = decided.round.meeting.confirmed_at
    assert partial["awardDate"].startswith(timezone.localtime(confirmed_at).date().isoformat())
    group = decided.partial.application.group_name
    assert partial["recipientOrganization"][0]["name"] == group
    assert partial["fundingOrganization"][0]["name"] == decided.round.organisation.name
    assert partial["beneficiaryLocation"] == [{"name": "North West"}]
    assert partial["description"] == decided.partial.application.summary


def test_identifiers_follow_the_standard_and_never_change(decided, export, settings):
    grant = export.package["grants"][0]
    assert grant["id"] == f"360G-exampletrust-award-{decided.full.pk}"
    organisation = decided.round.organisation
    recipient = grant["recipientOrganization"][0]["id"]
    assert recipient.startswith(f"360G-exampletrust-{organisation.slug}-group-")
    assert grant["fundingOrganization"][0]["id"] == f"360G-exampletrust-org-{organisation.slug}"
    # The award changing later (a payment, a new condition) doesn't change its identifier.
    decided.full.save()
    assert grant_identifier(decided.full) == grant["id"]
    # A prefix given with "360G-" already, or with spaces, still makes one clean prefix.
    settings.THEGITHER_360GIVING_PREFIX = "360G-Example Trust/2"
    assert grant_identifier(decided.full) == f"360G-Example_Trust_2-award-{decided.full.pk}"


def test_the_export_has_no_personal_data(decided, export):
    text = export.json() + export.csv()
    contact = decided.contact
    for secret in (
        contact.email,
        contact.display_name,
        contact.username,
        decided.other_contact.email,
        decided.chair.display_name,
        decided.chair.username,
        decided.staff.display_name,
        CONDITION,
        decided.full.application.activity,
        decided.full.application.youth_leadership,
        "13-15",
        "Panel member",
    ):
        assert secret not in text, secret


def test_the_csv_parses_with_the_standards_column_titles(export):
    rows = list(csv.DictReader(io.StringIO(export.csv())))
    assert list(rows[0].keys()) == list(CSV_COLUMNS)
    assert {"Identifier", "Amount Awarded", "Recipient Org:Identifier", "Funding Org:Name"} <= set(
        CSV_COLUMNS
    )
    amounts = sorted(row["Amount Awarded"] for row in rows)
    assert amounts == ["1000", "500"]
    assert {row["Currency"] for row in rows} == {"GBP"}
    for row, grant in zip(rows, export.package["grants"], strict=True):
        assert row["Identifier"] == grant["id"]
        assert row["Recipient Org:Name"] == grant["recipientOrganization"][0]["name"]


def test_a_group_name_that_looks_like_a_formula_is_not_one_in_the_csv(decided):
    application = decided.full.application
    application.group_name = '=HYPERLINK("http://x")'
    application.save(update_fields=["group_name"])
    export = export_of(
        awards_of_round(decided.round), organisation=decided.round.organisation, title="T"
    )
    names = [row["Recipient Org:Name"] for row in csv.DictReader(io.StringIO(export.csv()))]
    assert '\'=HYPERLINK("http://x")' in names
    assert export.package["grants"][0]["recipientOrganization"][0]["name"].startswith("=")


# A broken export fails, and says why.


def test_an_amount_written_as_text_fails_with_a_clear_message(export):
    broken = copy.deepcopy(export.package)
    broken["grants"][0]["amountAwarded"] = "1000"
    with pytest.raises(ExportInvalid) as caught:
        validate(broken)
    assert "grants → 0 → amountAwarded: '1000' is not of type 'number'" in caught.value.problems


def test_a_grant_without_an_identifier_fails_with_a_clear_message(export, shared_schema):
    broken = copy.deepcopy(export.package)
    del broken["grants"][1]["id"]
    with pytest.raises(ExportInvalid) as caught:
        validate(broken, schema_dir=shared_schema)
    assert caught.value.problems == ["grants → 1: 'id' is a required property"]


def test_a_recipient_without_an_identifier_fails(export):
    broken = copy.deepcopy(export.package)
    del broken["grants"][0]["recipientOrganization"][0]["id"]
    with pytest.raises(ExportInvalid, match="recipientOrganization → 0: 'id' is a required"):
        validate(broken)


def test_nothing_to_publish_is_not_a_valid_file(organisation):
    with pytest.raises(ExportInvalid, match="grants: \\[\\] should be non-empty"):
        export_of(awards_of_organisation(organisation), organisation=organisation, title="T")


def test_the_schema_is_read_offline(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the schema check tried the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    validator.cache_clear()
    assert validator(SCHEMA_DIR).schema["title"] == "Schema for a 360Giving Data Grant Package"


@given(st.integers(0, MONEY_MAX_PENCE))
def test_amounts_are_exact_pounds_and_pence(pence):
    number = amount_number(pence)
    assert Decimal(repr(number)) * 100 == pence
    assert json.loads(json.dumps(number)) == number


# The public files.


def test_the_round_files_are_served_to_anyone(client, decided):
    response = client.get(reverse("grants:round-360giving-json", args=[decided.round.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    validate(json.loads(response.content))
    response = client.get(reverse("grants:round-360giving-csv", args=[decided.round.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 3


def test_the_organisation_files_cover_every_year(client, decided):
    slug = decided.round.organisation.slug
    response = client.get(reverse("grants:organisation-360giving-json", args=[slug]))
    assert response.status_code == 200
    assert len(json.loads(response.content)["grants"]) == 2
    response = client.get(reverse("grants:organisation-360giving-csv", args=[slug]))
    assert response.status_code == 200


def test_a_broken_export_is_never_served(client, decided, monkeypatch, staff):
    from thegither.grants import open_data

    real = open_data.grant_of

    def broken(award):
        grant = real(award)
        grant["amountAwarded"] = str(grant["amountAwarded"])
        return grant

    monkeypatch.setattr(open_data, "grant_of", broken)
    url = reverse("grants:round-360giving-json", args=[decided.round.pk])
    response = client.get(url)
    assert response.status_code == 503
    assert b"amountAwarded" not in response.content  # the public isn't shown the detail
    assert b'"grants"' not in response.content
    client.force_login(decided.staff)
    response = client.get(url)
    assert response.status_code == 503
    assert "is not of type &#x27;number&#x27;" in response.content.decode()


def test_a_round_with_nothing_to_publish_says_so(client, organisation):
    from thegither.grants.tests.factories import round_make

    round = round_make(organisation)
    response = client.get(reverse("grants:round-360giving-json", args=[round.pk]))
    assert response.status_code == 404
    assert "No grants" in response.content.decode()
