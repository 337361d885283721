"""Walk every URL of the project for every role and check the status each one gets.

Every URL pattern needs an entry in EXPECTED (or, for the admin site, is covered
by ADMIN_RULE). Adding a URL without an entry makes `test_every_url_has_an_entry`
fail, so nobody ships a page without deciding who may see it.

To add an entry: give the URL's name, how to fill in its parameters from the
`World` below, and the status for each role in ROLES order.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from thegither.accounts import services
from thegither.accounts.models import (
    AgeBand,
    Area,
    Invitation,
    Membership,
    Organisation,
    Role,
    User,
)
from thegither.accounts.selectors import token_hash
from thegither.accounts.tests import factories
from thegither.core.services import audit_record
from thegither.grants.models import (
    Application,
    Assessment,
    Attendance,
    Award,
    AwardStatus,
    CastingVote,
    ConflictDeclaration,
    DecisionMeeting,
    Letter,
    PanelMember,
    Payment,
    PotAllocation,
    PotTransfer,
    ReOffer,
    Report,
    ReportFile,
    ReportReminder,
    Round,
    RoundPhase,
    Score,
    Upload,
    Vote,
)
from thegither.grants.tasks import application_submitted_email
from thegither.grants.tests import factories as grant_factories
from thegither.live import services as live_services
from thegither.live.models import GlossaryWord, LiveSession
from thegither.stories import services as stories_services
from thegither.stories.importing import episode_parse
from thegither.stories.models import Episode, Event, Story, Week

ROLES = (
    "anonymous",
    "panel_member",
    "under_13_waiting",
    "applicant_contact",
    "staff",
    "org_admin",
    "superuser",
    "staff_elsewhere",  # staff of the other organisation only
    "site_staff_only",  # `is_staff` on the account, no role anywhere
    "staff_in_both",  # staff in both organisations
)


@dataclass
class World:
    """Rows every URL can point at: two organisations, a person per role, and targets.

    `target` is an under-13 in `organisation` only. The cross-organisation targets
    are people with roles in both organisations, so that a rule of "any shared
    organisation" shows up as a wrong status.
    """

    organisation: Organisation
    other: Organisation
    users: dict[str, User | None]
    target: Membership  # an under-13 waiting for a grown-up's yes, for the people actions
    admin_elsewhere: Membership  # a group contact here who is an admin of `other`
    child_in_both: Membership  # an under-13 waiting, a panel member in both organisations
    invitation_token: str
    reset_uidb64: str
    reset_token: str
    # --- grants (branch grants): Youth Bank rounds and applications ---
    grants: "GrantsWorld | None" = None
    # --- live workshops: an open session here (with a phone and an answer) and one in `other`
    live_session: LiveSession | None = None
    live_other_session: LiveSession | None = None
    # --- glossary and Bid for a Fiver (branch meeting-tools): a running Bid for a Fiver here
    # (two teams, a phone in one with an item in its plan) and one in `other`; the glossary
    # words here come from the live session's Stop card, `other_word` is the other's.
    live_fiver: LiveSession | None = None
    live_other_fiver: LiveSession | None = None
    other_word: GlossaryWord | None = None
    # --- stories (branch stories): weeks, events, stories and episodes
    stories: "StoriesWorld | None" = None


@dataclass
class GrantsWorld:
    """Youth Bank rows: rounds here and in the other organisation, and applications.

    The applications are the world's group contact's, except `other_group_*`, which
    belong to another group (`admin_elsewhere`, a group contact here).
    """

    open_round: Round
    draft_round: Round
    other_round: Round
    sent: Application
    draft: Application
    other_group_sent: Application
    other_group_draft: Application
    sent_upload: Upload
    draft_upload: Upload
    # --- panel (branch panel): a round in assessment with the world's panel member on its
    # panel (and the under-13 still waiting, put there directly), an eligible application,
    # another round here whose panel they are not on, and a panel in the other organisation.
    assessing_round: Round | None = None
    eligible: Application | None = None
    member: PanelMember | None = None
    not_my_round: Round | None = None
    not_my_round_eligible: Application | None = None
    other_member: PanelMember | None = None
    # --- scoring: the member said they don't know `eligible`'s group and do know
    # `conflicted`'s; a round at the decision step with them on its panel.
    conflicted: Application | None = None
    deciding_round: Round | None = None
    # --- deciding: the member chairs `deciding_round` (no meeting yet) and `meeting_round`,
    # whose meeting is open with them there, an application they don't know (with an award
    # in the proposal) and one they do; the other organisation has a meeting open too.
    meeting_round: Round | None = None
    meeting_eligible: Application | None = None
    meeting_conflicted: Application | None = None
    award: Award | None = None
    allocation: PotAllocation | None = None
    other_meeting_round: Round | None = None
    # --- reports (branch yb-reports): a round past its final decision with the member
    # (and the under-13 still waiting) on its panel. The group contact's awards: one with
    # no report yet, one with a draft report and one with a sent report (each report has a
    # photo, whose file is not written). Another group's sent report and unreported award,
    # and a sent report in the other organisation.
    reports_round: Round | None = None
    report_award: Award | None = None
    draft_report: Report | None = None
    draft_report_file: ReportFile | None = None
    sent_report: Report | None = None
    sent_report_file: ReportFile | None = None
    other_group_award: Award | None = None
    other_group_report: Report | None = None
    other_org_reports_round: Round | None = None
    other_org_report: Report | None = None
    other_org_report_file: ReportFile | None = None
    # --- letters and where the money went (branch yb-letters): a round whose decision is
    # final, with an award for the world's group (its letter row, no PDF written) and one
    # for another group here.
    decided_round: Round | None = None
    letter_award: Award | None = None
    other_group_letter_award: Award | None = None
    # --- money (branch yb-money): a round whose decision is final, chaired by the member;
    # the group's awards: offered (to accept), accepted, accepted with a payment, past its
    # date; a waiting list; money moved and re-offered; the same in the other organisation.
    money_round: Round | None = None
    money_offered: Award | None = None
    money_accepted: Award | None = None
    money_paid: Award | None = None
    money_overdue: Award | None = None
    payment: Payment | None = None
    other_money_round: Round | None = None
    other_money_award: Award | None = None
    other_payment: Payment | None = None


@dataclass
class StoriesWorld:
    """Co-production Week rows: next year's week here (still taking events) with an event
    and a story waiting and one of each approved (the story's picture file not written); a
    past week here; a week in the other organisation with an event and a story waiting; a
    public episode and a draft one."""

    week: Week
    past_week: Week
    other_week: Week
    waiting_event: Event
    approved_event: Event
    waiting_story: Story
    approved_story: Story
    other_event: Event
    other_story: Story
    episode: Episode
    draft_episode: Episode


EPISODE_FILE = """---
title: "{title}"
draft: {draft}
iriss_episode_libsyn_url: "https://podcast.example.org/{slug}"
iriss_archive_libsyn_duration: "1:05"
iriss_archive_website_url: "/resources/irissfm/{slug}"
---
MD - Michelle Drumm
SJ - Sam Jordan

An introduction.

MD Hello, and welcome.

SJ Thanks. We ran Bid for a Fiver.
"""


def _stories_world(users: dict, organisation: Organisation, other: Organisation) -> StoriesWorld:
    import datetime

    next_year = timezone.localdate().year + 1

    def week_of(where, by, year):
        return stories_services.week_create(
            organisation=where,
            details=stories_services.WeekDetails(
                starts_on=datetime.date(year, 11, 16),
                ends_on=datetime.date(year, 11, 22),
                theme="Stories",
            ),
            by=by,
        )

    def event_of(week, by=None):
        starts = timezone.make_aware(datetime.datetime.combine(week.starts_on, datetime.time(10)))
        return stories_services.event_submit(
            week=week,
            details=stories_services.EventDetails(
                title="Theatre", starts_at=starts, place="Hall", organiser="SCDC"
            ),
            sender_name="Sam",
            sender_email="sam@example.org",
            by=by,
        )

    def story_of(week):
        return stories_services.story_submit(
            week=week,
            details=stories_services.StoryDetails(
                title="Fiver", text="Words.", organisation_name="YO MO"
            ),
            sender_name="Abbie",
            sender_email="abbie@example.org",
            consent=True,
        )

    staff = users["staff"]
    week = week_of(organisation, staff, next_year)
    approved_event = stories_services.event_approve(event=event_of(week), by=staff)
    approved_story = story_of(week)
    Story.objects.filter(pk=approved_story.pk).update(
        image="story-images/not-written.png", image_kind="png", image_alt="A banner"
    )
    approved_story.refresh_from_db()
    approved_story = stories_services.story_approve(story=approved_story, by=staff)
    other_week = week_of(other, users["staff_elsewhere"], next_year)
    episodes = [
        stories_services.episode_import(
            parsed=episode_parse(
                EPISODE_FILE.format(title=title, slug=slug, draft=draft).encode(), name=slug
            )
        ).episode
        for title, slug, draft in (("Fivers", "fivers", "false"), ("Draft", "draft", "true"))
    ]
    return StoriesWorld(
        week=week,
        past_week=week_of(organisation, staff, 2018),
        other_week=other_week,
        waiting_event=event_of(week),
        approved_event=approved_event,
        waiting_story=story_of(week),
        approved_story=approved_story,
        other_event=event_of(other_week),
        other_story=story_of(other_week),
        episode=episodes[0],
        draft_episode=episodes[1],
    )


def upload_make(application: Application) -> Upload:
    """A file's row only: no file is written (test_uploads.py serves real ones)."""
    return Upload.objects.create(
        application=application,
        file="grant-uploads/not-written.pdf",
        name="quote.pdf",
        kind="pdf",
        size_bytes=100,
    )


def grants_world_make(organisation, other, applicant, other_group) -> GrantsWorld:
    open_round = grant_factories.round_make(organisation)
    sent = grant_factories.application_make(open_round, applicant, status="submitted")
    draft = grant_factories.application_make(open_round, applicant)
    return GrantsWorld(
        open_round=open_round,
        draft_round=grant_factories.round_make(organisation, phase=RoundPhase.DRAFT),
        other_round=grant_factories.round_make(other),
        sent=sent,
        draft=draft,
        other_group_sent=grant_factories.application_make(
            open_round, other_group, status="submitted"
        ),
        other_group_draft=grant_factories.application_make(open_round, other_group),
        sent_upload=upload_make(sent),
        draft_upload=upload_make(draft),
    )


def _panel_world(grants: GrantsWorld, users: dict, child_in_both: User) -> None:
    """Add the panel rows (branch panel) to the grants world."""
    organisation = grants.open_round.organisation
    applicant = users["applicant_contact"]
    grants.assessing_round = grant_factories.round_make(organisation, phase=RoundPhase.ASSESSMENT)
    grants.eligible = grant_factories.application_make(
        grants.assessing_round, applicant, status="eligible"
    )
    grants.member = PanelMember.objects.create(
        round=grants.assessing_round, user=users["panel_member"], number=1
    )
    PanelMember.objects.create(
        round=grants.assessing_round, user=users["under_13_waiting"], number=2
    )
    grants.not_my_round = grant_factories.round_make(organisation, phase=RoundPhase.ASSESSMENT)
    grants.not_my_round_eligible = grant_factories.application_make(
        grants.not_my_round, applicant, status="eligible"
    )
    grants.other_member = PanelMember.objects.create(
        round=grants.other_round, user=child_in_both, number=1
    )
    grants.conflicted = grant_factories.application_make(
        grants.assessing_round, applicant, status="eligible"
    )
    ConflictDeclaration.objects.create(
        panel_member=grants.member, application=grants.eligible, has_conflict=False
    )
    ConflictDeclaration.objects.create(
        panel_member=grants.member,
        application=grants.conflicted,
        has_conflict=True,
        reason="My cousin.",
    )
    # The member has scored the application they don't know (for the admin's score lists).
    assessment = Assessment.objects.create(
        panel_member=grants.member, application=grants.eligible, finished_at=timezone.now()
    )
    Score.objects.create(
        assessment=assessment, criterion=grants.assessing_round.criteria.first(), value=4
    )
    grants.deciding_round = grant_factories.round_make(organisation, phase=RoundPhase.DECISION)
    PanelMember.objects.create(
        round=grants.deciding_round, user=users["panel_member"], number=1, is_chair=True
    )
    _meeting_world(grants, users, child_in_both)


def _meeting_world(grants: GrantsWorld, users: dict, child_in_both: User) -> None:
    """Add the decision meeting rows (branch yb-decide) to the grants world."""
    organisation = grants.open_round.organisation
    applicant = users["applicant_contact"]
    round = grant_factories.round_make(organisation, phase=RoundPhase.DECISION)
    chair = PanelMember.objects.create(
        round=round, user=users["panel_member"], number=1, is_chair=True
    )
    PanelMember.objects.create(round=round, user=users["under_13_waiting"], number=2)
    grants.meeting_round = round
    grants.meeting_eligible = grant_factories.application_make(round, applicant, status="eligible")
    grants.meeting_conflicted = grant_factories.application_make(
        round, applicant, status="eligible"
    )
    ConflictDeclaration.objects.create(
        panel_member=chair, application=grants.meeting_eligible, has_conflict=False
    )
    ConflictDeclaration.objects.create(
        panel_member=chair,
        application=grants.meeting_conflicted,
        has_conflict=True,
        reason="My cousin.",
    )
    meeting = DecisionMeeting.objects.create(
        round=round, method="approval", rule="mes", quorum=1, opened_by=users["panel_member"]
    )
    Attendance.objects.create(meeting=meeting, panel_member=chair)
    pot = grants.meeting_eligible.pot
    grants.allocation = PotAllocation.objects.create(
        meeting=meeting, pot=pot, rule="mes", method="approval"
    )
    grants.award = Award.objects.create(
        application=grants.meeting_eligible,
        pot=pot,
        meeting=meeting,
        status=AwardStatus.NOT_FUNDED,
        engine_reason="no-votes",
        position=1,
    )
    # A vote and a settled casting vote, for the admin's read-only lists.
    Vote.objects.create(meeting=meeting, panel_member=chair, application=grants.meeting_eligible)
    CastingVote.objects.create(
        allocation=grants.allocation,
        application=grants.meeting_eligible,
        position=1,
        cast_by=users["panel_member"],
    )
    other_round = grant_factories.round_make(grants.other_round.organisation, phase="decision")
    PanelMember.objects.create(round=other_round, user=child_in_both, number=1, is_chair=True)
    DecisionMeeting.objects.create(
        round=other_round, method="approval", rule="mes", quorum=1, opened_by=child_in_both
    )
    grants.other_meeting_round = other_round
    _money_world(grants, users)


def _money_awards(round: Round, contact: User, decided_by: User) -> dict[str, Award]:
    """A final decision in `round` and one award in each state the money pages handle."""
    import datetime
    import uuid

    today = timezone.localdate()
    meeting = DecisionMeeting.objects.create(
        round=round,
        method="approval",
        rule="mes",
        quorum=1,
        opened_by=decided_by,
        status="final",
        confirmed_by=decided_by,
        confirmed_at=timezone.now(),
    )
    pot = round.pots.order_by("pk").first()
    awards = {}
    for position, (key, status, accepted, accept_by) in enumerate(
        [
            ("offered", AwardStatus.AWARDED, False, today + datetime.timedelta(days=20)),
            ("accepted", AwardStatus.AWARDED, True, today + datetime.timedelta(days=20)),
            ("paid", AwardStatus.AWARDED, True, today + datetime.timedelta(days=20)),
            ("overdue", AwardStatus.AWARDED, False, today - datetime.timedelta(days=1)),
            ("waiting", AwardStatus.DECLINED, False, None),
        ],
        start=1,
    ):
        application = grant_factories.application_make(round, contact, status="eligible")
        awards[key] = Award.objects.create(
            application=application,
            pot=pot,
            meeting=meeting,
            status=status,
            amount_pence=0 if status == AwardStatus.DECLINED else application.amount_pence,
            proposed_pence=0 if status == AwardStatus.DECLINED else application.amount_pence,
            reason="Not funded." if status == AwardStatus.DECLINED else "",
            engine_reason="no-votes" if status == AwardStatus.DECLINED else "funded",
            position=position,
            is_final=True,
            on_waiting_list=status == AwardStatus.DECLINED,
            accept_by=accept_by,
            accepted_at=timezone.now() if accepted else None,
            accepted_by=contact if accepted else None,
        )
    awards["payment"] = Payment.objects.create(
        award=awards["paid"],
        entry_key=uuid.uuid4(),
        paid_on=today,
        amount_pence=10_000,
        reference="BACS 1",
        recorded_by=decided_by,
    )
    other_pot = round.pots.exclude(pk=pot.pk).first()
    PotTransfer.objects.create(
        from_pot=other_pot,
        to_pot=pot,
        entry_key=uuid.uuid4(),
        amount_pence=10_000,
        reason="Left over.",
        made_by=decided_by,
    )
    ReOffer.objects.create(
        pot=pot, made_by=decided_by, left_before_pence=100_000, given_pence=50_000
    )
    return awards


def _money_world(grants: GrantsWorld, users: dict) -> None:
    """Add the money rows (branch yb-money) to the grants world."""
    organisation = grants.open_round.organisation
    round = grant_factories.round_make(organisation, phase=RoundPhase.AWARDS)
    PanelMember.objects.create(round=round, user=users["panel_member"], number=1, is_chair=True)
    PanelMember.objects.create(round=round, user=users["under_13_waiting"], number=2)
    awards = _money_awards(round, users["applicant_contact"], users["staff"])
    grants.money_round = round
    grants.money_offered = awards["offered"]
    grants.money_accepted = awards["accepted"]
    grants.money_paid = awards["paid"]
    grants.money_overdue = awards["overdue"]
    grants.payment = awards["payment"]
    other = grants.other_round.organisation
    other_round = grant_factories.round_make(other, phase=RoundPhase.AWARDS)
    other_contact = factories.member_make(other, Role.APPLICANT_CONTACT)
    other_awards = _money_awards(other_round, other_contact, users["staff_elsewhere"])
    grants.other_money_round = other_round
    grants.other_money_award = other_awards["paid"]
    grants.other_payment = other_awards["payment"]


def _final_meeting(round: Round, by: User) -> DecisionMeeting:
    return DecisionMeeting.objects.create(
        round=round,
        method="approval",
        rule="mes",
        quorum=1,
        opened_by=by,
        status="final",
        confirmed_by=by,
        confirmed_at=timezone.now(),
    )


def _funded_award(meeting: DecisionMeeting, contact: User) -> Award:
    application = grant_factories.application_make(meeting.round, contact, status="eligible")
    return Award.objects.create(
        application=application,
        pot=application.pot,
        meeting=meeting,
        status=AwardStatus.AWARDED,
        amount_pence=application.amount_pence,
        is_final=True,
    )


def _report(award: Award, *, sent: bool) -> tuple[Report, ReportFile]:
    report = Report.objects.create(
        award=award,
        what_happened="Camps.",
        young_people_count=12,
        returned_pence=0,
        status="sent" if sent else "draft",
        sent_at=timezone.now() if sent else None,
    )
    photo = ReportFile.objects.create(
        report=report,
        purpose="photo",
        file="grant-reports/not-written.jpg",
        name="camp.jpg",
        kind="jpg",
        size_bytes=100,
    )
    return report, photo


def _reports_world(grants: GrantsWorld, users: dict, other_group: User) -> None:
    """Add the report rows (branch yb-reports) to the grants world."""
    organisation = grants.open_round.organisation
    applicant = users["applicant_contact"]
    round = grant_factories.round_make(organisation, phase=RoundPhase.AWARDS)
    PanelMember.objects.create(round=round, user=users["panel_member"], number=1, is_chair=True)
    PanelMember.objects.create(round=round, user=users["under_13_waiting"], number=2)
    meeting = _final_meeting(round, users["panel_member"])
    grants.reports_round = round
    grants.report_award = _funded_award(meeting, applicant)
    grants.draft_report, grants.draft_report_file = _report(
        _funded_award(meeting, applicant), sent=False
    )
    grants.sent_report, grants.sent_report_file = _report(
        _funded_award(meeting, applicant), sent=True
    )
    grants.other_group_award = _funded_award(meeting, other_group)
    grants.other_group_report, _photo = _report(_funded_award(meeting, other_group), sent=True)
    ReportReminder.objects.create(
        award=grants.report_award, kind="due-soon", due_on=timezone.localdate()
    )
    other = grants.other_round.organisation
    other_round = grant_factories.round_make(other, phase=RoundPhase.AWARDS)
    other_meeting = _final_meeting(other_round, users["staff_elsewhere"])
    other_contact = factories.member_make(other, Role.APPLICANT_CONTACT)
    grants.other_org_reports_round = other_round
    grants.other_org_report, grants.other_org_report_file = _report(
        _funded_award(other_meeting, other_contact), sent=True
    )


def _letters_world(grants: GrantsWorld, users: dict, other_group: User) -> None:
    """Add a round with a final decision and letters (branch yb-letters) to the grants world."""
    organisation = grants.open_round.organisation
    round = grant_factories.round_make(organisation, phase=RoundPhase.AWARDS)
    meeting = DecisionMeeting.objects.create(
        round=round,
        method="approval",
        rule="mes",
        quorum=1,
        opened_by=users["panel_member"],
        status="final",
        confirmed_by=users["panel_member"],
        confirmed_at=timezone.now(),
    )
    awards = []
    for contact in (users["applicant_contact"], other_group):
        application = grant_factories.application_make(round, contact, status="eligible")
        award = Award.objects.create(
            application=application,
            pot=application.pot,
            meeting=meeting,
            status=AwardStatus.AWARDED,
            amount_pence=application.amount_pence,
            proposed_pence=application.amount_pence,
            position=len(awards) + 1,
            is_final=True,
        )
        Letter.objects.create(award=award, kind="award")
        awards.append(award)
    grants.decided_round = round
    grants.letter_award, grants.other_group_letter_award = awards


def decided_year(world: "World") -> dict:
    year = timezone.localtime(world.grants.decided_round.meeting.confirmed_at).year
    return {"slug": world.organisation.slug, "year": year}


def world_make() -> World:
    organisation = factories.organisation_make()
    other = factories.organisation_make()
    users: dict[str, User | None] = {
        "anonymous": None,
        "panel_member": factories.member_make(
            organisation, Role.PANEL_MEMBER, age_band=AgeBand.FROM_16_TO_17
        ),
        "under_13_waiting": factories.child_make(organisation),
        "applicant_contact": factories.member_make(organisation, Role.APPLICANT_CONTACT),
        "staff": factories.member_make(organisation, Role.STAFF),
        "org_admin": factories.member_make(organisation, Role.ORGANISATION_ADMIN),
        "superuser": factories.superuser_make(),
        "staff_elsewhere": factories.member_make(other, Role.STAFF),
        "site_staff_only": factories.user_make(is_staff=True, age_band=AgeBand.OVER_25),
        "staff_in_both": factories.member_make(organisation, Role.STAFF),
    }
    Membership.objects.create(user=users["staff_in_both"], organisation=other, role=Role.STAFF)
    target_user = factories.child_make(organisation)
    admin_elsewhere = factories.member_make(other, Role.ORGANISATION_ADMIN)
    Membership.objects.create(
        user=admin_elsewhere, organisation=organisation, role=Role.APPLICANT_CONTACT
    )
    child_in_both = factories.child_make(organisation)
    Membership.objects.create(user=child_in_both, organisation=other, role=Role.PANEL_MEMBER)
    _invitation, token, _code = services.invitation_create(
        organisation=organisation, role=Role.PANEL_MEMBER, by=users["staff"]
    )
    services.reset_code_issue(person=target_user, by=users["staff"])
    audit_record(action="test.world_made", actor=users["staff"], target=organisation)
    # Someone who never logs in here, so logging in does not spoil their reset token.
    reset_user = target_user
    grants = grants_world_make(
        organisation, other, users["applicant_contact"], admin_elsewhere
    )  # --- grants
    _panel_world(grants, users, child_in_both)  # --- panel
    _reports_world(grants, users, admin_elsewhere)  # --- reports
    _letters_world(grants, users, admin_elsewhere)  # --- letters (branch yb-letters)
    live_session, live_other_session = _live_world(users, organisation, other)
    live_fiver, live_other_fiver, other_word = _fiver_world(users, organisation, other)
    stories = _stories_world(users, organisation, other)  # --- stories (branch stories)
    # One email waiting for the background worker, for the admin's read-only task list.
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        application_submitted_email.enqueue(Application.objects.order_by("pk").first().pk)
    return World(
        stories=stories,
        grants=grants,
        live_session=live_session,
        live_other_session=live_other_session,
        live_fiver=live_fiver,
        live_other_fiver=live_other_fiver,
        other_word=other_word,
        organisation=organisation,
        other=other,
        users=users,
        target=Membership.objects.get(user=target_user),
        admin_elsewhere=Membership.objects.get(user=admin_elsewhere, organisation=organisation),
        child_in_both=Membership.objects.get(user=child_in_both, organisation=organisation),
        invitation_token=token,
        reset_uidb64=urlsafe_base64_encode(force_bytes(reset_user.pk)),
        reset_token=default_token_generator.make_token(reset_user),
    )


def _live_world(users, organisation, other) -> tuple[LiveSession, LiveSession]:
    """Make an open live session with a question, a phone and its answer, and one elsewhere."""
    import uuid

    staff = users["staff"]
    session = live_services.session_create(organisation=organisation, title="Live", by=staff)
    live_services.activity_add(session=session, kind="yes-no", prompt="Fair?", by=staff)
    live_services.activity_add(session=session, kind="scale", prompt="How much?", by=staff)
    live_services.session_control(session=session, action="start", by=staff)
    live_services.session_control(session=session, action="open", by=staff)
    session.refresh_from_db()
    phone = live_services.session_join(
        session=session, token="world-phone-token-123456"
    ).participant
    live_services.answer_submit(
        participant=phone,
        activity=session.current_activity,
        client_id=uuid.uuid4(),
        value={"choice": "yes"},
    )
    # --- live cards (branch live-cards): cards on, the phone's hand up and a Stop card
    live_services.session_change(
        session=session,
        title="Live",
        settings=live_services.SessionSettings(cards_on=True),
        by=staff,
    )
    live_services.card_raise(participant=phone, kind="speak", client_id=uuid.uuid4())
    live_services.card_raise(
        participant=phone, kind="stop", client_id=uuid.uuid4(), phrase="jargon"
    )
    elsewhere = live_services.session_create(
        organisation=other, title="Elsewhere", by=users["staff_elsewhere"]
    )
    live_services.activity_add(
        session=elsewhere, kind="yes-no", prompt="Other?", by=users["staff_elsewhere"]
    )
    return session, elsewhere


def _fiver_world(users, organisation, other) -> tuple[LiveSession, LiveSession, GlossaryWord]:
    """A running Bid for a Fiver here and one in `other`, and a glossary word in `other`."""
    import uuid

    def fiver(organisation, staff, title):
        session = live_services.session_create(
            organisation=organisation,
            title=title,
            settings=live_services.SessionSettings(kind="fiver"),
            by=staff,
        )
        team = live_services.team_add(session=session, name="Kestrels", by=staff)
        live_services.team_add(session=session, name="Otters", by=staff)
        live_services.session_control(session=session, action="start", by=staff)
        phone = live_services.session_join(
            session=session, token=f"world-fiver-token-{session.pk}-123456"
        ).participant
        live_services.team_join(participant=phone, code=team.code)
        live_services.fiver_control(session=session, action="start", by=staff)
        live_services.plan_item_add(
            participant=phone, what="Seeds", cost_pence=150, client_id=uuid.uuid4()
        )
        return session

    here = fiver(organisation, users["staff"], "Fiver")
    elsewhere = fiver(other, users["staff_elsewhere"], "Fiver elsewhere")
    word = live_services.glossary_add(
        organisation=other,
        words_typed="quorum",
        meaning="Enough people.",
        by=users["staff_elsewhere"],
    )
    return here, elsewhere, word


@dataclass(frozen=True)
class Entry:
    """What each role gets at one URL: statuses in ROLES order."""

    statuses: tuple[int, int, int, int, int, int, int, int, int, int]
    kwargs: Callable[[World], dict] = lambda world: {}
    method: str = "get"
    data: dict = field(default_factory=dict)


def org(world: World) -> dict:
    return {"slug": world.organisation.slug}


def other_org(world: World) -> dict:
    return {"slug": world.other.slug}


def org_target(world: World) -> dict:
    return {"slug": world.organisation.slug, "pk": world.target.pk}


def org_area(world: World) -> dict:
    area, _created = Area.objects.get_or_create(organisation=world.organisation, name="North")
    return {"slug": world.organisation.slug, "pk": area.pk}


def org_invitation(world: World) -> dict:
    invitation = Invitation.objects.get(token_hash=token_hash(world.invitation_token))
    return {"slug": world.organisation.slug, "pk": invitation.pk}


def org_admin_elsewhere(world: World) -> dict:
    return {"slug": world.organisation.slug, "pk": world.admin_elsewhere.pk}


def org_child_in_both(world: World) -> dict:
    return {"slug": world.organisation.slug, "pk": world.child_in_both.pk}


def swapped_slug(world: World) -> dict:
    """The other organisation's slug with a membership of this one: never found."""
    return {"slug": world.other.slug, "pk": world.target.pk}


# --- grants (branch grants): how to fill in the Youth Bank URLs ---
def pk_of(get) -> Callable[[World], dict]:
    return lambda world: {"pk": get(world.grants).pk}


def fund_of(get) -> Callable[[World], dict]:
    return lambda world: {"pk": get(world.grants).fund_id}


# --- end grants


def live_session(world: World) -> dict:
    return {"pk": world.live_session.pk}


def live_other_session(world: World) -> dict:
    return {"pk": world.live_other_session.pk}


def live_activity(world: World) -> dict:
    return {"pk": world.live_session.pk, "activity_pk": world.live_session.current_activity_id}


def live_activity_swapped(world: World) -> dict:
    """This organisation's session with the other session's activity: never found."""
    other_activity = world.live_other_session.activities.get()
    return {"pk": world.live_session.pk, "activity_pk": other_activity.pk}


def live_participant(world: World) -> dict:
    return {"pk": world.live_session.pk, "participant_pk": world.live_session.participants.get().pk}


def live_participant_swapped(world: World) -> dict:
    """The other organisation's session with this session's phone: never found there."""
    return {
        "pk": world.live_other_session.pk,
        "participant_pk": world.live_session.participants.get().pk,
    }


def live_answer(world: World) -> dict:
    answer = world.live_session.participants.get().answers.get()
    return {"pk": world.live_session.pk, "answer_pk": answer.pk}


def live_answer_swapped(world: World) -> dict:
    """The other organisation's session with this session's answer: never found there."""
    answer = world.live_session.participants.get().answers.get()
    return {"pk": world.live_other_session.pk, "answer_pk": answer.pk}


def live_code(world: World) -> dict:
    return {"code": world.live_session.join_code}


def live_card(world: World) -> dict:
    card = world.live_session.cards.get(kind="speak")
    return {"pk": world.live_session.pk, "card_pk": card.pk}


def live_card_swapped(world: World) -> dict:
    """The other organisation's session with this session's hand: never found there."""
    card = world.live_session.cards.get(kind="speak")
    return {"pk": world.live_other_session.pk, "card_pk": card.pk}


def live_fiver(world: World) -> dict:
    return {"pk": world.live_fiver.pk}


def live_other_fiver(world: World) -> dict:
    return {"pk": world.live_other_fiver.pk}


def live_fiver_code(world: World) -> dict:
    return {"code": world.live_fiver.join_code}


def live_fiver_phone(world: World) -> dict:
    fiver = world.live_fiver
    return {"pk": fiver.pk, "participant_pk": fiver.participants.get().pk}


def live_fiver_phone_swapped(world: World) -> dict:
    """The other organisation's Bid for a Fiver with this one's phone: never found there."""
    return {
        "pk": world.live_other_fiver.pk,
        "participant_pk": world.live_fiver.participants.get().pk,
    }


def glossary_word(world: World) -> dict:
    word = GlossaryWord.objects.get(organisation=world.organisation)
    return {"slug": world.organisation.slug, "pk": word.pk}


def glossary_word_swapped(world: World) -> dict:
    """This organisation's glossary with the other's word: never found."""
    return {"slug": world.organisation.slug, "pk": world.other_word.pk}


# --- stories (branch stories): how to fill in the Co-production Week URLs
def week_of(get) -> Callable[[World], dict]:
    return lambda world: {
        "slug": get(world.stories).organisation.slug,
        "year": get(world.stories).year,
    }


def stories_pk(get) -> Callable[[World], dict]:
    return lambda world: {"pk": get(world.stories).pk}


def episode_slug(get) -> Callable[[World], dict]:
    return lambda world: {"slug": get(world.stories).slug}


# --- end stories


EVERYONE_200 = (200,) * len(ROLES)
LOGGED_IN_200 = (302,) + (200,) * (len(ROLES) - 1)
#                 anon panel u13  appl staff admin super | elsewhere site-staff both
STAFF_ONLY = (302, 403, 403, 403, 200, 200, 200, 403, 403, 200)
STAFF_OF_OTHER = (302, 403, 403, 403, 403, 403, 200, 200, 403, 200)
ADMIN_ONLY = (302, 403, 403, 403, 403, 200, 200, 403, 403, 403)
ADMIN_ONLY_POST = (302, 403, 403, 403, 403, 302, 302, 403, 403, 403)
STAFF_POST = (302, 403, 403, 403, 302, 302, 302, 403, 403, 302)
NOT_FOUND = (302,) + (404,) * (len(ROLES) - 1)
# --- grants
GROUP_ONLY = (302, 403, 403, 200, 403, 403, 403, 403, 403, 403)
PANEL_AND_STAFF = (302, 200, 403, 403, 200, 200, 200, 403, 403, 200)
PANEL_AND_STAFF_POST = (302, 302, 403, 403, 302, 302, 302, 403, 403, 302)
# --- panel: the round's own panel members only (not the under-13 still waiting, not staff)
PANEL_ONLY = (302, 200, 403, 403, 403, 403, 403, 403, 403, 403)
STAFF_OF_OTHER_POST = (302, 403, 403, 403, 403, 403, 302, 302, 403, 302)
NOBODY = (302,) + (403,) * (len(ROLES) - 1)
# --- deciding: the chair leads the meeting; staff watch (they are sent nowhere to vote)
CHAIR_ONLY = PANEL_ONLY
CHAIR_POST = (302, 302, 403, 403, 403, 403, 403, 403, 403, 403)
# --- letters: the group's own contact and its organisation's staff
LETTER_READERS = (302, 403, 403, 200, 200, 200, 200, 403, 403, 200)
# --- end grants

EXPECTED: dict[str, Entry] = {
    "core:home": Entry(EVERYONE_200),
    "core:privacy": Entry(EVERYONE_200),
    "core:accessibility": Entry(EVERYONE_200),
    "accounts:dashboard": Entry(LOGGED_IN_200),
    "accounts:login": Entry((200,) + (302,) * (len(ROLES) - 1)),
    "accounts:logout": Entry((302,) * len(ROLES), method="post"),
    "accounts:password-change": Entry(LOGGED_IN_200),
    "accounts:password-change-done": Entry(LOGGED_IN_200),
    "accounts:password-reset": Entry(EVERYONE_200),
    "accounts:password-reset-done": Entry(EVERYONE_200),
    "accounts:password-reset-confirm": Entry(
        (302,) * len(ROLES),
        kwargs=lambda world: {"uidb64": world.reset_uidb64, "token": world.reset_token},
    ),
    "accounts:password-reset-complete": Entry(EVERYONE_200),
    "accounts:reset-code": Entry(EVERYONE_200),
    "accounts:join": Entry(EVERYONE_200, kwargs=lambda world: {"token": world.invitation_token}),
    "accounts:invitation-create": Entry(STAFF_ONLY, kwargs=org),
    "accounts:people": Entry(STAFF_ONLY, kwargs=org),
    "accounts:guardian-authorise": Entry(
        (302, 403, 403, 403, 302, 302, 302, 403, 403, 302), kwargs=org_target, method="post"
    ),
    "accounts:member-role": Entry(
        (302, 403, 403, 403, 403, 302, 302, 403, 403, 403),
        kwargs=org_target,
        method="post",
        data={"role": Role.APPLICANT_CONTACT},
    ),
    "accounts:reset-code-create": Entry(STAFF_ONLY, kwargs=org_target, method="post"),
    "accounts:theme-css": Entry(EVERYONE_200, kwargs=org),
    # ---- twostep branch: your account, sessions, two-step log-in ----
    "accounts:account": Entry(LOGGED_IN_200),
    "accounts:email-change": Entry(LOGGED_IN_200),
    "accounts:log-out-everywhere": Entry((302,) * len(ROLES), method="post"),
    "accounts:session": Entry(EVERYONE_200),
    # Nobody is half-way through logging in, so everyone is sent on.
    "accounts:login-code": Entry((302,) * len(ROLES)),
    "accounts:two-step": Entry((302, 403, 403, 403, 200, 200, 200, 200, 403, 200)),
    "accounts:two-step-set-up": Entry((302, 403, 403, 403, 200, 200, 200, 200, 403, 200)),
    # Nobody here has two-step log-in on, so those who may use it are sent to set it up.
    "accounts:two-step-turn-off": Entry((302, 403, 403, 403, 302, 302, 302, 302, 403, 302)),
    "accounts:two-step-recovery-codes": Entry((302, 403, 403, 403, 302, 302, 302, 302, 403, 302)),
    "accounts:organisation-two-step": Entry(
        (302, 403, 403, 403, 403, 200, 200, 403, 403, 403), kwargs=org
    ),
    "accounts:two-step-reset": Entry(
        (302, 403, 403, 403, 403, 302, 302, 403, 403, 403), kwargs=org_target, method="post"
    ),
    # --- lock-out (branch lockout): unlocking someone after too many wrong passwords ---
    "accounts:person-unlock": Entry(
        (302, 403, 403, 403, 302, 302, 302, 403, 403, 302), kwargs=org_target, method="post"
    ),
    # --- organisation admin (branch orgadmin): name, logo, colour, areas, people ---
    # No session holds a new invitation here, so the page says the code was shown once.
    "accounts:invitation-ready": Entry(STAFF_ONLY, kwargs=org),
    # The world's organisation has no logo; test_organisation_admin.py serves a real one.
    "accounts:organisation-logo": Entry(
        (404,) * len(ROLES), kwargs=lambda world: {**org(world), "name": "x.png"}
    ),
    "accounts:organisation-settings": Entry(ADMIN_ONLY, kwargs=org),
    "accounts:organisation-logo-change": Entry(ADMIN_ONLY, kwargs=org),
    "accounts:organisation-logo-remove": Entry(ADMIN_ONLY_POST, kwargs=org, method="post"),
    "accounts:areas": Entry(ADMIN_ONLY, kwargs=org),
    "accounts:area-rename": Entry(ADMIN_ONLY, kwargs=org_area),
    "accounts:area-remove": Entry(ADMIN_ONLY_POST, kwargs=org_area, method="post"),
    "accounts:invitation-cancel": Entry(STAFF_POST, kwargs=org_invitation, method="post"),
    "accounts:account-deactivate": Entry(STAFF_POST, kwargs=org_target, method="post"),
    "accounts:account-reactivate": Entry(STAFF_POST, kwargs=org_target, method="post"),
    # GET asks first; the POST that takes someone out is in test_organisation_admin.py.
    "accounts:member-remove": Entry(STAFF_ONLY, kwargs=org_target),
    # --- end organisation admin ---
    # --- grants (branch grants): Youth Bank rounds, applying, screening ---
    "grants:round-list": Entry(EVERYONE_200),
    "grants:round-detail": Entry(EVERYONE_200, kwargs=pk_of(lambda g: g.open_round)),
    "grants:application-create": Entry(GROUP_ONLY, kwargs=pk_of(lambda g: g.open_round)),
    "grants:my-applications": Entry(LOGGED_IN_200),
    # A sent application: its group and the organisation's staff.
    "grants:application-detail": Entry(
        (302, 403, 403, 200, 200, 200, 200, 403, 403, 200), kwargs=pk_of(lambda g: g.sent)
    ),
    # A draft is the group's own: staff don't see it until it is sent.
    "grants:application-edit": Entry(GROUP_ONLY, kwargs=pk_of(lambda g: g.draft)),
    "grants:application-check": Entry(GROUP_ONLY, kwargs=pk_of(lambda g: g.draft)),
    "grants:application-withdraw": Entry(GROUP_ONLY, kwargs=pk_of(lambda g: g.sent)),
    "grants:funds": Entry(STAFF_ONLY, kwargs=org),
    "grants:round-create": Entry(STAFF_ONLY, kwargs=fund_of(lambda g: g.draft_round)),
    "grants:round-setup": Entry(STAFF_ONLY, kwargs=pk_of(lambda g: g.draft_round)),
    "grants:round-edit": Entry(STAFF_ONLY, kwargs=pk_of(lambda g: g.draft_round)),
    "grants:round-phase": Entry(
        STAFF_POST, kwargs=pk_of(lambda g: g.draft_round), method="post", data={"to": "open"}
    ),
    "grants:pots": Entry(STAFF_ONLY, kwargs=pk_of(lambda g: g.draft_round)),
    "grants:pot-remove": Entry(
        STAFF_POST, kwargs=pk_of(lambda g: g.draft_round.pots.first()), method="post"
    ),
    # Young panel members write criteria and questions with staff.
    "grants:criteria": Entry(PANEL_AND_STAFF, kwargs=pk_of(lambda g: g.draft_round)),
    "grants:criterion-remove": Entry(
        PANEL_AND_STAFF_POST, kwargs=pk_of(lambda g: g.draft_round.criteria.first()), method="post"
    ),
    "grants:questions": Entry(PANEL_AND_STAFF, kwargs=pk_of(lambda g: g.draft_round)),
    "grants:question-remove": Entry(
        PANEL_AND_STAFF_POST,
        kwargs=pk_of(lambda g: g.draft_round.questions.first()),
        method="post",
    ),
    "grants:screening": Entry(STAFF_ONLY, kwargs=pk_of(lambda g: g.open_round)),
    "grants:application-screen": Entry(STAFF_ONLY, kwargs=pk_of(lambda g: g.sent)),
    "grants:application-uploads": Entry(GROUP_ONLY, kwargs=pk_of(lambda g: g.draft)),
    "grants:upload-remove": Entry(
        (302, 403, 403, 302, 403, 403, 403, 403, 403, 403),
        kwargs=pk_of(lambda g: g.draft_upload),
        method="post",
    ),
    # The world writes no file, so those who may download it are told it's not found.
    "grants:upload-download": Entry(
        (302, 403, 403, 404, 404, 404, 404, 403, 403, 404), kwargs=pk_of(lambda g: g.sent_upload)
    ),
    # --- end grants ---
    # --- panel (branch panel): staff choose the panel; members say who they know ---
    "grants:panel": Entry(STAFF_ONLY, kwargs=pk_of(lambda g: g.assessing_round)),
    "grants:panel-member-remove": Entry(
        STAFF_POST, kwargs=pk_of(lambda g: g.member), method="post"
    ),
    "grants:panel-chair": Entry(STAFF_POST, kwargs=pk_of(lambda g: g.member), method="post"),
    "grants:to-read": Entry(PANEL_ONLY, kwargs=pk_of(lambda g: g.assessing_round)),
    "grants:declare": Entry(PANEL_ONLY, kwargs=pk_of(lambda g: g.eligible)),
    # --- end panel ---
    # --- scoring: members score; staff follow who has finished; the review ---
    "grants:score": Entry(PANEL_ONLY, kwargs=pk_of(lambda g: g.eligible)),
    "grants:scoring-progress": Entry(STAFF_ONLY, kwargs=pk_of(lambda g: g.assessing_round)),
    "grants:scoring-remind": Entry(
        STAFF_POST, kwargs=pk_of(lambda g: g.assessing_round), method="post"
    ),
    # While the panel scores, staff don't see scores: only the panel opens the review.
    "grants:review": Entry(PANEL_ONLY, kwargs=pk_of(lambda g: g.assessing_round)),
    # --- end scoring ---
    # --- deciding (branch yb-decide) ---
    "grants:decision-rules": Entry(STAFF_ONLY, kwargs=pk_of(lambda g: g.deciding_round)),
    "grants:meeting": Entry(PANEL_AND_STAFF, kwargs=pk_of(lambda g: g.meeting_round)),
    "grants:meeting-open": Entry(
        CHAIR_POST, kwargs=pk_of(lambda g: g.deciding_round), method="post"
    ),
    "grants:meeting-attendance": Entry(
        CHAIR_POST, kwargs=pk_of(lambda g: g.meeting_round), method="post"
    ),
    # Only the chair is there, with no votes: the proposal is worked out (nothing funded).
    "grants:meeting-propose": Entry(
        CHAIR_POST, kwargs=pk_of(lambda g: g.meeting_round), method="post"
    ),
    # Confirming with no tie: the chair is sent back with the decision final.
    "grants:meeting-confirm": Entry(
        CHAIR_POST, kwargs=pk_of(lambda g: g.meeting_round), method="post"
    ),
    # Staff may see the meeting, but there is no voting page for them.
    "grants:vote": Entry(
        (302, 200, 403, 403, 404, 404, 404, 403, 403, 404),
        kwargs=pk_of(lambda g: g.meeting_round),
    ),
    "grants:vote-set": Entry(
        CHAIR_POST,
        kwargs=pk_of(lambda g: g.meeting_eligible),
        method="post",
        data={"supports": "yes"},
    ),
    # No tie in the world's pot: the chair is sent back with "choose one in the tie".
    "grants:casting-vote": Entry(CHAIR_POST, kwargs=pk_of(lambda g: g.allocation), method="post"),
    "grants:award-change": Entry(CHAIR_ONLY, kwargs=pk_of(lambda g: g.award)),
    # --- end deciding ---
    # --- reports (branch yb-reports): the group writes; the panel and staff read and thank ---
    "grants:report-write": Entry(GROUP_ONLY, kwargs=pk_of(lambda g: g.report_award)),
    # A sent report: its group, the round's panel (not the under-13 still waiting) and staff.
    "grants:report-detail": Entry(
        (302, 200, 403, 200, 200, 200, 200, 403, 403, 200), kwargs=pk_of(lambda g: g.sent_report)
    ),
    "grants:report-files": Entry(GROUP_ONLY, kwargs=pk_of(lambda g: g.draft_report)),
    "grants:report-check": Entry(GROUP_ONLY, kwargs=pk_of(lambda g: g.draft_report)),
    "grants:report-acknowledge": Entry(
        PANEL_AND_STAFF_POST, kwargs=pk_of(lambda g: g.sent_report), method="post"
    ),
    # The world writes no file, so those who may see it are told it's not found.
    "grants:report-file": Entry(
        (302, 404, 403, 404, 404, 404, 404, 403, 403, 404),
        kwargs=pk_of(lambda g: g.sent_report_file),
    ),
    "grants:report-file-remove": Entry(
        (302, 403, 403, 302, 403, 403, 403, 403, 403, 403),
        kwargs=pk_of(lambda g: g.draft_report_file),
        method="post",
    ),
    "grants:round-reports": Entry(PANEL_AND_STAFF, kwargs=pk_of(lambda g: g.reports_round)),
    # --- end reports ---
    # --- letters (branch yb-letters): the group it is for and the organisation's staff ---
    "grants:letter": Entry(LETTER_READERS, kwargs=pk_of(lambda g: g.letter_award)),
    # The world writes no PDF, so those who may download it are told it's not found.
    "grants:letter-download": Entry(
        (302, 403, 403, 404, 404, 404, 404, 403, 403, 404), kwargs=pk_of(lambda g: g.letter_award)
    ),
    "grants:round-letters": Entry(STAFF_ONLY, kwargs=pk_of(lambda g: g.decided_round)),
    "grants:round-letters-send": Entry(
        STAFF_POST, kwargs=pk_of(lambda g: g.decided_round), method="post"
    ),
    # --- where the money went and 360Giving open data: anyone ---
    "grants:round-money": Entry(EVERYONE_200, kwargs=pk_of(lambda g: g.decided_round)),
    "grants:round-money-csv": Entry(EVERYONE_200, kwargs=pk_of(lambda g: g.decided_round)),
    "grants:round-360giving-json": Entry(EVERYONE_200, kwargs=pk_of(lambda g: g.decided_round)),
    "grants:round-360giving-csv": Entry(EVERYONE_200, kwargs=pk_of(lambda g: g.decided_round)),
    "grants:organisation-money": Entry(EVERYONE_200, kwargs=org),
    "grants:year-money": Entry(EVERYONE_200, kwargs=decided_year),
    "grants:year-money-csv": Entry(EVERYONE_200, kwargs=decided_year),
    "grants:organisation-360giving-json": Entry(EVERYONE_200, kwargs=org),
    "grants:organisation-360giving-csv": Entry(EVERYONE_200, kwargs=org),
    # --- end letters ---
    # --- money (branch yb-money): the group accepts or gives back; staff pay and move money;
    # the chair or staff re-offer; finance exports for staff ---
    "grants:award-accept": Entry(GROUP_ONLY, kwargs=pk_of(lambda g: g.money_offered)),
    "grants:award-withdraw": Entry(GROUP_ONLY, kwargs=pk_of(lambda g: g.money_offered)),
    "grants:award-payments": Entry(STAFF_ONLY, kwargs=pk_of(lambda g: g.money_accepted)),
    "grants:award-lapse": Entry(STAFF_POST, kwargs=pk_of(lambda g: g.money_overdue), method="post"),
    "grants:payment-cancel": Entry(STAFF_ONLY, kwargs=pk_of(lambda g: g.payment)),
    "grants:money": Entry(STAFF_ONLY, kwargs=pk_of(lambda g: g.money_round)),
    "grants:pot-transfer": Entry(STAFF_ONLY, kwargs=pk_of(lambda g: g.money_round)),
    "grants:finance-csv": Entry(
        STAFF_ONLY, kwargs=lambda world: {"pk": world.grants.money_round.pk, "table": "awards"}
    ),
    "grants:finance-xlsx": Entry(STAFF_ONLY, kwargs=pk_of(lambda g: g.money_round)),
    # The chair (not the under-13 still waiting, not another member) or staff.
    "grants:reoffer": Entry(
        PANEL_AND_STAFF, kwargs=pk_of(lambda g: g.money_round.pots.order_by("pk").first())
    ),
    # --- end money ---
    # --- live workshops (branch live): facilitator's pages, presenter, joining, phones ---
    "live:sessions": Entry(STAFF_ONLY, kwargs=org),
    "live:session-create": Entry(STAFF_POST, kwargs=org, method="post", data={"title": "New"}),
    "live:session-edit": Entry(STAFF_ONLY, kwargs=live_session),
    "live:activity-add": Entry(
        STAFF_POST, kwargs=live_session, method="post", data={"kind": "yes-no", "prompt": "Q?"}
    ),
    "live:activity-move": Entry(STAFF_POST, kwargs=live_activity, method="post"),
    "live:session-copy": Entry(STAFF_POST, kwargs=live_session, method="post"),
    "live:console": Entry(STAFF_ONLY, kwargs=live_session),
    "live:control": Entry(STAFF_POST, kwargs=live_session, method="post", data={"action": "show"}),
    # The world's answer is a yes/no one: staff are sent back with "only written answers".
    "live:answer-review": Entry(STAFF_POST, kwargs=live_answer, method="post"),
    "live:participant-remove": Entry(STAFF_POST, kwargs=live_participant, method="post"),
    # The world's session is still open: staff are sent back to the console with a message.
    "live:answers-delete": Entry(STAFF_POST, kwargs=live_session, method="post"),
    "live:present": Entry(STAFF_ONLY, kwargs=live_session),
    "live:session-snapshot": Entry(STAFF_ONLY, kwargs=live_session),
    # Nobody here has a phone's cookie, so everyone is sent to join first.
    "live:phone": Entry((302,) * len(ROLES), kwargs=live_code),
    "live:answer": Entry((302,) * len(ROLES), kwargs=live_code, method="post"),
    "live:upvote": Entry((302,) * len(ROLES), kwargs=live_code, method="post"),
    "live:phone-snapshot": Entry((403,) * len(ROLES), kwargs=live_code),
    "join:start": Entry(EVERYONE_200),
    "join:code": Entry(EVERYONE_200, kwargs=live_code),
    # --- end live workshops ---
    # --- live exports (branch liveexports): a session's results for its facilitator ---
    "live:results-csv": Entry(STAFF_ONLY, kwargs=live_session),
    "live:results-xlsx": Entry(STAFF_ONLY, kwargs=live_session),
    # --- end live exports ---
    # --- live cards (branch live-cards): settings, cards on phones, the speaking queue ---
    "live:session-settings": Entry(
        STAFF_POST,
        kwargs=live_session,
        method="post",
        data={"settings-title": "Live", "settings-cards_on": "on"},
    ),
    "live:queue": Entry(STAFF_POST, kwargs=live_session, method="post", data={"action": "call"}),
    "live:queue-card": Entry(STAFF_POST, kwargs=live_card, method="post", data={"action": "up"}),
    "live:cards-down": Entry(STAFF_POST, kwargs=live_session, method="post", data={"kind": "stop"}),
    # Phones have no roles: without the phone's cookie everyone is sent to join.
    "live:card": Entry((302,) * len(ROLES), kwargs=live_code, method="post", data={"kind": "stop"}),
    # --- end live cards ---
    # --- glossary, Bid for a Fiver and the record (branch meeting-tools) ---
    "live:glossary": Entry(STAFF_ONLY, kwargs=org),
    "live:glossary-add": Entry(
        STAFF_POST,
        kwargs=org,
        method="post",
        data={"words": "Agenda", "meaning": "The list of things to talk about."},
    ),
    "live:glossary-word": Entry(
        STAFF_POST, kwargs=glossary_word, method="post", data={"meaning": "Hard words."}
    ),
    # Anyone: only words with a meaning the staff wrote.
    "live:glossary-public": Entry(EVERYONE_200, kwargs=org),
    # No word chosen: staff are sent back to the console with "that word has gone".
    "live:session-glossary": Entry(
        STAFF_POST, kwargs=live_session, method="post", data={"meaning": "Hard words."}
    ),
    "live:fiver": Entry(STAFF_POST, kwargs=live_fiver, method="post", data={"action": "pause"}),
    "live:fiver-settings": Entry(
        STAFF_POST,
        kwargs=live_fiver,
        method="post",
        data={"fiver-cap": "5.00", "fiver-minutes": "10"},
    ),
    "live:team-add": Entry(STAFF_POST, kwargs=live_fiver, method="post", data={"name": "Herons"}),
    "live:teams-fill": Entry(STAFF_POST, kwargs=live_fiver, method="post"),
    "live:participant-team": Entry(
        STAFF_POST, kwargs=live_fiver_phone, method="post", data={"team": ""}
    ),
    "live:record-csv": Entry(STAFF_ONLY, kwargs=live_fiver),
    "live:record-pdf": Entry(STAFF_ONLY, kwargs=live_fiver),
    # Phones have no roles: without the phone's cookie everyone is sent to join.
    "live:team-join": Entry(
        (302,) * len(ROLES), kwargs=live_fiver_code, method="post", data={"team_code": "ABCD"}
    ),
    "live:plan": Entry(
        (302,) * len(ROLES), kwargs=live_fiver_code, method="post", data={"action": "add"}
    ),
    # --- end meeting-tools ---
    # --- stories (branch stories): anyone reads and sends; the network's staff check ---
    "stories:index": Entry(EVERYONE_200),
    "stories:search": Entry(EVERYONE_200),
    "stories:episode-list": Entry(EVERYONE_200),
    "stories:episode-feed": Entry(EVERYONE_200),
    "stories:episode-detail": Entry(EVERYONE_200, kwargs=episode_slug(lambda s: s.episode)),
    "stories:episode-json": Entry(EVERYONE_200, kwargs=episode_slug(lambda s: s.episode)),
    "stories:network": Entry(EVERYONE_200, kwargs=org),
    "stories:week-detail": Entry(EVERYONE_200, kwargs=week_of(lambda s: s.week)),
    "stories:week-ics": Entry(EVERYONE_200, kwargs=week_of(lambda s: s.week)),
    "stories:event-submit": Entry(EVERYONE_200, kwargs=week_of(lambda s: s.week)),
    "stories:story-submit": Entry(EVERYONE_200, kwargs=week_of(lambda s: s.week)),
    "stories:event-detail": Entry(EVERYONE_200, kwargs=stories_pk(lambda s: s.approved_event)),
    "stories:event-ics": Entry(EVERYONE_200, kwargs=stories_pk(lambda s: s.approved_event)),
    "stories:story-detail": Entry(EVERYONE_200, kwargs=stories_pk(lambda s: s.approved_story)),
    # The world writes no picture file, so everyone is told it's not found.
    "stories:story-image": Entry(
        (404,) * len(ROLES), kwargs=stories_pk(lambda s: s.approved_story)
    ),
    "stories:weeks": Entry(STAFF_ONLY, kwargs=org),
    "stories:week-edit": Entry(STAFF_ONLY, kwargs=week_of(lambda s: s.week)),
    "stories:moderation": Entry(STAFF_ONLY, kwargs=week_of(lambda s: s.week)),
    "stories:event-edit": Entry(STAFF_ONLY, kwargs=stories_pk(lambda s: s.waiting_event)),
    "stories:event-approve": Entry(
        STAFF_POST, kwargs=stories_pk(lambda s: s.waiting_event), method="post"
    ),
    "stories:event-decline": Entry(STAFF_ONLY, kwargs=stories_pk(lambda s: s.waiting_event)),
    "stories:event-delete": Entry(
        STAFF_POST, kwargs=stories_pk(lambda s: s.waiting_event), method="post"
    ),
    "stories:story-edit": Entry(STAFF_ONLY, kwargs=stories_pk(lambda s: s.waiting_story)),
    "stories:story-approve": Entry(
        STAFF_POST, kwargs=stories_pk(lambda s: s.waiting_story), method="post"
    ),
    "stories:story-decline": Entry(STAFF_ONLY, kwargs=stories_pk(lambda s: s.waiting_story)),
    "stories:story-delete": Entry(
        STAFF_POST, kwargs=stories_pk(lambda s: s.waiting_story), method="post"
    ),
    # --- end stories ---
}

# More cases for URLs that act on one person or organisation: the other
# organisation's pages, people with roles in both, and slug/pk swaps.
OBJECT_CASES: dict[str, tuple[str, Entry]] = {
    "people of the other organisation": (
        "accounts:people",
        Entry(STAFF_OF_OTHER, kwargs=other_org),
    ),
    "invite to the other organisation": (
        "accounts:invitation-create",
        Entry(STAFF_OF_OTHER, kwargs=other_org),
    ),
    "new-password code for an admin of another organisation": (
        "accounts:reset-code-create",
        Entry((302, 403, 403, 403, 403, 403, 200, 403, 403, 403), kwargs=org_admin_elsewhere),
    ),
    "grown-up's yes for a child in both organisations": (
        "accounts:guardian-authorise",
        Entry((302, 403, 403, 403, 403, 403, 302, 403, 403, 302), kwargs=org_child_in_both),
    ),
    "new-password code for a child in both organisations": (
        "accounts:reset-code-create",
        Entry((302, 403, 403, 403, 403, 403, 200, 403, 403, 200), kwargs=org_child_in_both),
    ),
    "new-password code with a swapped slug": (
        "accounts:reset-code-create",
        Entry(NOT_FOUND, kwargs=swapped_slug),
    ),
    "grown-up's yes with a swapped slug": (
        "accounts:guardian-authorise",
        Entry(NOT_FOUND, kwargs=swapped_slug),
    ),
    "role change with a swapped slug": (
        "accounts:member-role",
        Entry(NOT_FOUND, kwargs=swapped_slug, data={"role": Role.APPLICANT_CONTACT}),
    ),
    # --- grants (branch grants) ---
    "funds of the other organisation": (
        "grants:funds",
        Entry(STAFF_OF_OTHER, kwargs=other_org),
    ),
    "setting up the other organisation's round": (
        "grants:round-setup",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_round)),
    ),
    "pots of the other organisation's round": (
        "grants:pots",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_round)),
    ),
    "criteria of the other organisation's round": (
        "grants:criteria",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_round)),
    ),
    "screening the other organisation's round": (
        "grants:screening",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_round)),
    ),
    "a new round for the other organisation's fund": (
        "grants:round-create",
        Entry(STAFF_OF_OTHER, kwargs=fund_of(lambda g: g.other_round)),
    ),
    "applying to the other organisation's round": (
        "grants:application-create",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.other_round)),
    ),
    "a round still being set up is not public": (
        "grants:round-detail",
        Entry(
            (403, 403, 403, 403, 200, 200, 200, 403, 403, 200),
            kwargs=pk_of(lambda g: g.draft_round),
        ),
    ),
    "another group's sent application": (
        "grants:application-detail",
        Entry(
            (302, 403, 403, 403, 200, 200, 200, 403, 403, 200),
            kwargs=pk_of(lambda g: g.other_group_sent),
        ),
    ),
    "a draft is the group's own, even from staff": (
        "grants:application-detail",
        Entry(
            (302, 403, 403, 200, 403, 403, 403, 403, 403, 403),
            kwargs=pk_of(lambda g: g.draft),
        ),
    ),
    "another group's draft": (
        "grants:application-edit",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.other_group_draft)),
    ),
    "checking another group's draft": (
        "grants:application-check",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.other_group_draft)),
    ),
    "taking back another group's application": (
        "grants:application-withdraw",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.other_group_sent)),
    ),
    "files of another group's draft": (
        "grants:application-uploads",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.other_group_draft)),
    ),
    "a file on a draft is the group's own": (
        "grants:upload-download",
        Entry(
            (302, 403, 403, 404, 403, 403, 403, 403, 403, 403),
            kwargs=pk_of(lambda g: g.draft_upload),
        ),
    ),
    "screening a draft": (
        "grants:application-screen",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.draft)),
    ),
    # --- end grants ---
    # --- panel (branch panel) ---
    "the panel of the other organisation's round": (
        "grants:panel",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_round)),
    ),
    "taking someone off the other organisation's panel": (
        "grants:panel-member-remove",
        Entry(STAFF_OF_OTHER_POST, kwargs=pk_of(lambda g: g.other_member)),
    ),
    "choosing the chair of the other organisation's panel": (
        "grants:panel-chair",
        Entry(STAFF_OF_OTHER_POST, kwargs=pk_of(lambda g: g.other_member)),
    ),
    "applications to read in a round whose panel you are not on": (
        "grants:to-read",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.not_my_round)),
    ),
    "declaring on another round's application": (
        "grants:declare",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.not_my_round_eligible)),
    ),
    "declaring on a sent application of a round still open": (
        "grants:declare",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.sent)),
    ),
    # --- end panel ---
    # --- scoring ---
    "scoring an application whose group you know": (
        "grants:score",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.conflicted)),
    ),
    "scoring another round's application": (
        "grants:score",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.not_my_round_eligible)),
    ),
    "scoring a sent application of a round still open": (
        "grants:score",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.sent)),
    ),
    "who has finished scoring in the other organisation's round": (
        "grants:scoring-progress",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_round)),
    ),
    "the score review at the decision step: the panel and staff": (
        "grants:review",
        Entry(PANEL_AND_STAFF, kwargs=pk_of(lambda g: g.deciding_round)),
    ),
    "the score review of a round still open": (
        "grants:review",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.open_round)),
    ),
    "an application going to the panel, read by its panel": (
        "grants:application-detail",
        Entry(
            (302, 200, 403, 200, 200, 200, 200, 403, 403, 200),
            kwargs=pk_of(lambda g: g.eligible),
        ),
    ),
    # --- end scoring ---
    # --- deciding ---
    "voting on an application whose group you know": (
        "grants:vote-set",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.meeting_conflicted)),
    ),
    "voting in a round whose meeting hasn't opened": (
        "grants:vote-set",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.not_my_round_eligible)),
    ),
    "the other organisation's decision meeting": (
        "grants:meeting",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_meeting_round)),
    ),
    "leading the other organisation's meeting": (
        "grants:meeting-propose",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.other_meeting_round)),
    ),
    "changing how the panel decides once the meeting is open": (
        "grants:decision-rules",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.meeting_round)),
    ),
    "opening a meeting already open": (
        "grants:meeting-open",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.meeting_round)),
    ),
    "the meeting of a round still open": (
        "grants:meeting",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.open_round)),
    ),
    # --- end deciding ---
    # --- reports (branch yb-reports) ---
    "another group's report": (
        "grants:report-detail",
        Entry(
            (302, 200, 403, 403, 200, 200, 200, 403, 403, 200),
            kwargs=pk_of(lambda g: g.other_group_report),
        ),
    ),
    "writing another group's report": (
        "grants:report-write",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.other_group_award)),
    ),
    "a report for an award that isn't final and has no money": (
        "grants:report-write",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.award)),
    ),
    "a draft report is the group's own, even from the panel and staff": (
        "grants:report-detail",
        Entry(GROUP_ONLY, kwargs=pk_of(lambda g: g.draft_report)),
    ),
    "a draft report's photo is the group's own": (
        "grants:report-file",
        Entry(
            (302, 403, 403, 404, 403, 403, 403, 403, 403, 403),
            kwargs=pk_of(lambda g: g.draft_report_file),
        ),
    ),
    "adding files to a sent report": (
        "grants:report-files",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.sent_report)),
    ),
    "taking a file off a sent report": (
        "grants:report-file-remove",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.sent_report_file)),
    ),
    "marking a draft report read": (
        "grants:report-acknowledge",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.draft_report)),
    ),
    "the other organisation's report": (
        "grants:report-detail",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_org_report)),
    ),
    "a photo in the other organisation's report": (
        "grants:report-file",
        Entry(
            (302, 403, 403, 403, 403, 403, 404, 404, 403, 404),
            kwargs=pk_of(lambda g: g.other_org_report_file),
        ),
    ),
    "the other organisation's round reports": (
        "grants:round-reports",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_org_reports_round)),
    ),
    "reports of a round whose decision isn't final": (
        "grants:round-reports",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.meeting_round)),
    ),
    # --- end reports ---
    # --- money (branch yb-money) ---
    # Pressing "Accept" again on an accepted award goes back to the application.
    "accepting an award already accepted": (
        "grants:award-accept",
        Entry(
            (302, 403, 403, 302, 403, 403, 403, 403, 403, 403),
            kwargs=pk_of(lambda g: g.money_accepted),
        ),
    ),
    "accepting an award after its last day": (
        "grants:award-accept",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.money_overdue)),
    ),
    "giving back an award with money paid": (
        "grants:award-withdraw",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.money_paid)),
    ),
    "accepting an award of another group": (
        "grants:award-accept",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.other_money_award)),
    ),
    "lapsing an award with time left to accept": (
        "grants:award-lapse",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.money_offered)),
    ),
    "payments of the other organisation's award": (
        "grants:award-payments",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_money_award)),
    ),
    "cancelling the other organisation's payment": (
        "grants:payment-cancel",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_payment)),
    ),
    "lapsing the other organisation's award": (
        "grants:award-lapse",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.other_money_award)),
    ),
    "the other organisation's money": (
        "grants:money",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_money_round)),
    ),
    "moving the other organisation's money": (
        "grants:pot-transfer",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_money_round)),
    ),
    "finance CSV of the other organisation": (
        "grants:finance-csv",
        Entry(
            STAFF_OF_OTHER,
            kwargs=lambda world: {"pk": world.grants.other_money_round.pk, "table": "payments"},
        ),
    ),
    "finance XLSX of the other organisation": (
        "grants:finance-xlsx",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_money_round)),
    ),
    "re-offering the other organisation's pot": (
        "grants:reoffer",
        Entry(
            STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_money_round.pots.order_by("pk").first())
        ),
    ),
    "a finance table that doesn't exist": (
        "grants:finance-csv",
        Entry(
            (302, 403, 403, 403, 404, 404, 404, 403, 403, 404),
            kwargs=lambda world: {"pk": world.grants.money_round.pk, "table": "people"},
        ),
    ),
    "the money of a round still deciding": (
        "grants:money",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.meeting_round)),
    ),
    "re-offering in a round still deciding": (
        "grants:reoffer",
        Entry(NOBODY, kwargs=pk_of(lambda g: g.meeting_round.pots.order_by("pk").first())),
    ),
    # --- end money ---
    # --- live workshops (branch live) ---
    "live sessions of the other organisation": (
        "live:sessions",
        Entry(STAFF_OF_OTHER, kwargs=other_org),
    ),
    "console of the other organisation's session": (
        "live:console",
        Entry(STAFF_OF_OTHER, kwargs=live_other_session),
    ),
    "big screen of the other organisation's session": (
        "live:present",
        Entry(STAFF_OF_OTHER, kwargs=live_other_session),
    ),
    "running the other organisation's session": (
        "live:control",
        Entry(
            (302, 403, 403, 403, 403, 403, 302, 302, 403, 302),
            kwargs=live_other_session,
            data={"action": "start"},
        ),
    ),
    "moving another session's activity": (
        "live:activity-move",
        Entry((302, 403, 403, 403, 404, 404, 404, 403, 403, 404), kwargs=live_activity_swapped),
    ),
    "approving an answer through another organisation's session": (
        "live:answer-review",
        Entry((302, 403, 403, 403, 403, 403, 404, 404, 403, 404), kwargs=live_answer_swapped),
    ),
    "taking a phone out through another organisation's session": (
        "live:participant-remove",
        Entry((302, 403, 403, 403, 403, 403, 404, 404, 403, 404), kwargs=live_participant_swapped),
    ),
    # --- end live workshops ---
    # --- live exports (branch liveexports) ---
    "CSV results of the other organisation's session": (
        "live:results-csv",
        Entry(STAFF_OF_OTHER, kwargs=live_other_session),
    ),
    "XLSX results of the other organisation's session": (
        "live:results-xlsx",
        Entry(STAFF_OF_OTHER, kwargs=live_other_session),
    ),
    # --- end live exports ---
    # --- letters and where the money went (branch yb-letters) ---
    "another group's letter": (
        "grants:letter",
        Entry(
            (302, 403, 403, 403, 200, 200, 200, 403, 403, 200),
            kwargs=pk_of(lambda g: g.other_group_letter_award),
        ),
    ),
    "downloading another group's letter": (
        "grants:letter-download",
        Entry(
            (302, 403, 403, 403, 404, 404, 404, 403, 403, 404),
            kwargs=pk_of(lambda g: g.other_group_letter_award),
        ),
    ),
    "a letter before the decision is final": (
        "grants:letter",
        Entry((302, 403, 403, 403, 403, 403, 403, 403, 403, 403), kwargs=pk_of(lambda g: g.award)),
    ),
    "letters of the other organisation's round": (
        "grants:round-letters",
        Entry(STAFF_OF_OTHER, kwargs=pk_of(lambda g: g.other_round)),
    ),
    "sending the other organisation's letters": (
        "grants:round-letters-send",
        Entry(
            (302, 403, 403, 403, 403, 403, 403, 403, 403, 403),
            kwargs=pk_of(lambda g: g.other_round),
            method="post",
        ),
    ),
    "a round being set up has no public money page": (
        "grants:round-money",
        Entry(
            (403, 403, 403, 403, 200, 200, 200, 403, 403, 200),
            kwargs=pk_of(lambda g: g.draft_round),
        ),
    ),
    "a round being set up has no open data": (
        "grants:round-360giving-json",
        Entry(
            (403, 403, 403, 403, 404, 404, 404, 403, 403, 404),
            kwargs=pk_of(lambda g: g.draft_round),
        ),
    ),
    # The money world gives the other organisation final awards too: its open data is public.
    "the other organisation's open data, public like ours": (
        "grants:organisation-360giving-csv",
        Entry(EVERYONE_200, kwargs=other_org),
    ),
    # --- end letters ---
    # --- live cards (branch live-cards) ---
    "settings of the other organisation's session": (
        "live:session-settings",
        Entry(STAFF_OF_OTHER_POST, kwargs=live_other_session),
    ),
    "the speaking queue of the other organisation's session": (
        "live:queue",
        Entry(STAFF_OF_OTHER_POST, kwargs=live_other_session),
    ),
    "putting down cards in the other organisation's session": (
        "live:cards-down",
        Entry(STAFF_OF_OTHER_POST, kwargs=live_other_session),
    ),
    "moving a hand through another organisation's session": (
        "live:queue-card",
        Entry((302, 403, 403, 403, 403, 403, 404, 404, 403, 404), kwargs=live_card_swapped),
    ),
    # --- end live cards ---
    # --- glossary, Bid for a Fiver and the record (branch meeting-tools) ---
    "the other organisation's glossary": (
        "live:glossary",
        Entry(STAFF_OF_OTHER, kwargs=other_org),
    ),
    "adding to the other organisation's glossary": (
        "live:glossary-add",
        Entry(STAFF_OF_OTHER_POST, kwargs=other_org),
    ),
    "the other organisation's word through this one's glossary": (
        "live:glossary-word",
        Entry((302, 403, 403, 403, 404, 404, 404, 403, 403, 404), kwargs=glossary_word_swapped),
    ),
    "the other organisation's public glossary": (
        "live:glossary-public",
        Entry(EVERYONE_200, kwargs=other_org),
    ),
    "meanings from the other organisation's console": (
        "live:session-glossary",
        Entry(STAFF_OF_OTHER_POST, kwargs=live_other_session),
    ),
    "the other organisation's Bid for a Fiver": (
        "live:fiver",
        Entry(STAFF_OF_OTHER_POST, kwargs=live_other_fiver),
    ),
    "the other organisation's Bid for a Fiver's budget": (
        "live:fiver-settings",
        Entry(STAFF_OF_OTHER_POST, kwargs=live_other_fiver),
    ),
    "teams in the other organisation's Bid for a Fiver": (
        "live:team-add",
        Entry(STAFF_OF_OTHER_POST, kwargs=live_other_fiver),
    ),
    "sharing out the other organisation's phones": (
        "live:teams-fill",
        Entry(STAFF_OF_OTHER_POST, kwargs=live_other_fiver),
    ),
    "a phone put in a team through another organisation's session": (
        "live:participant-team",
        Entry((302, 403, 403, 403, 403, 403, 404, 404, 403, 404), kwargs=live_fiver_phone_swapped),
    ),
    "a budget for a session that isn't a Bid for a Fiver": (
        "live:fiver-settings",
        Entry((302, 403, 403, 403, 404, 404, 404, 403, 403, 404), kwargs=live_session),
    ),
    "the record of the other organisation's session": (
        "live:record-csv",
        Entry(STAFF_OF_OTHER, kwargs=live_other_fiver),
    ),
    "the PDF record of the other organisation's session": (
        "live:record-pdf",
        Entry(STAFF_OF_OTHER, kwargs=live_other_fiver),
    ),
    # --- end meeting-tools ---
    # --- stories (branch stories) ---
    "a waiting event is only for the network's staff": (
        "stories:event-detail",
        Entry(
            (403, 403, 403, 403, 200, 200, 200, 403, 403, 200),
            kwargs=stories_pk(lambda s: s.waiting_event),
        ),
    ),
    "a waiting story is only for the network's staff": (
        "stories:story-detail",
        Entry(
            (403, 403, 403, 403, 200, 200, 200, 403, 403, 200),
            kwargs=stories_pk(lambda s: s.waiting_story),
        ),
    ),
    "a waiting event has no calendar file": (
        "stories:event-ics",
        Entry((404,) * len(ROLES), kwargs=stories_pk(lambda s: s.waiting_event)),
    ),
    "a draft episode: only a site administrator sees it": (
        "stories:episode-detail",
        Entry(
            (404, 404, 404, 404, 404, 404, 200, 404, 404, 404),
            kwargs=episode_slug(lambda s: s.draft_episode),
        ),
    ),
    "a draft episode has no JSON, whoever asks": (
        "stories:episode-json",
        Entry((404,) * len(ROLES), kwargs=episode_slug(lambda s: s.draft_episode)),
    ),
    # Only its staff may add an event to a week that is over, to keep the record.
    "a past week takes events only from its staff": (
        "stories:event-submit",
        Entry(
            (403, 403, 403, 403, 200, 200, 200, 403, 403, 200),
            kwargs=week_of(lambda s: s.past_week),
        ),
    ),
    "a past week still takes stories": (
        "stories:story-submit",
        Entry(EVERYONE_200, kwargs=week_of(lambda s: s.past_week)),
    ),
    "weeks of the other organisation": (
        "stories:weeks",
        Entry(STAFF_OF_OTHER, kwargs=other_org),
    ),
    "checking the other organisation's week": (
        "stories:moderation",
        Entry(STAFF_OF_OTHER, kwargs=week_of(lambda s: s.other_week)),
    ),
    "changing the other organisation's week": (
        "stories:week-edit",
        Entry(STAFF_OF_OTHER, kwargs=week_of(lambda s: s.other_week)),
    ),
    "approving the other organisation's event": (
        "stories:event-approve",
        Entry(STAFF_OF_OTHER_POST, kwargs=stories_pk(lambda s: s.other_event)),
    ),
    "changing the other organisation's event": (
        "stories:event-edit",
        Entry(STAFF_OF_OTHER, kwargs=stories_pk(lambda s: s.other_event)),
    ),
    "declining the other organisation's story": (
        "stories:story-decline",
        Entry(STAFF_OF_OTHER, kwargs=stories_pk(lambda s: s.other_story)),
    ),
    "deleting the other organisation's story": (
        "stories:story-delete",
        Entry(STAFF_OF_OTHER_POST, kwargs=stories_pk(lambda s: s.other_story)),
    ),
    "a week that doesn't exist": (
        "stories:week-detail",
        Entry(
            (404,) * len(ROLES),
            kwargs=lambda world: {"slug": world.organisation.slug, "year": 1999},
        ),
    ),
    # --- end stories ---
}

