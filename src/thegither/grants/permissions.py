"""Who may do what with funds, rounds and applications.

Each function returns a `Decision` with a reason in plain words. Views call
`require(...)`, services check the same decision, and templates are handed the
decisions, so every page follows one rule.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from thegither.accounts.models import STAFF_ROLES, Organisation, Role, User
from thegither.accounts.permissions import can_take_part, role_in
from thegither.core.permissions import Decision, allow, deny
from thegither.grants.models import (
    Application,
    ApplicationStatus,
    Assessment,
    Award,
    AwardStatus,
    ConflictDeclaration,
    DecisionMeeting,
    DecisionMethod,
    MeetingStatus,
    PanelMember,
    Payment,
    Pot,
    Report,
    ReportStatus,
    Round,
    RoundPhase,
)

# The steps in which a group may still take its application back.
WITHDRAW_PHASES = frozenset({RoundPhase.OPEN, RoundPhase.SCREENING, RoundPhase.ASSESSMENT})
WITHDRAW_STATUSES = frozenset(
    {ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE}
)
SCREEN_PHASES = frozenset({RoundPhase.OPEN, RoundPhase.SCREENING})
SCREEN_STATUSES = frozenset(
    {ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.NOT_ELIGIBLE}
)


def _staff_decision(user: User, organisation: Organisation, my_role: str | None) -> Decision:
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if user.is_superuser or my_role in STAFF_ROLES:
        return allow()
    return deny(
        _("Only staff and youth workers in %(organisation)s can do this.")
        % {"organisation": organisation.name}
    )


def can_manage_grants(user: User, organisation: Organisation) -> Decision:
    """Decide whether the person may set up the organisation's funds and rounds."""
    return _staff_decision(user, organisation, role_in(user, organisation))


def can_manage_round(user: User, round: Round) -> Decision:
    """Decide whether the person may set up this round and move it on to its next step."""
    return can_manage_grants(user, round.organisation)


def can_draft_criteria(user: User, round: Round) -> Decision:
    """Decide whether the person may write the round's criteria and questions.

    Young panel members write them with staff, so they may too, if they can take part.
    """
    my_role = role_in(user, round.organisation)
    if my_role == Role.PANEL_MEMBER:
        return can_take_part(user)
    return _staff_decision(user, round.organisation, my_role)


def _while_being_set_up(decision: Decision, round: Round) -> Decision:
    if decision and round.phase != RoundPhase.DRAFT:
        return deny(
            _("The round is open now, so this can't change: groups are already applying by it.")
        )
    return decision


def can_change_round(user: User, round: Round) -> Decision:
    """Decide whether the person may change the round's words, dates and pots now."""
    return _while_being_set_up(can_manage_round(user, round), round)


def can_change_criteria(user: User, round: Round) -> Decision:
    """Decide whether the person may add or take out criteria and questions now."""
    return _while_being_set_up(can_draft_criteria(user, round), round)


def can_see_round(user: User, round: Round) -> Decision:
    """Decide whether the person may see the round's public page.

    Everyone may, once the round is no longer being set up.
    """
    if round.phase != RoundPhase.DRAFT:
        return allow()
    if can_manage_round(user, round):
        return allow()
    return deny(_("This round isn't open yet."))


def can_apply(user: User, round: Round) -> Decision:
    """Decide whether the person may start an application to the round for their group."""
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if role_in(user, round.organisation) != Role.APPLICANT_CONTACT:
        return deny(
            _(
                "Only group contacts can apply. Ask %(organisation)s to invite you as "
                "your group's contact."
            )
            % {"organisation": round.organisation.name}
        )
    if round.phase != RoundPhase.OPEN:
        return deny(_("This round isn't open for applications."))
    return allow()


def can_see_application(user: User, application: Application) -> Decision:
    """Decide whether the person may read the application.

    The group's contact always may. Staff may once it is sent: a draft is the group's own.
    The round's panel members may read the ones going to the panel (they score them).
    """
    decision = _see_decision(user, application, role_in(user, application.round.organisation))
    if (
        not decision
        and user.is_authenticated
        and application.status == ApplicationStatus.ELIGIBLE
        and panel_membership(user, application.round) is not None
    ):
        return can_take_part(user)
    return decision


