"""Where the money went: public pages per round and per year, charts with tables and CSVs."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from thegither.grants import services
from thegither.grants.models import RoundPhase
from thegither.grants.open_data import awards_of_round
from thegither.grants.public_money import money_chart, summary_of
from thegither.grants.tests.factories import round_make
from thegither.grants.tests.letters_helpers import CONDITION, decided_make
from thegither.grants.tests.report_helpers import sent_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(organisation):
    return decided_make(
        organisation,
        confirm=lambda chair, meeting: services.meeting_confirm(meeting=meeting, by=chair),
    )


def test_anyone_sees_where_a_rounds_money_went(client, decided, django_assert_max_num_queries):
    url = reverse("grants:round-money", args=[decided.round.pk])
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "£1,500 went to 2 groups" in text
    for award in (decided.full, decided.partial):
        assert award.application.group_name in text
    assert decided.full.application.summary in text
    # Only final awards with money: the group the panel said no to isn't listed.
    assert decided.declined.application.group_name not in text
    assert reverse("grants:round-360giving-json", args=[decided.round.pk]) in text
    assert reverse("grants:round-money-csv", args=[decided.round.pk]) in text
    assert "end-of-grant report" in text


def test_the_page_names_no_panel_member_contact_or_child(client, decided):
    text = client.get(reverse("grants:round-money", args=[decided.round.pk])).content.decode()
    for secret in (
        decided.chair.display_name,
        decided.staff.display_name,
        decided.contact.display_name,
        decided.contact.email,
        CONDITION,
        "13 to 15",
        "Panel member",
    ):
        assert secret not in text, secret
    assert "<script>" not in text.split("</head>")[1].replace(
        '<script src="/static/accounts/session-timeout.js" defer></script>', ""
    )


def test_the_chart_has_the_same_numbers_as_its_table_and_csv(client, decided):
    text = client.get(reverse("grants:round-money", args=[decided.round.pk])).content.decode()
    svg = re.search(r"<svg class=\"money-chart\".*?</svg>", text, re.S)[0]
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "<desc" in svg
    assert "North West: £1,500" in svg
    assert '<td data-label="Money given">£1,500</td>' in text
    response = client.get(reverse("grants:round-money-csv", args=[decided.round.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Area", "Groups funded", "Money given (pounds)"],
        ["North West", "2", "1500"],
        ["All areas", "2", "1500"],
    ]


def test_the_chart_bars_are_as_long_as_their_money():
    svg = money_chart([("North", 30_000), ("South", 15_000)], title="T", chart_id="c")
    widths = [int(w) for w in re.findall(r'<rect[^>]* width="(\d+)"', svg)]
    assert widths[0] == 2 * widths[1]
    assert "North: £300; South: £150" in svg
    assert "No money given" in money_chart([], title="T", chart_id="c")


def test_a_round_not_decided_yet_says_so(client, organisation):
    round = round_make(organisation, phase=RoundPhase.ASSESSMENT)
    response = client.get(reverse("grants:round-money", args=[round.pk]))
    assert response.status_code == 200
    assert "hasn't made its decision final yet" in response.content.decode()


def test_a_round_being_set_up_is_not_shown(client, organisation):
    round = round_make(organisation, phase=RoundPhase.DRAFT)
    assert client.get(reverse("grants:round-money", args=[round.pk])).status_code == 403


def test_anyone_sees_a_year_and_every_year(client, decided):
    organisation = decided.round.organisation
    year = timezone.localtime(decided.round.meeting.confirmed_at).year
    response = client.get(reverse("grants:organisation-money", args=[organisation.slug]))
    assert response.status_code == 200
    year_url = reverse("grants:year-money", args=[organisation.slug, year])
    assert year_url in response.content.decode()
    response = client.get(year_url)
    assert response.status_code == 200
    assert "£1,500 went to 2 groups" in response.content.decode()
    response = client.get(reverse("grants:year-money-csv", args=[organisation.slug, year]))
    assert response.status_code == 200
    assert (
        client.get(reverse("grants:year-money", args=[organisation.slug, 1999])).status_code == 404
    )


def test_the_totals_add_up_by_area(decided):
    summary = summary_of(awards_of_round(decided.round))
    assert summary.given_pence == 150_000
    assert [(a.area, a.groups, a.given_pence) for a in summary.areas] == [
        ("North West", 2, 150_000)
    ]
    assert summary.young_people is None


def test_young_people_come_from_the_groups_sent_reports(client, decided):
    sent_report(decided.full, young_people_count=23)
    summary = summary_of(awards_of_round(decided.round))
    assert (summary.young_people, summary.reports_in, summary.groups) == (23, 1, 2)
    response = client.get(reverse("grants:round-money", args=[decided.round.pk]))
    assert "23 young people took part, from 1 of the 2 groups" in response.content.decode()


def test_the_page_shows_only_the_stories_groups_said_may_be_public(client, decided):
    sent_report(
        decided.full,
        what_happened="We ran a camp for Amira and Josh.",
        story="The youngest climber reached the top.",
        story_is_public=True,
    )
    sent_report(decided.partial, story="Our secret story.", story_is_public=False)
    text = client.get(reverse("grants:round-money", args=[decided.round.pk])).content.decode()
    assert "In the groups' own words" in text
    assert "The youngest climber reached the top." in text
    assert "Our secret story." not in text
    assert "Amira" not in text, "only the story, never the rest of the report"


def test_without_a_public_story_there_is_no_stories_part(client, decided):
    text = client.get(reverse("grants:round-money", args=[decided.round.pk])).content.decode()
    assert "In the groups' own words" not in text