# The admin site is for site administrators (superusers) only: organisation staff
# are not `is_staff`. Every admin URL sends everyone else to the admin log-in page;
# a superuser gets the page, or 403 where the ModelAdmin forbids that view (such as
# adding to the append-only audit log).
ADMIN_PREFIX = "admin/"


@dataclass(frozen=True)
class Pattern:
    key: str  # the URL's name, or its route when it has none
    name: str | None
    route: str


def walk(patterns: Iterable, prefix: str = "", namespace: str | None = None) -> Iterator[Pattern]:
    """Yield every URL pattern under `patterns`, with its full route and namespaced name."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
            route = prefix + str(entry.pattern)
            yield Pattern(key=name or route, name=name, route=route)


def unaccounted(patterns: Iterable[Pattern], expected: dict) -> list[str]:
    """Return the URL patterns that have no entry and no rule: each one needs a decision."""
    return [
        pattern.key
        for pattern in patterns
        if pattern.key not in expected and not pattern.route.startswith(ADMIN_PREFIX)
    ]


def stale(patterns: Iterable[Pattern], expected: dict) -> list[str]:
    """Return entries for URLs that no longer exist."""
    keys = {pattern.key for pattern in patterns}
    return sorted(set(expected) - keys)


ALL_PATTERNS = list(walk(get_resolver().url_patterns))


def test_every_url_has_an_entry():
    assert unaccounted(ALL_PATTERNS, EXPECTED) == []
    assert stale(ALL_PATTERNS, EXPECTED) == []


def _view(request):  # pragma: no cover - never called, only routed
    raise AssertionError


def test_a_new_url_without_an_entry_is_reported():
    patterns = [
        path("", _view, name="home"),
        path("grants/", include(([path("rounds/", _view, name="rounds")], "grants"))),
        path("admin/new/", _view, name="new-admin-page"),
    ]
    found = list(walk(patterns))
    assert [p.key for p in found] == ["home", "grants:rounds", "new-admin-page"]
    assert unaccounted(found, {"home": Entry(EVERYONE_200)}) == ["grants:rounds"]
    assert unaccounted(found, {"home": None, "grants:rounds": None}) == []
    assert stale(found, {"home": None, "grants:rounds": None, "gone": None}) == ["gone"]


def test_the_walk_finds_nested_and_namespaced_urls():
    keys = {pattern.key for pattern in ALL_PATTERNS}
    assert {"core:home", "accounts:people", "admin:index"} <= keys
    assert "admin/(?P<url>.*)$" in keys


def _status(client: Client, method: str, url: str, data: dict) -> int:
    response = client.post(url, data) if method == "post" else client.get(url)
    return response.status_code


def _statuses_by_role(world: World, method: str, url: str, data: dict | None = None) -> dict:
    """Return the status each role gets, undoing any change each request makes."""
    got = {}
    for role in ROLES:
        client = Client()
        with transaction.atomic():
            user = world.users[role]
            if user is not None:
                client.force_login(user)
            got[role] = _status(client, method, url, data or {})
            transaction.set_rollback(True)
    return got


SITE_PATTERNS = [p for p in ALL_PATTERNS if not p.route.startswith(ADMIN_PREFIX)]
ADMIN_PATTERNS = [p for p in ALL_PATTERNS if p.route.startswith(ADMIN_PREFIX)]


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", SITE_PATTERNS, ids=lambda p: p.key)
def test_site_url_status_by_role(pattern, walk_world):
    entry = EXPECTED.get(pattern.key)
    if entry is None:
        pytest.fail(f"{pattern.key} has no entry in EXPECTED")
    world = walk_world
    url = reverse(pattern.name, kwargs=entry.kwargs(world))
    got = _statuses_by_role(world, entry.method, url, entry.data)
    assert got == dict(zip(ROLES, entry.statuses, strict=True))
    if entry.method == "post":
        # Pages that change things must never do it on a plain visit.
        assert set(_statuses_by_role(world, "get", url).values()) == {405}


@pytest.mark.django_db
@pytest.mark.parametrize("case", OBJECT_CASES, ids=str)
def test_object_level_status_by_role(case, walk_world):
    name, entry = OBJECT_CASES[case]
    method = EXPECTED[name].method
    world = walk_world
    url = reverse(name, kwargs=entry.kwargs(world))
    got = _statuses_by_role(world, method, url, entry.data or EXPECTED[name].data)
    assert got == dict(zip(ROLES, entry.statuses, strict=True))


def test_object_cases_name_real_urls():
    assert {name for name, _entry in OBJECT_CASES.values()} <= set(EXPECTED)


ADMIN_VIEWS = ("changelist", "add", "history", "delete", "change")


def _admin_model_view(pattern: Pattern):
    """Return (model, model admin, view) for a model's admin URL, or None."""
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        for view in ADMIN_VIEWS:
            if pattern.name == f"admin:{opts.app_label}_{opts.model_name}_{view}":
                return model, model_admin, view
        if pattern.name is None and pattern.route == (
            f"{ADMIN_PREFIX}{opts.app_label}/{opts.model_name}/<path:object_id>/"
        ):
            return model, model_admin, "redirect-to-change"
    return None


