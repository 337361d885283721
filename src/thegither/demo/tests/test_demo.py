import io

import pytest
from django.core.management import call_command

from thegither.accounts.models import Area, Membership, Organisation, User
from thegither.demo.services import DEMO_LOGINS, DEMO_PASSWORD, demo_is_needed, demo_load

pytestmark = pytest.mark.django_db


def test_demo_makes_a_charity_with_two_areas_and_every_log_in():
    demo_load()

    trust = Organisation.objects.get(slug="riverside-youth-trust")
    assert sorted(Area.objects.filter(organisation=trust).values_list("name", flat=True)) == [
        "North East",
        "North West",
    ]
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert user.check_password(DEMO_PASSWORD)
        assert Membership.objects.get(user=user, organisation=trust).role == login.role


def test_loading_the_demo_twice_changes_nothing():
    demo_load()
    counts = (User.objects.count(), Membership.objects.count(), Area.objects.count())

    demo_load()

    assert (User.objects.count(), Membership.objects.count(), Area.objects.count()) == counts


def test_demo_is_needed_only_while_nobody_is_in_the_database():
    assert demo_is_needed()
    demo_load()
    assert not demo_is_needed()


def test_up_without_serving_loads_the_demo_once_and_prints_the_log_ins():
    first = io.StringIO()
    call_command("up", "--no-serve", stdout=first)
    second = io.StringIO()
    call_command("up", "--no-serve", stdout=second)

    assert DEMO_PASSWORD in first.getvalue()
    for login in DEMO_LOGINS:
        assert login.username in first.getvalue()
    assert "already has people" in second.getvalue()


def test_demo_has_an_under_13_waiting_for_a_grown_up_and_says_so():
    out = io.StringIO()
    call_command("demo", stdout=out)

    assert User.objects.get(username="mo").needs_guardian_authorisation
    assert "mo" in out.getvalue()
    assert "waiting for a grown-up" in out.getvalue()


# --- grants (branch grants): the demo Youth Bank ---


def test_demo_has_a_youth_bank_round_open_with_drafts_and_sent_applications_in_both_areas():
    from thegither.grants.models import Application, Round
    from thegither.grants.selectors import application_problems

    demo_load()

    round = Round.objects.get(fund__name="Youth Bank", name="Spring 2027")
    assert round.phase == "open"
    assert sorted(round.pots.values_list("area__name", "amount_pence")) == [
        ("North East", 1_500_000),
        ("North West", 1_500_000),
    ]
    assert round.criteria.count() == 4
    in_round = Application.objects.filter(round=round)
    assert sorted(in_round.values_list("pot__area__name", "status")) == [
        ("North East", "draft"),
        ("North East", "submitted"),
        ("North West", "draft"),
        ("North West", "submitted"),
    ]
    for sent in in_round.filter(status="submitted"):
        assert application_problems(sent) == {}


def test_demo_has_a_round_being_scored_with_some_scores_and_one_conflict():
    from thegither.grants import scoring
    from thegither.grants.models import ConflictDeclaration, Round
    from thegither.grants.permissions import can_score, can_see_scores

    demo_load()

    round = Round.objects.get(fund__name="Youth Bank", name="Winter 2026")
    assert round.phase == "assessment"
    progress = {row.member.user.username: row for row in scoring.scoring_progress(round)}
    assert set(progress) == {"jay", "ruby", "kai"}
    assert progress["jay"].member.is_chair
    assert progress["jay"].progress.scored == 3
    assert progress["kai"].progress.scored == 1
    assert not any(row.is_finished for row in progress.values()), "something left to score"
    (conflict,) = ConflictDeclaration.objects.filter(has_conflict=True, application__round=round)
    assert conflict.panel_member.user.username == "ruby"
    ruby = conflict.panel_member.user
    assert not can_score(ruby, conflict.application)
    assert not can_see_scores(ruby, conflict.application)


