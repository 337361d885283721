"""Make Youth Bank rows for tests: a round with pots, criteria and questions, and applications."""

import itertools
import uuid

from django.utils import timezone

from thegither.accounts.models import Area, Organisation, User
from thegither.grants.models import (
    Answer,
    Application,
    ApplicationStatus,
    BudgetLine,
    Criterion,
    Fund,
    Pot,
    Question,
    Round,
    RoundPhase,
)

_numbers = itertools.count(1)

SUMMARY = (
    "Young people at our club will plan and run a summer football camp for younger "
    "children in the park, choosing the coaches, the games and the food, and telling "
    "families about it themselves."
)  # 37 words


def round_make(
    organisation: Organisation,
    *,
    phase: str = RoundPhase.OPEN,
    areas: tuple[str, ...] = ("North West", "North East"),
    amount_pence: int = 1_500_000,
    min_grant_pence: int = 10_000,
    max_grant_pence: int = 200_000,
    questions: int = 1,
) -> Round:
    number = next(_numbers)
    fund, _created = Fund.objects.get_or_create(organisation=organisation, name="Youth Bank")
    round = Round.objects.create(
        fund=fund,
        name=f"Round {number}",
        what_it_funds="Activities young people lead.",
        who_can_apply="Groups in our areas.",
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + timezone.timedelta(days=30),
        phase=phase,
    )
    for name in areas:
        area, _created = Area.objects.get_or_create(organisation=organisation, name=name)
        Pot.objects.create(
            round=round,
            area=area,
            amount_pence=amount_pence,
            min_grant_pence=min_grant_pence,
            max_grant_pence=max_grant_pence,
        )
    Criterion.objects.create(round=round, title="Led by young people", meaning="They decide.")
    for index in range(questions):
        Question.objects.create(round=round, text=f"Question {index + 1}?", position=index)
    return round


def application_make(
    round: Round,
    contact: User,
    *,
    status: str = ApplicationStatus.DRAFT,
    complete: bool = True,
    amount_pence: int = 50_000,
) -> Application:
    """Make an application; `complete` fills in everything sending needs."""
    application = Application.objects.create(round=round, contact=contact, start_key=uuid.uuid4())
    if complete:
        application.group_name = f"Group {next(_numbers)}"
        application.activity = "A football camp."
        application.youth_leadership = "Young people plan it."
        application.young_people_count = 20
        application.age_bands = ["13-15", "16-17"]
        application.summary = SUMMARY
        application.amount_pence = amount_pence
        application.pot = round.pots.order_by("pk").first()
        application.save()
        BudgetLine.objects.create(
            application=application, item="Coaches", cost_pence=amount_pence - 10_000
        )
        BudgetLine.objects.create(application=application, item="Food", cost_pence=10_000)
        for question in round.questions.all():
            Answer.objects.create(application=application, question=question, text="Yes.")
    if status != ApplicationStatus.DRAFT:
        application.status = status
        application.submission_key = uuid.uuid4()
        application.submitted_at = timezone.now()
        if status == ApplicationStatus.NOT_ELIGIBLE:
            application.screening_reason = "Outside our areas."
        application.pot = application.pot or round.pots.order_by("pk").first()
        application.save()
    return application