def _see_decision(user: User, application: Application, my_role: str | None) -> Decision:
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if application.contact_id == user.pk:
        return allow()
    staff = _staff_decision(user, application.round.organisation, my_role)
    if not staff:
        return deny(_("Only the group that wrote this application and staff can see it."))
    # A draft stays the group's own even if they take it back without sending it.
    if application.submitted_at is None:
        return deny(_("The group hasn't sent this application yet."))
    return allow()


def can_edit_application(user: User, application: Application) -> Decision:
    """Decide whether the person may change the application (and send it)."""
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if application.contact_id != user.pk:
        return deny(_("Only your group's contact can change this application."))
    if application.status != ApplicationStatus.DRAFT:
        return deny(_("This application has been sent, so it can't be changed."))
    if application.round.phase != RoundPhase.OPEN:
        return deny(_("This round has closed, so the application can't be changed or sent."))
    return allow()


def can_withdraw(user: User, application: Application) -> Decision:
    """Decide whether the person may take the application back."""
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if application.contact_id != user.pk:
        return deny(_("Only your group's contact can take this application back."))
    if application.status not in WITHDRAW_STATUSES:
        return deny(_("This application can't be taken back now."))
    if application.round.phase not in WITHDRAW_PHASES:
        return deny(_("The panel has started deciding, so it's too late to take it back."))
    return allow()


def can_screen(user: User, application: Application) -> Decision:
    """Decide whether the person may say if a sent application can go to the panel."""
    return _screen_decision(user, application, role_in(user, application.round.organisation))


def _screen_decision(user: User, application: Application, my_role: str | None) -> Decision:
    staff = _staff_decision(user, application.round.organisation, my_role)
    if not staff:
        return staff
    if application.status not in SCREEN_STATUSES:
        return deny(_("Only sent applications can be checked."))
    if application.round.phase not in SCREEN_PHASES:
        return deny(_("Checking is finished for this round."))
    return allow()


def screening_decisions(
    user: User, round: Round, applications: list[Application]
) -> dict[int, Decision]:
    """Decide `can_screen` for every application on the screening page, in one query."""
    my_role = role_in(user, round.organisation)
    return {a.pk: _screen_decision(user, a, my_role) for a in applications}


# Applications a panel member reads and declares on: sent ones, and those going to the panel.
DECLARE_STATUSES = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE})
DECLARE_PHASES = frozenset({RoundPhase.SCREENING, RoundPhase.ASSESSMENT, RoundPhase.DECISION})
# From this step on, staff see scores too: they run the decision meeting.
STAFF_SEE_SCORES_PHASES = frozenset(
    {RoundPhase.DECISION, RoundPhase.AWARDS, RoundPhase.FOLLOW_UP, RoundPhase.CLOSED}
)


def can_manage_panel(user: User, round: Round) -> Decision:
    """Decide whether the person may choose the round's panel members and its chair."""
    return can_manage_round(user, round)


def can_join_panel(person: User, round: Round) -> Decision:
    """Decide whether this person may be put on the round's panel.

    Only young panel members of the round's organisation, who can take part.
    """
    if role_in(person, round.organisation) != Role.PANEL_MEMBER:
        return deny(
            _("Only young panel members in %(organisation)s can be on the panel.")
            % {"organisation": round.organisation.name}
        )
    return can_take_part(person)


def panel_membership(user: User, round: Round) -> PanelMember | None:
    """Return the person's place on the round's panel, or None."""
    if not user.is_authenticated:
        return None
    return PanelMember.objects.filter(round=round, user=user).first()


def can_read_as_panel(user: User, round: Round) -> Decision:
    """Decide whether the person may see the round's "Applications to read" list."""
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if panel_membership(user, round) is None:
        return deny(_("Only this round's panel members can read its applications."))
    return can_take_part(user)


def can_declare(user: User, application: Application) -> Decision:
    """Decide whether the person may say if they know the group behind this application."""
    decision = can_read_as_panel(user, application.round)
    if not decision:
        return decision
    if application.status not in DECLARE_STATUSES:
        return deny(_("This application isn't going to the panel."))
    if application.round.phase not in DECLARE_PHASES:
        return deny(_("The panel isn't reading applications in this round now."))
    return allow()