def _superuser_may(model_admin, view: str, superuser: User, obj) -> bool:
    request = RequestFactory().get("/")
    request.user = superuser
    if view == "add":
        return model_admin.has_add_permission(request)
    if view == "delete":
        return model_admin.has_delete_permission(request, obj)
    if view in {"change", "history"}:
        return model_admin.has_view_or_change_permission(request, obj)
    return model_admin.has_view_or_change_permission(request)


def _superuser_sees(model_admin, superuser: User, obj) -> bool:
    request = RequestFactory().get("/")
    request.user = superuser
    return model_admin.get_queryset(request).filter(pk=obj.pk).exists()


def admin_case(pattern: Pattern, world: World) -> tuple[str, int, int]:
    """Return the URL to visit, the status for a logged-in non-superuser and for a superuser."""
    superuser = world.users["superuser"]
    found = _admin_model_view(pattern)
    if found is not None:
        model, model_admin, view = found
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"world_make() needs a {model.__name__} row for {pattern.key}"
        if view in {"changelist", "add"}:
            url = reverse(pattern.name)
        elif view == "redirect-to-change":
            url = f"/{ADMIN_PREFIX}{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/"
            return url, 302, 302
        else:
            url = reverse(pattern.name, kwargs={"object_id": obj.pk})
        if not _superuser_may(model_admin, view, superuser, obj):
            return url, 302, 403
        if view in {"change", "history"} and not _superuser_sees(model_admin, superuser, obj):
            # Hidden from the superuser too (scores follow the conflict rule): "not found".
            return url, 302, 302
        return url, 302, 200
    special = {
        # name or route: (url maker, logged-in non-superuser status, superuser status)
        "admin:index": (lambda: reverse("admin:index"), 302, 200),
        # The admin log-in page tells a logged-in non-superuser they can't use the admin.
        "admin:login": (lambda: reverse("admin:login"), 200, 302),
        "admin:logout": (lambda: reverse("admin:logout"), 302, 405),  # log-out is POST only
        "admin:password_change": (lambda: reverse("admin:password_change"), 302, 200),
        "admin:password_change_done": (lambda: reverse("admin:password_change_done"), 302, 200),
        # Without the search fields it needs, autocomplete refuses.
        "admin:autocomplete": (lambda: reverse("admin:autocomplete"), 302, 403),
        "admin:jsi18n": (lambda: reverse("admin:jsi18n"), 302, 200),
        # Organisations have no public page to jump to.
        "admin:view_on_site": (
            lambda: reverse(
                "admin:view_on_site",
                args=[ContentType.objects.get_for_model(Organisation).pk, world.organisation.pk],
            ),
            302,
            404,
        ),
        "admin:app_list": (lambda: reverse("admin:app_list", args=["accounts"]), 302, 200),
        "admin:auth_user_password_change": (
            lambda: reverse("admin:auth_user_password_change", args=[world.target.user_id]),
            302,
            200,
        ),
        "admin/(?P<url>.*)$": (lambda: f"/{ADMIN_PREFIX}no-such-page/", 302, 404),
    }
    if pattern.key not in special:
        pytest.fail(f"{pattern.key}: the admin rule doesn't know this URL; add it to `special`")
    make_url, non_superuser, for_superuser = special[pattern.key]
    return make_url(), non_superuser, for_superuser


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", ADMIN_PATTERNS, ids=lambda p: p.key)
def test_admin_url_status_by_role(pattern, walk_world):
    world = walk_world
    url, non_superuser, for_superuser = admin_case(pattern, world)
    got = _statuses_by_role(world, "get", url)
    anonymous = 200 if pattern.key == "admin:login" else 302
    expected = {role: non_superuser for role in ROLES}
    expected["anonymous"] = anonymous
    expected["superuser"] = for_superuser
    assert got == expected
