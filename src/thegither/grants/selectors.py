"""Reads for grants: querysets that already join what each page shows, and checks
that say in plain words what is still missing."""

import re

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from thegither.accounts.models import Organisation, Role, User
from thegither.grants.models import (
    PHASE_ORDER,
    SUMMARY_WORDS_MAX,
    SUMMARY_WORDS_MIN,
    Answer,
    Application,
    ApplicationStatus,
    BudgetLine,
    ConflictDeclaration,
    DecisionMeeting,
    Fund,
    MeetingStatus,
    PanelMember,
    Pot,
    Question,
    Round,
    RoundPhase,
)
from thegither.grants.money import pence_to_pounds

_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def word_count(text: str) -> int:
    """Return how many words the text has ("don't" and "well-known" count as one)."""
    return len(_WORD.findall(text or ""))


def next_phase(round: Round) -> str | None:
    """Return the step after the round's current one, or None once it is closed."""
    index = PHASE_ORDER.index(round.phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def funds_in_organisation(organisation: Organisation) -> QuerySet[Fund]:
    """Return the organisation's funds, each with its rounds, newest round first."""
    return Fund.objects.filter(organisation=organisation).prefetch_related(
        Prefetch(
            "rounds",
            queryset=Round.objects.annotate(
                sent=Count("applications", filter=Q(applications__submitted_at__isnull=False))
            ).order_by("-created_at"),
        )
    )


def round_get(pk: int) -> Round:
    """Return the round with its fund and organisation (raises Round.DoesNotExist)."""
    return Round.objects.select_related("fund__organisation").get(pk=pk)


def pots_in_round(round: Round) -> QuerySet[Pot]:
    return Pot.objects.filter(round=round).select_related("area").order_by("area__name")


def open_rounds() -> QuerySet[Round]:
    """Return every round open for applications, with what the list shows."""
    return (
        Round.objects.filter(phase=RoundPhase.OPEN)
        .select_related("fund__organisation")
        .order_by("closes_on", "pk")
    )


def applications_for_contact(user: User) -> QuerySet[Application]:
    """Return a group contact's applications, newest first, with their round, area and award."""
    return (
        Application.objects.filter(contact=user)
        .select_related("round__fund__organisation", "pot__area", "award__meeting", "award__report")
        .order_by("-created_at", "-pk")
    )


def applications_to_screen(round: Round) -> QuerySet[Application]:
    """Return the round's sent applications (never drafts, even taken back), oldest first."""
    return (
        Application.objects.filter(round=round, submitted_at__isnull=False)
        .select_related("round__fund__organisation", "pot__area")
        .order_by("submitted_at", "pk")
    )


def application_get(pk: int) -> Application:
    """Return the application with everything its pages show (raises DoesNotExist)."""
    return (
        Application.objects.select_related("round__fund__organisation", "pot__area", "contact")
        .prefetch_related(
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("position", "pk")),
            Prefetch("answers", queryset=Answer.objects.select_related("question")),
            "uploads",
        )
        .get(pk=pk)
    )


def questions_with_answers(application: Application) -> list[tuple[Question, str]]:
    """Return the round's questions, each with the group's answer ("" if none yet)."""
    answers = {answer.question_id: answer.text for answer in application.answers.all()}
    return [
        (question, answers.get(question.pk, ""))
        for question in application.round.questions.order_by("position", "pk")
    ]