@dataclass(frozen=True)
class PanelViewer:
    """What the conflict rule needs to know about one person in one round.

    Loaded once (a few queries whatever the number of applications), so a page of
    500 applications asks the same rule as a page of one.
    """

    user: User
    round: Round
    member: PanelMember | None
    staff: bool
    taking_part: Decision
    declarations: dict[int, bool]  # application id -> knows the group
    finished: frozenset[int]  # applications this member has finished scoring


def panel_viewer(user: User, round: Round, application_ids=None) -> PanelViewer:
    """Load what the conflict rule needs about this person (for these applications, or all)."""
    member = panel_membership(user, round)
    declarations: dict[int, bool] = {}
    finished: frozenset[int] = frozenset()
    if member is not None:
        said = ConflictDeclaration.objects.filter(panel_member=member)
        done = Assessment.objects.filter(panel_member=member, finished_at__isnull=False)
        if application_ids is not None:
            said = said.filter(application_id__in=application_ids)
            done = done.filter(application_id__in=application_ids)
        declarations = dict(said.values_list("application_id", "has_conflict"))
        finished = frozenset(done.values_list("application_id", flat=True))
    return PanelViewer(
        user=user,
        round=round,
        member=member,
        staff=bool(member is None and user.is_authenticated and can_manage_round(user, round)),
        taking_part=can_take_part(user) if member is not None else deny(""),
        declarations=declarations,
        finished=finished,
    )


def _panel_rule(viewer: PanelViewer, application: Application) -> Decision:
    """The conflict rule: every path to scores, comments and votes goes through this."""
    if not viewer.user.is_authenticated:
        return deny(_("Please log in first."))
    if viewer.member is None:
        if viewer.staff:
            return deny(_("Staff help the panel but don't score: the young people decide."))
        return deny(_("Only this round's panel members can do this."))
    if not viewer.taking_part:
        return viewer.taking_part
    if application.round_id != viewer.round.pk or application.status != ApplicationStatus.ELIGIBLE:
        return deny(_("This application isn't going to the panel."))
    knows_group = viewer.declarations.get(application.pk)
    if knows_group is None:
        return deny(_("First say whether you know this group."))
    if knows_group:
        return deny(_("You said you know this group, so you step out for this one."))
    return allow()


def _score_rule(viewer: PanelViewer, application: Application) -> Decision:
    decision = _panel_rule(viewer, application)
    if decision and viewer.round.phase != RoundPhase.ASSESSMENT:
        return deny(_("Scoring is closed: it happens while the panel is reading and scoring."))
    return decision


def _see_scores_rule(viewer: PanelViewer, application: Application) -> Decision:
    if viewer.staff and viewer.round.phase in STAFF_SEE_SCORES_PHASES:
        return allow()
    decision = _panel_rule(viewer, application)
    if decision and application.pk not in viewer.finished:
        return deny(_("Score it yourself first. Then you can see what the others gave."))
    return decision


def can_score(user: User, application: Application) -> Decision:
    """Decide whether the person may score this application.

    Panel members only, once they have said they don't know the group, while the
    round is at its scoring step; never staff.
    """
    return _score_rule(panel_viewer(user, application.round, [application.pk]), application)


def can_see_scores(user: User, application: Application) -> Decision:
    """Decide whether the person may see others' scores, comments and notes on this application.

    A panel member who knows the group never may; a member who doesn't may once
    they have finished scoring it themselves. Staff may from the decision step on,
    to run the meeting.
    """
    return _see_scores_rule(panel_viewer(user, application.round, [application.pk]), application)


def scores_decisions(
    user: User, round: Round, applications: list[Application]
) -> dict[int, Decision]:
    """Decide `can_see_scores` for every application on a page, in a few queries."""
    viewer = panel_viewer(user, round)
    return {a.pk: _see_scores_rule(viewer, a) for a in applications}


def score_decisions(
    user: User, round: Round, applications: list[Application]
) -> dict[int, Decision]:
    """Decide `can_score` for every application on a page, in a few queries."""
    viewer = panel_viewer(user, round)
    return {a.pk: _score_rule(viewer, a) for a in applications}