def test_demo_has_a_round_ready_for_the_chair_to_open_its_decision_meeting():
    from thegither.grants import scoring
    from thegither.grants.models import ConflictDeclaration, DecisionMeeting, Round
    from thegither.grants.permissions import can_open_meeting, can_see_meeting

    demo_load()

    round = Round.objects.get(fund__name="Youth Bank", name="Autumn 2026")
    assert round.phase == "decision"
    assert (round.decision_method, round.allocation_rule) == ("approval", "mes")
    assert not DecisionMeeting.objects.filter(round=round).exists()
    applications = round.applications.all()
    assert (
        sorted(applications.values_list("pot__area__name", "status"))
        == [
            ("North East", "eligible"),
        ]
        * 3
        + [("North West", "eligible")] * 3
    )
    for pot in round.pots.all():
        asked = sum(a.amount_pence for a in applications if a.pot_id == pot.pk)
        assert asked > pot.amount_pence, "more asked than the pot holds, so the panel chooses"
    progress = {row.member.user.username: row for row in scoring.scoring_progress(round)}
    assert set(progress) == {"jay", "ruby", "kai"}
    assert all(row.is_finished for row in progress.values())
    (conflict,) = ConflictDeclaration.objects.filter(has_conflict=True, application__round=round)
    assert conflict.panel_member.user.username == "ruby"
    jay = User.objects.get(username="jay")
    assert can_open_meeting(jay, round)
    assert not can_open_meeting(User.objects.get(username="ruby"), round)
    assert can_see_meeting(User.objects.get(username="sam.worker"), round)


def test_demo_has_a_closed_round_decided_paid_reported_and_shown_to_the_public(
    client, django_capture_on_commit_callbacks
):
    from django.core import mail
    from django.urls import reverse

    from thegither.core.models import AuditEvent
    from thegither.grants import ledger, open_data
    from thegither.grants.models import (
        Award,
        DecisionMeeting,
        Letter,
        Payment,
        ReOffer,
        Report,
        Round,
    )

    with django_capture_on_commit_callbacks(execute=True):
        demo_load()

    round = Round.objects.get(fund__name="Youth Bank", name="Summer 2026")
    assert round.phase == "closed"
    assert DecisionMeeting.objects.get(round=round).status == "final"
    awards = {
        award.application.group_name: award
        for award in Award.objects.filter(pot__round=round).select_related("application")
    }
    assert {name: (a.status, a.amount_pence) for name, a in awards.items()} == {
        "Canal Side Youth Club": ("awarded", 120_000),
        "Northfield Young Carers": ("partial", 150_000),
        "Lockside Girls' Football": ("declined", 0),
        "Dunmore Street Gardeners": ("awarded", 80_000),
        "Eastgate Skate Jam": ("withdrawn", 120_000),
        "Eastgate Young Cooks": ("awarded", 150_000),
        "Eastgate Community Choir": ("declined", 0),
    }
    assert awards["Northfield Young Carers"].condition.startswith("Spend it on the coach")
    assert awards["Eastgate Community Choir"].reason.startswith("We liked the concert")
    assert not awards["Eastgate Community Choir"].on_waiting_list, "the panel's own no"
    assert awards["Lockside Girls' Football"].on_waiting_list, "no money left for it"
    # The skate jam gave its money back, and the panel offered it to the cooks.
    (reoffer,) = ReOffer.objects.filter(pot__round=round)
    assert awards["Eastgate Young Cooks"].reoffer == reoffer
    assert reoffer.pot.area.name == "North East"
    accepted = {name for name, award in awards.items() if award.is_accepted}
    assert accepted == {
        "Canal Side Youth Club",
        "Northfield Young Carers",
        "Dunmore Street Gardeners",
        "Eastgate Young Cooks",
    }
    paid = {
        name: (ledger.award_paid_pence(award), award.amount_pence)
        for name, award in awards.items()
        if name in accepted
    }
    assert paid["Canal Side Youth Club"] == (120_000, 120_000), "paid in full"
    assert paid["Northfield Young Carers"] == (100_000, 150_000), "paid in part"
    assert Payment.objects.filter(award__pot__round=round).count() == 4

    # Every group has its letter, drawn and emailed; the cooks' no became a yes.
    letters = {
        letter.award.application.group_name: letter
        for letter in Letter.objects.filter(award__pot__round=round).select_related(
            "award__application"
        )
    }
    assert set(letters) == set(awards)
    assert all(letter.is_made and letter.sent_at for letter in letters.values())
    assert letters["Eastgate Young Cooks"].kind == "award"
    assert letters["Eastgate Community Choir"].kind == "decline"
    assert letters["Eastgate Skate Jam"].kind == "award", "drawn after it gave it back"
    assert AuditEvent.objects.filter(action="grants.letter_replaced").count() == 1
    assert any("Eastgate Young Cooks" in m.subject and m.attachments for m in mail.outbox)

    # Reports: every funded group sent one, the panel read Canal Side's.
    reports = {
        report.award.application.group_name: report
        for report in Report.objects.filter(award__pot__round=round).select_related(
            "award__application"
        )
    }
    assert set(reports) == accepted
    assert {name: r.status for name, r in reports.items()}["Canal Side Youth Club"] == (
        "acknowledged"
    )
    assert sum(r.young_people_count for r in reports.values()) == 59
    assert reports["Canal Side Youth Club"].story_is_public

    # The public page and the 360Giving files show the money.
    page = client.get(reverse("grants:round-money", args=[round.pk])).content.decode()
    assert "£5,000 went to 4 groups" in page
    assert "59 young people took part, from 4 of the 4 groups" in page
    assert "lock keeper&#x27;s cat" in page, "Canal Side's public story"
    assert "Eastgate Skate Jam" not in page
    grants = open_data.package_of(
        open_data.awards_of_organisation(round.organisation),
        organisation=round.organisation,
        title="Demo",
    )["grants"]
    assert sorted(g["amountAwarded"] for g in grants) == [800, 1200, 1500, 1500]
    open_data.validate(
        open_data.package_of(
            open_data.awards_of_round(round), organisation=round.organisation, title="Demo"
        )
    )
    response = client.get(
        reverse("grants:organisation-360giving-csv", args=[round.organisation.slug])
    )
    assert response.status_code == 200
    assert "Eastgate Young Cooks" in response.content.decode("utf-8-sig")


