"""Reads for reports: young people and money by award, area and round; the round's list."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thegither.accounts.models import Area, Role
from thegither.accounts.tests import factories
from thegither.grants.models import Award, AwardStatus, Pot, ReportStatus
from thegither.grants.reporting import (
    public_stories,
    report_link,
    report_totals,
    report_totals_by_area,
    report_totals_by_round,
    round_reports,
    young_people_by_award,
)
from thegither.grants.services import reports as services
from thegither.grants.tests.report_helpers import (
    award_make,
    draft_of,
    funded_make,
    sent_report,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(organisation):
    return funded_make(organisation, decided_on=datetime.date(2027, 3, 1))


@pytest.fixture
def north_east(funded):
    return Pot.objects.get(round=funded.round, area__name="North East")


def test_young_people_come_only_from_sent_reports_of_funded_awards(
    funded, north_east, django_assert_num_queries
):
    contact = funded.contact
    sent = funded.award
    sent_report(sent, young_people_count=24)
    read = award_make(funded.meeting, contact, pot=north_east, status=AwardStatus.PARTIAL)
    services.report_acknowledge(report=sent_report(read, young_people_count=7), by=funded.staff)
    drafted = award_make(funded.meeting, contact)
    services.report_save(award=drafted, draft=draft_of(young_people_count=99), by=contact)
    award_make(funded.meeting, contact)  # no report yet
    declined = award_make(funded.meeting, contact, status=AwardStatus.DECLINED)
    awards = Award.objects.filter(meeting=funded.meeting)
    with django_assert_num_queries(1):
        counts = young_people_by_award(awards)
    assert counts == {sent.pk: 24, read.pk: 7}
    # A list of awards works as well as a queryset.
    assert young_people_by_award([sent, drafted, declined]) == {sent.pk: 24}


def test_totals_add_up_young_people_and_money_by_round_and_area(
    funded, north_east, organisation, django_assert_num_queries
):
    contact = funded.contact
    sent_report(funded.award, young_people_count=24, returned_pence=1_000)  # North West, £500
    east = award_make(funded.meeting, contact, pot=north_east, amount_pence=80_000)
    sent_report(east, young_people_count=10, returned_pence=0)
    award_make(funded.meeting, contact, pot=north_east, amount_pence=20_000)  # no report
    award_make(funded.meeting, contact, status=AwardStatus.DECLINED)
    other = funded_make(
        organisation, decided_on=datetime.date(2027, 9, 1), contact_email="other@example.org"
    )
    sent_report(other.award, young_people_count=5, returned_pence=50_000)

    with django_assert_num_queries(2):
        whole = report_totals(Award.objects.filter(meeting=funded.meeting))
    assert (whole.funded, whole.reports, whole.young_people) == (3, 2, 34)
    assert (whole.given_pence, whole.returned_pence, whole.spent_pence) == (150_000, 1_000, 149_000)

    with django_assert_num_queries(2):
        by_area = report_totals_by_area(Award.objects.filter(meeting=funded.meeting))
    assert [area.name for area in by_area] == ["North East", "North West"]
    east_totals, west_totals = by_area.values()
    assert (east_totals.funded, east_totals.reports, east_totals.young_people) == (2, 1, 10)
    assert (east_totals.given_pence, east_totals.returned_pence) == (100_000, 0)
    assert (west_totals.young_people, west_totals.returned_pence) == (24, 1_000)

    with django_assert_num_queries(2):
        by_round = report_totals_by_round(Award.objects.all())
    assert list(by_round) == [other.round, funded.round]  # newest first
    assert by_round[other.round].young_people == 5
    assert by_round[other.round].spent_pence == 0
    assert by_round[funded.round].young_people == 34


def test_an_area_with_no_awards_is_left_out_and_no_awards_make_zero(funded):
    assert report_totals(Award.objects.none()).funded == 0
    assert report_totals_by_area(Award.objects.none()) == {}
    assert list(report_totals_by_area(Award.objects.all())) == [
        Area.objects.get(organisation=funded.round.organisation, name="North West")
    ]


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    reports=st.lists(
        st.tuples(st.integers(0, 500), st.integers(0, 50_000), st.booleans()),
        min_size=1,
        max_size=5,
    )
)
def test_area_totals_add_up_to_the_whole(funded, north_east, reports):
    from django.db import transaction

    with transaction.atomic():
        awards = []
        for index, (young_people, returned, east) in enumerate(reports):
            award = award_make(funded.meeting, funded.contact, pot=north_east if east else None)
            if index % 2 == 0:
                sent_report(award, young_people_count=young_people, returned_pence=returned)
            awards.append(award)
        queryset = Award.objects.filter(pk__in=[a.pk for a in awards])
        whole = report_totals(queryset)
        parts = report_totals_by_area(queryset).values()
        for name in ("funded", "reports", "young_people", "given_pence", "returned_pence"):
            assert getattr(whole, name) == sum(getattr(part, name) for part in parts)
        assert whole.young_people == sum(young_people_by_award(queryset).values())
        assert whole.spent_pence >= 0
        transaction.set_rollback(True)


def test_only_stories_the_group_said_are_public_are_given(funded, north_east):
    sent_report(funded.award, story="We built a den.", story_is_public=True)
    private = award_make(funded.meeting, funded.contact, pot=north_east)
    sent_report(private, story="Our secret.", story_is_public=False)
    drafted = award_make(funded.meeting, funded.contact)
    services.report_save(
        award=drafted, draft=draft_of(story="Not sent.", story_is_public=True), by=funded.contact
    )
    assert public_stories(Award.objects.all()) == [(funded.award, "We built a den.")]


def test_the_rounds_list_shows_every_funded_group_its_report_and_due_date(
    funded, north_east, organisation, django_assert_num_queries
):
    contact = funded.contact
    sent_report(funded.award)
    drafted = award_make(funded.meeting, contact, pot=north_east)
    services.report_save(award=drafted, draft=draft_of(), by=contact)
    for _ in range(3):
        award_make(funded.meeting, contact, pot=north_east)
    award_make(funded.meeting, contact, status=AwardStatus.DECLINED)
    with django_assert_num_queries(2):
        areas = round_reports(funded.round, today=datetime.date(2027, 6, 1))
    assert [a.area.name for a in areas] == ["North East", "North West"]
    east, west = areas
    assert len(east.rows) == 4
    assert len(west.rows) == 1
    assert west.rows[0].status == ReportStatus.SENT
    assert not west.rows[0].is_overdue
    assert west.rows[0].due_on == datetime.date(2027, 5, 30)
    states = sorted(row.state_words for row in east.rows)
    assert states == ["Being written", "Not started", "Not started", "Not started"]
    assert all(row.is_overdue for row in east.rows)


def test_the_application_page_link_follows_who_is_looking(funded, organisation):
    application = funded.award.application
    link = report_link(funded.contact, application)
    assert link.url == f"/grants/awards/{funded.award.pk}/report/"
    assert link.words == "Write your end-of-grant report"
    assert link.due_on == datetime.date(2027, 5, 30)
    assert report_link(funded.staff, application) is None  # nothing to read yet
    report = services.report_save(award=funded.award, draft=draft_of(), by=funded.contact)
    assert report_link(funded.contact, application).words == (
        "Carry on with your end-of-grant report"
    )
    assert report_link(funded.member, application) is None
    services.report_send(report=report, by=funded.contact)
    assert report_link(funded.contact, application).words == "See your end-of-grant report"
    staff_link = report_link(funded.staff, application)
    assert staff_link.url == f"/grants/reports/{report.pk}/"
    assert staff_link.words == "Read the group's end-of-grant report"
    outsider = factories.member_make(factories.organisation_make(), Role.STAFF)
    assert report_link(outsider, application) is None
    declined = award_make(funded.meeting, funded.contact, status=AwardStatus.DECLINED)
    assert report_link(funded.contact, declined.application) is None