def applications_with_visible_scores(user: User, applications) -> set[int]:
    """Return the ids of those applications whose scores the person may see (a few queries a round).

    The admin lists scores through this, so it follows the same conflict rule as the pages.
    """
    by_round: dict[int, list[Application]] = defaultdict(list)
    for application in applications:
        by_round[application.round_id].append(application)
    visible: set[int] = set()
    for in_round in by_round.values():
        decisions = scores_decisions(user, in_round[0].round, in_round)
        visible |= {pk for pk, decision in decisions.items() if decision}
    return visible


# Where the panel and staff read the score review table.
REVIEW_PHASES = frozenset({RoundPhase.ASSESSMENT}) | STAFF_SEE_SCORES_PHASES


def can_see_review(user: User, round: Round) -> Decision:
    """Decide whether the person may open the round's score review.

    Panel members may from the scoring step on (each row then follows `can_see_scores`);
    staff from the decision step on.
    """
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if round.phase not in REVIEW_PHASES:
        return deny(_("The score review opens when the panel starts scoring."))
    if panel_membership(user, round) is not None:
        return can_take_part(user)
    if not can_manage_round(user, round):
        return deny(_("Only this round's panel and staff can see the score review."))
    if round.phase not in STAFF_SEE_SCORES_PHASES:
        return deny(
            _("Staff see the scores from the decision step on. Until then, see who has finished.")
        )
    return allow()


def can_follow_scoring(user: User, round: Round) -> Decision:
    """Decide whether the person may see who on the panel has finished scoring (not the scores)."""
    return can_manage_round(user, round)


def can_remind_panel(user: User, round: Round) -> Decision:
    """Decide whether the person may email the panel members who haven't finished scoring."""
    decision = can_manage_round(user, round)
    if decision and round.phase != RoundPhase.ASSESSMENT:
        return deny(_("Reminders go out only while the panel is scoring."))
    return decision


# Deciding: the rules for how votes become money, the meeting, votes.

DECIDING_PHASES = frozenset({RoundPhase.DECISION})
# Where the meeting page can be read: from the deciding step on.
MEETING_PHASES = STAFF_SEE_SCORES_PHASES
RULES_PHASES = frozenset(
    {
        RoundPhase.DRAFT,
        RoundPhase.OPEN,
        RoundPhase.SCREENING,
        RoundPhase.ASSESSMENT,
        RoundPhase.DECISION,
    }
)


def meeting_of(round: Round) -> DecisionMeeting | None:
    """Return the round's decision meeting, or None if it hasn't opened."""
    return DecisionMeeting.objects.filter(round=round).first()


def can_set_decision_rules(user: User, round: Round) -> Decision:
    """Decide whether the person may choose how the round's votes become money.

    Staff may, until the chair opens the decision meeting: after that the rules stay as
    they were, so nobody changes them once they can see how it would turn out.
    """
    decision = can_manage_round(user, round)
    if not decision:
        return decision
    if round.phase not in RULES_PHASES or meeting_of(round) is not None:
        return deny(
            _("The decision meeting has opened, so how the panel decides can't change now.")
        )
    return allow()


def _chair_decision(user: User, round: Round) -> Decision:
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    member = panel_membership(user, round)
    if member is None:
        if can_manage_round(user, round):
            return deny(
                _("Staff help run the meeting, but the chair leads it: the young people decide.")
            )
        return deny(_("Only the panel's chair can do this."))
    if not member.is_chair:
        return deny(_("Only the panel's chair can do this."))
    return can_take_part(user)


def can_see_meeting(user: User, round: Round) -> Decision:
    """Decide whether the person may see the round's decision meeting page.

    The round's panel members and staff may, from the deciding step on.
    """
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if panel_membership(user, round) is not None:
        decision = can_take_part(user)
    else:
        decision = can_manage_round(user, round)
        if not decision:
            return deny(_("Only this round's panel and staff can see its decision meeting."))
    if decision and round.phase not in MEETING_PHASES:
        return deny(_("The decision meeting happens when the round reaches its deciding step."))
    return decision


def can_open_meeting(user: User, round: Round) -> Decision:
    """Decide whether the person may open the decision meeting: the chair, at the deciding step."""
    decision = _chair_decision(user, round)
    if not decision:
        return decision
    if round.phase not in DECIDING_PHASES:
        return deny(_("The meeting opens when the round reaches its deciding step."))
    if meeting_of(round) is not None:
        return deny(_("The meeting has already been opened."))
    return allow()