def test_the_demos_letters_wait_when_this_server_cannot_draw_them(
    monkeypatch, django_capture_on_commit_callbacks
):
    import sys

    from thegither.grants.models import Letter, Round

    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with django_capture_on_commit_callbacks(execute=True):
        demo_load()  # the letters' tasks fail, and nothing else does

    round = Round.objects.get(fund__name="Youth Bank", name="Summer 2026")
    assert round.phase == "closed", "the rest of the demo is there"
    letters = Letter.objects.filter(award__pot__round=round)
    assert letters.count() == 7
    assert not letters.filter(made_at__isnull=False).exists()
    assert all("libpango" in letter.problem for letter in letters)


def test_loading_the_demo_twice_makes_one_youth_bank():
    from thegither.core.models import AuditEvent
    from thegither.grants.models import (
        Application,
        Assessment,
        Award,
        ConflictDeclaration,
        Criterion,
        DecisionMeeting,
        Fund,
        Letter,
        PanelMember,
        Payment,
        Pot,
        ReOffer,
        Report,
        Round,
        Score,
    )

    demo_load()
    models = (
        Award,
        Letter,
        Payment,
        ReOffer,
        Report,
        Fund,
        Round,
        Pot,
        Criterion,
        Application,
        PanelMember,
        ConflictDeclaration,
        Assessment,
        Score,
        DecisionMeeting,
        AuditEvent,
    )
    counts = [model.objects.count() for model in models]

    demo_load()

    assert [model.objects.count() for model in models] == counts


# --- live (branch live): the demo workshop ---


def test_demo_has_the_workshop_with_one_activity_of_each_kind_once():
    from thegither.live.models import Activity, LiveSession

    demo_load()
    demo_load()
    workshop = LiveSession.objects.get(title__startswith="In it together")
    assert LiveSession.objects.filter(title__startswith="In it together").count() == 1
    assert set(workshop.activities.values_list("kind", flat=True)) == set(Activity.Kind.values)
    assert workshop.organisation.slug == "riverside-youth-trust"


# --- meeting tools (branch meeting-tools): meetings, the glossary and a Bid for a Fiver ---