def round_missing_for(round: Round, phase: str) -> list[str]:
    """Return, in plain words, what the round still needs before it moves to `phase`."""
    missing: list[str] = []
    if phase == RoundPhase.OPEN:
        if not round.what_it_funds.strip():
            missing.append(_("Say what the round funds."))
        if not round.who_can_apply.strip():
            missing.append(_("Say who can apply."))
        if round.opens_on is None or round.closes_on is None:
            missing.append(_("Give the day it opens and the last day to apply."))
        if not round.pots.exists():
            missing.append(_("Add a pot of money for at least one area."))
        if not round.criteria.exists():
            missing.append(_("Write at least one thing the panel looks for (a criterion)."))
    elif phase == RoundPhase.ASSESSMENT:
        waiting = round.applications.filter(status=ApplicationStatus.SUBMITTED).count()
        if waiting:
            missing.append(
                _("Check every sent application first: %(count)s still waiting.")
                % {"count": waiting}
            )
        if not round.applications.filter(status=ApplicationStatus.ELIGIBLE).exists():
            missing.append(_("At least one application must be able to go to the panel."))
    # Grants are given out from a final decision: awards, letters and money follow it.
    elif (
        phase == RoundPhase.AWARDS
        and not DecisionMeeting.objects.filter(round=round, status=MeetingStatus.FINAL).exists()
    ):
        missing.append(
            _(
                "The panel hasn't made its decision yet. The chair confirms it at the "
                "decision meeting; then the round can give out grants."
            )
        )
    return missing


def application_problems(application: Application) -> dict[str, list[str]]:
    """Return what must be fixed before the application can be sent, by form field.

    The "check your answers" page shows these; sending refuses with the same list.
    """
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if not application.group_name.strip():
        add("group_name", _("Write your group's name."))
    if not application.activity.strip():
        add("activity", _("Say what the activity is."))
    if not application.youth_leadership.strip():
        add("youth_leadership", _("Say how young people lead it."))
    if not application.young_people_count:
        add("young_people_count", _("Say how many young people take part."))
    if not application.age_bands:
        add("age_bands", _("Choose the ages of the young people who take part."))
    words = word_count(application.summary)
    if not SUMMARY_WORDS_MIN <= words <= SUMMARY_WORDS_MAX:
        add(
            "summary",
            _("Write the public summary in %(min)s to %(max)s words. It has %(words)s now.")
            % {"min": SUMMARY_WORDS_MIN, "max": SUMMARY_WORDS_MAX, "words": words},
        )
    pot = application.pot
    if pot is None:
        add("pot", _("Choose the area your group is in."))
    lines = list(application.budget_lines.all())
    total = sum(line.cost_pence for line in lines)
    if not lines:
        add("budget", _("Add at least one thing the money is for, with what it costs."))
    elif total != application.amount_pence:
        add(
            "amount",
            _("The costs add up to %(total)s but you asked for %(amount)s. Make them the same.")
            % {
                "total": pence_to_pounds(total),
                "amount": pence_to_pounds(application.amount_pence),
            },
        )
    if not application.amount_pence:
        add("amount", _("Say how much money you are asking for."))
    elif pot is not None and not (
        pot.min_grant_pence <= application.amount_pence <= pot.max_grant_pence
    ):
        add(
            "amount",
            _("Ask for between %(min)s and %(max)s from the %(area)s pot.")
            % {
                "min": pence_to_pounds(pot.min_grant_pence),
                "max": pence_to_pounds(pot.max_grant_pence),
                "area": pot.area.name,
            },
        )
    for question, answer in questions_with_answers(application):
        if question.required and not answer.strip():
            add(f"question_{question.pk}", _("Answer: %(question)s") % {"question": question.text})
    return problems


def panel_members_in_round(round: Round) -> list[PanelMember]:
    """The round's panel, chair first, with each member's account."""
    return list(
        PanelMember.objects.filter(round=round)
        .select_related("user")
        .order_by("-is_chair", "user__display_name", "pk")
    )


def panel_candidates(round: Round) -> QuerySet[User]:
    """Young panel members of the organisation who are not on this round's panel yet."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation=round.organisation,
            memberships__role=Role.PANEL_MEMBER,
        )
        .exclude(grant_panels__round=round)
        .order_by("display_name", "pk")
    )


def applications_to_read(
    round: Round, member: PanelMember
) -> list[tuple[Application, ConflictDeclaration | None]]:
    """The round's sent and eligible applications, each with the member's declaration (or None)."""
    applications = list(
        Application.objects.filter(
            round=round, status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE]
        )
        .select_related("pot__area")
        .order_by("group_name", "pk")
    )
    declarations = {
        d.application_id: d for d in ConflictDeclaration.objects.filter(panel_member=member)
    }
    return [(application, declarations.get(application.pk)) for application in applications]