def can_run_meeting(user: User, meeting: DecisionMeeting) -> Decision:
    """Decide whether the person may lead the open meeting.

    Marking who is there, working out the allocation, changing awards, casting the
    deciding vote on a tie and confirming: the chair, while the meeting is open.
    """
    decision = _chair_decision(user, meeting.round)
    if not decision:
        return decision
    if not meeting.is_open:
        return deny(_("The decision is final, so it can't change now."))
    if meeting.round.phase not in DECIDING_PHASES:
        return deny(_("The round has moved on from its deciding step."))
    return allow()


@dataclass(frozen=True)
class VoteViewer:
    """What the vote rule needs about one person: the conflict rule's view and the meeting."""

    panel: PanelViewer
    meeting: DecisionMeeting | None
    present: bool


def vote_viewer(user: User, round: Round) -> VoteViewer:
    """Load what the vote rule needs about this person (a few queries, whatever the page)."""
    panel = panel_viewer(user, round)
    meeting = meeting_of(round)
    present = bool(
        meeting is not None
        and panel.member is not None
        and meeting.attendances.filter(panel_member=panel.member).exists()
    )
    return VoteViewer(panel=panel, meeting=meeting, present=present)


def _vote_rule(viewer: VoteViewer, application: Application) -> Decision:
    """Votes go through the conflict rule: staff never vote, a member who knows the group can't."""
    decision = _panel_rule(viewer.panel, application)
    if not decision:
        return decision
    meeting = viewer.meeting
    if meeting is None or not meeting.is_open:
        return deny(_("Voting happens while the decision meeting is on."))
    if meeting.round.phase not in DECIDING_PHASES:
        return deny(_("The round has moved on from its deciding step."))
    if meeting.method != DecisionMethod.APPROVAL:
        return deny(_("This round decides by the panel's scores, so there is no vote."))
    if not viewer.present:
        return deny(_("The chair hasn't marked you as here yet. Ask them to."))
    return allow()


def can_vote(user: User, application: Application) -> Decision:
    """Decide whether the person may vote for (or against) this application in the meeting.

    Panel members the chair marked as there, who said they don't know the group; never staff.
    """
    return _vote_rule(vote_viewer(user, application.round), application)


def vote_decisions(
    user: User, round: Round, applications: list[Application]
) -> dict[int, Decision]:
    """Decide `can_vote` for every application on the voting page, in a few queries."""
    viewer = vote_viewer(user, round)
    return {a.pk: _vote_rule(viewer, a) for a in applications}


# Reports after the grant: the group writes and sends; the panel and staff read and thank.


def is_funded(award: Award) -> bool:
    """Whether the award is final and gives the group money (so a report is due)."""
    return award.is_final and award.has_money


def _write_report_rule(user: User, award: Award, report: Report | None) -> Decision:
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if award.application.contact_id != user.pk:
        return deny(_("Only your group's contact can write this report."))
    if not is_funded(award):
        return deny(_("Only groups that got money send a report, once the decision is final."))
    if report is not None and not report.is_draft:
        return deny(_("You've sent this report, so it can't change now."))
    if award.application.round.phase == RoundPhase.CLOSED:
        return deny(_("This round is closed, so reports can't be written or sent now."))
    return allow()


def can_write_report(user: User, award: Award) -> Decision:
    """Decide whether the person may write their group's end-of-grant report for this award.

    The application's contact may, once the decision is final and gives them money,
    until they send it or the round closes.
    """
    report = Report.objects.filter(award=award).first()
    return _write_report_rule(user, award, report)


def can_edit_report(user: User, report: Report) -> Decision:
    """Decide whether the person may change the report, add or take off files, and send it."""
    return _write_report_rule(user, report.award, report)


def _reader_rule(user: User, round: Round) -> Decision:
    """The round's panel members (who can take part) and its organisation's staff."""
    if panel_membership(user, round) is not None:
        return can_take_part(user)
    if can_manage_round(user, round):
        return allow()
    return deny(_("Only this round's panel and staff can read its reports."))


def can_see_report(user: User, report: Report) -> Decision:
    """Decide whether the person may read the report, with its photos and receipts.

    The group's contact always may. The round's panel and staff may once it is sent:
    a draft is the group's own.
    """
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    application = report.award.application
    if application.contact_id == user.pk:
        return allow()
    decision = _reader_rule(user, application.round)
    if not decision:
        return deny(_("Only the group, this round's panel and staff can see this report."))
    if report.is_draft:
        return deny(_("The group hasn't sent this report yet."))
    return allow()