def test_demo_has_a_meeting_held_a_meeting_to_run_and_a_bid_for_a_fiver_once():
    from thegither.demo.meetings import FIVER_TEAMS, FIVER_TITLE, HELD_MEETING_TITLE, MEETING_TITLE
    from thegither.live import records, selectors
    from thegither.live.models import Card, GlossaryWord, LiveSession, Team

    demo_load()
    demo_load()
    held = LiveSession.objects.get(title=HELD_MEETING_TITLE)
    assert (held.kind, held.state) == ("meeting", "ended")
    record = records.record_of(held)
    assert [(s.name, s.turns) for s in record.speakers] == [
        ("Ruby", 1),
        ("Kai", 2),
        ("Priya", 1),
        ("Dev", 2),
        ("Lou", 0),
    ]
    assert next(s.seconds for s in record.speakers if s.name == "Dev") >= 180
    assert record.stops == 5
    assert len(record.breaks) == 1
    assert not Card.objects.filter(session=held, kind="speak", state__in=Card.OPEN_STATES).exists()
    trust = held.organisation
    words = {word.words: word for word in GlossaryWord.objects.filter(organisation=trust)}
    assert words["co-production"].flagged == 2
    assert words["safeguarding"].meaning == ""
    public = [word.words for word in selectors.glossary_public(trust)]
    assert public == ["co-production", "quorum", "stakeholders", "theory of change"]
    meeting = LiveSession.objects.get(title=MEETING_TITLE)
    assert (meeting.kind, meeting.state) == ("meeting", "draft")
    fiver = LiveSession.objects.get(title=FIVER_TITLE)
    assert (fiver.kind, fiver.state, fiver.fiver.cap_pence) == ("fiver", "draft", 500)
    assert fiver.fiver.own_vote_barred
    names = list(Team.objects.filter(fiver=fiver.fiver).values_list("name", flat=True))
    assert names == list(FIVER_TEAMS)
    assert LiveSession.objects.filter(organisation=trust).count() == 4


# --- stories (branch stories): Co-production Week 2018 with the seed episode ---


def test_demo_has_co_production_week_2018_with_its_episode_events_and_stories():
    from thegither.stories import selectors
    from thegither.stories.models import Episode, Event, Story, Turn, Week

    logins = demo_load()

    network = Organisation.objects.get(slug="co-production-network")
    assert network.kind == Organisation.Kind.NETWORK
    nadia = User.objects.get(username="nadia.network")
    assert Membership.objects.get(user=nadia, organisation=network).role == "staff"
    assert "nadia.network" in [login.username for login in logins]
    week = Week.objects.get(organisation=network, year=2018)
    assert (week.theme, week.starts_on.isoformat(), week.ends_on.isoformat()) == (
        "Stories",
        "2018-11-19",
        "2018-11-25",
    )
    titles = sorted(
        Event.objects.filter(week=week, status="approved").values_list("title", flat=True)
    )
    assert titles[0].startswith("In it together: what do we know about co-production with children")
    assert titles[1].startswith("Legislative theatre")
    assert Story.objects.filter(week=week, status="approved").count() == 3
    assert Story.objects.filter(week=week, status="waiting").count() == 1
    episode = Episode.objects.get(slug="co-production-week-2018")
    assert (episode.speakers.count(), episode.segments.count(), episode.duration_seconds) == (
        4,
        2,
        933,
    )
    assert Turn.objects.filter(episode=episode, text__contains="£30,000").exists()
    assert selectors.episodes_of_week(week) == [episode]
    page = selectors.week_page(week)
    assert (page.organisation_count, page.story_count, page.event_count) == (4, 3, 2)
    assert Week.objects.filter(organisation=network, year__gt=2018).count() == 1


def test_loading_the_demo_twice_adds_no_stories_episodes_or_weeks():
    from thegither.stories.models import Episode, Event, SearchEntry, Story, Week

    demo_load()
    counts = [model.objects.count() for model in (Episode, Event, SearchEntry, Story, Week)]
    demo_load()
    assert [model.objects.count() for model in (Episode, Event, SearchEntry, Story, Week)] == counts