def can_acknowledge_report(user: User, report: Report) -> Decision:
    """Decide whether the person may say the panel has read the report (and thank the group)."""
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    decision = _reader_rule(user, report.award.application.round)
    if not decision:
        return decision
    if report.is_draft:
        return deny(_("The group hasn't sent this report yet."))
    if report.status == ReportStatus.ACKNOWLEDGED:
        return deny(_("This report has already been marked as read."))
    return allow()


def can_see_round_reports(user: User, round: Round) -> Decision:
    """Decide whether the person may see the list of the round's reports and when they are due.

    The round's panel and staff may, once the decision is final.
    """
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    decision = _reader_rule(user, round)
    if not decision:
        return decision
    meeting = meeting_of(round)
    if meeting is None or not meeting.is_final:
        return deny(_("Reports come in after the panel's decision is final."))
    return allow()


def can_set_report_due(user: User, round: Round) -> Decision:
    """Decide whether the person may change how long groups have to send their reports."""
    decision = can_manage_round(user, round)
    if decision and round.phase == RoundPhase.CLOSED:
        return deny(_("This round is closed, so its report dates can't change now."))
    return decision


# Letters: the group's award or decline letter, once the decision is final.


def can_see_letters(user: User, round: Round) -> Decision:
    """Decide whether the person may see the round's letters page: its organisation's staff."""
    return can_manage_round(user, round)


def can_send_letters(user: User, round: Round) -> Decision:
    """Decide whether the person may send the round's unsent letters again: staff."""
    decision = can_manage_round(user, round)
    if (
        decision
        and not DecisionMeeting.objects.filter(round=round, status=MeetingStatus.FINAL).exists()
    ):
        return deny(_("Letters go out once the panel's decision is final."))
    return decision


def can_download_letter(user: User, award: Award) -> Decision:
    """Decide whether the person may read this award's letter.

    The group's contact may, and the organisation's staff; nobody else (not other
    groups, not another organisation's staff, not the panel).
    """
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    application = award.application
    if application.contact_id == user.pk:
        decision = allow()
    else:
        decision = _staff_decision(
            user, application.round.organisation, role_in(user, application.round.organisation)
        )
        if not decision:
            return deny(_("Only the group this letter is for and staff can see it."))
    if not award.is_final:
        return deny(_("The letter is written once the panel's decision is final."))
    return decision


# Where the money went: public pages and 360Giving files.


def can_see_where_money_went(user: User, round: Round) -> Decision:
    """Decide whether the person may see the round's public money page and open data.

    Everyone may, once the round is no longer being set up (it lists final awards only).
    """
    return can_see_round(user, round)


# Money after the decision (decision 0058): accepting, paying, withdrawing, lapsing,
# re-offering and moving what is left. Staff only ever act on their own organisation's.

MONEY_STATUSES = frozenset({AwardStatus.AWARDED, AwardStatus.PARTIAL})


def _money_open(round: Round) -> Decision:
    """Money moves once the chair has confirmed the decision, and stops when the round closes."""
    meeting = meeting_of(round)
    if meeting is None or not meeting.is_final:
        return deny(_("This happens once the chair has confirmed the panel's decision."))
    if round.phase == RoundPhase.CLOSED:
        return deny(_("This round is closed, so its money can't change now."))
    return allow()


def can_see_money(user: User, round: Round) -> Decision:
    """Decide whether the person may see the round's money page and its finance exports.

    Staff of the round's organisation, once the decision is final.
    """
    decision = can_manage_round(user, round)
    if not decision:
        return decision
    meeting = meeting_of(round)
    if meeting is None or not meeting.is_final:
        return deny(_("This happens once the chair has confirmed the panel's decision."))
    return allow()


def can_handle_money(user: User, round: Round) -> Decision:
    """Decide whether the person may record payments and look after the round's money now."""
    decision = can_see_money(user, round)
    if not decision:
        return decision
    return _money_open(round)


def _group_award(user: User, award: Award, not_yours: str) -> Decision:
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    if award.application.contact_id != user.pk:
        return deny(not_yours)
    if not award.is_final:
        return deny(_("The panel hasn't made its decision final yet."))
    return _money_open(award.application.round)


def can_accept_award(user: User, award: Award) -> Decision:
    """Decide whether the person may accept this award for their group.

    The group's contact, once the decision is final, by the award's accept-by date.
    """
    decision = _group_award(user, award, _("Only your group's contact can accept this award."))
    if not decision:
        return decision
    if award.status not in MONEY_STATUSES:
        return deny(_("There is no money to accept on this award."))
    if award.is_accepted:
        return deny(_("You have already accepted this award."))
    if award.accept_by is not None and timezone.localdate() > award.accept_by:
        return deny(
            _("The last day to accept was %(date)s. Talk to the staff if you still want it.")
            % {"date": date_format(award.accept_by, "j F Y")}
        )
    return allow()


def award_has_payments(award: Award) -> bool:
    return Payment.objects.filter(award=award, cancelled_at__isnull=True).exists()


def can_withdraw_award(user: User, award: Award) -> Decision:
    """Decide whether the person may give the award back: the group's contact, before payment."""
    decision = _group_award(user, award, _("Only your group's contact can give this award back."))
    if not decision:
        return decision
    if award.status not in MONEY_STATUSES:
        return deny(_("There is no money on this award to give back."))
    if award_has_payments(award):
        return deny(
            _("Some of the money has been paid already, so please talk to the staff instead.")
        )
    return allow()


def can_see_award_money(user: User, award: Award) -> Decision:
    """Decide whether the person may see the award's payments page: staff of its organisation."""
    decision = can_see_money(user, award.application.round)
    if decision and not award.is_final:
        return deny(_("The panel hasn't made its decision final yet."))
    return decision


def can_record_payment(user: User, award: Award) -> Decision:
    """Decide whether the person may record a payment: staff, once the group has accepted.

    Whether the amount fits is the service's check, made under a lock.
    """
    decision = can_see_award_money(user, award)
    if not decision:
        return decision
    decision = _money_open(award.application.round)
    if not decision:
        return decision
    if award.status not in MONEY_STATUSES:
        return deny(_("This award has no money to pay now."))
    if not award.is_accepted:
        return deny(_("The group hasn't accepted the award yet, so it can't be paid."))
    return allow()


def can_cancel_payment(user: User, payment: Payment) -> Decision:
    """Decide whether the person may cancel a payment recorded by mistake (with a reason)."""
    decision = can_see_award_money(user, payment.award)
    if not decision:
        return decision
    decision = _money_open(payment.award.application.round)
    if not decision:
        return decision
    if payment.is_cancelled:
        return deny(_("This payment has already been cancelled."))
    return allow()


def can_lapse_award(user: User, award: Award) -> Decision:
    """Decide whether the person may mark the award as not accepted in time.

    Staff, once its accept-by date has passed without the group accepting.
    """
    decision = can_see_award_money(user, award)
    if not decision:
        return decision
    decision = _money_open(award.application.round)
    if not decision:
        return decision
    if award.status not in MONEY_STATUSES or award.is_accepted:
        return deny(_("Only an award nobody has accepted can lapse."))
    if award.accept_by is None or timezone.localdate() <= award.accept_by:
        return deny(_("The group still has time to accept it."))
    return allow()


def can_move_money(user: User, round: Round) -> Decision:
    """Decide whether the person may move money left in one area's pot to another's: staff."""
    decision = can_handle_money(user, round)
    if decision and Pot.objects.filter(round=round).count() < 2:
        return deny(_("This round has only one pot, so there is nowhere to move money to."))
    return decision


def can_reoffer(user: User, pot: Pot) -> Decision:
    """Decide whether the person may offer money back in the pot to its waiting list.

    The panel's chair or staff, once the decision is final.
    """
    round = pot.round
    if not user.is_authenticated:
        return deny(_("Please log in first."))
    member = panel_membership(user, round)
    if member is not None:
        if not member.is_chair:
            return deny(_("Only the panel's chair or staff can offer the money again."))
        decision = can_take_part(user)
    else:
        decision = can_manage_round(user, round)
        if not decision:
            return deny(_("Only the panel's chair or staff can offer the money again."))
    if not decision:
        return decision
    return _money_open(round)
