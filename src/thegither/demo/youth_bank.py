"""Demo Youth Bank: a round open for applications (drafts and sent ones in both areas),
a round whose panel is scoring (some scores in, one member stepped out), a round
ready for its decision meeting (scoring finished, the chair can open the meeting), and
a closed round with awards, letters, payments, reports and a public page.

Made through the same services a youth worker's clicks call, so the demo holds
only what the real pages could make. Loading it again changes nothing.
"""

import datetime
import uuid

from django.utils import timezone

from thegither.accounts.models import Area, Organisation, User
from thegither.grants import services
from thegither.grants.models import Application, Fund, Round, RoundPhase
from thegither.grants.services import ApplicationDraft

# Applications' keys come from their names in this namespace, so a second load finds the
# same applications instead of making more (`application_load`).
_NAMESPACE = uuid.UUID("6f1d2b1e-9a4b-4c43-9a8e-3d2f0c6b7a10")

ROUND_NAME = "Spring 2027"
SCORING_ROUND_NAME = "Winter 2026"
DECIDING_ROUND_NAME = "Autumn 2026"
CLOSED_ROUND_NAME = "Summer 2026"  # played to the end: see youth_bank_closed.py
POT_PENCE = 1_500_000  # £15,000 in each area

CRITERIA = (
    ("Led by young people", "Young people plan it, run it and make the decisions.", 3),
    ("Good for the community", "It helps people nearby, not just the group.", 2),
    ("Open to everyone", "Anyone can join in, whatever their money, background or needs.", 2),
    ("Good value", "The costs are fair and every pound is needed.", 1),
)


def youth_bank_load(trust: Organisation, staff: User, groups: dict[str, User]) -> Round:
    """Make the Riverside Youth Bank's Spring 2027 round, open, with applications in it,
    its Winter 2026 round, at the scoring step, its Autumn 2026 round, ready to decide,
    and its Summer 2026 round, decided, paid, reported on and closed."""
    fund = Fund.objects.filter(organisation=trust, name="Youth Bank").first()
    if fund is None:
        fund = services.fund_create(
            organisation=trust,
            name="Youth Bank",
            description="Young people give money to activities young people lead.",
            by=staff,
        )
    round = Round.objects.filter(fund=fund, name=ROUND_NAME).first()
    if round is None:
        round = _round_set_up(fund, staff)
    _applications_load(round, groups)
    if not Round.objects.filter(fund=fund, name=SCORING_ROUND_NAME).exists():
        from thegither.demo.youth_bank_panel import scoring_round_load

        scoring_round_load(fund, staff, groups)
    if not Round.objects.filter(fund=fund, name=DECIDING_ROUND_NAME).exists():
        from thegither.demo.youth_bank_panel import deciding_round_load

        deciding_round_load(fund, staff, groups)
    if not Round.objects.filter(fund=fund, name=CLOSED_ROUND_NAME).exists():
        from thegither.demo.youth_bank_closed import closed_round_load

        closed_round_load(fund, staff, groups)
    return round


def _round_set_up(
    fund: Fund, staff: User, name: str = ROUND_NAME, days: int = 0, pot_pence: int = POT_PENCE
) -> Round:
    """Make a round with its pots, criteria and question, and open it.

    `days` moves its dates: a negative number puts them that many days in the past.
    """
    today = timezone.localdate() + datetime.timedelta(days=days)
    round = services.round_create(
        fund=fund,
        name=name,
        what_it_funds=(
            "Activities that young people aged 11 to 25 plan and lead in their own area: "
            "clubs, events, trips, sport, art and anything else that makes things better."
        ),
        who_can_apply=(
            "Community and youth groups in North West or North East. You don't need to be a "
            "charity, but you do need a grown-up contact and a bank account."
        ),
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=42),
        decision_on=today + datetime.timedelta(days=70),
        by=staff,
    )
    for area in Area.objects.filter(
        organisation=fund.organisation, name__in=["North West", "North East"]
    ):
        services.pot_set(
            round=round,
            area=area,
            amount_pence=pot_pence,
            min_grant_pence=10_000,
            max_grant_pence=250_000,
            by=staff,
        )
    for title, meaning, weight in CRITERIA:
        services.criterion_add(round=round, title=title, meaning=meaning, weight=weight, by=staff)
    services.question_add(
        round=round,
        text="How will you tell young people in your area about it?",
        hint="For example: posters at school, a stall, social media.",
        by=staff,
    )
    return services.round_phase_move(round=round, to=RoundPhase.OPEN, by=staff)


def _applications_load(round: Round, groups: dict[str, User]) -> None:
    pots = {pot.area.name: pot for pot in round.pots.select_related("area")}
    question = round.questions.first()
    application_load(
        round,
        "dunmore-draft",
        groups["dunmore.gardeners"],
        ApplicationDraft(
            group_name="Dunmore Street Gardeners",
            group_about="Neighbours who look after the gardens on Dunmore Street.",
            activity="A vegetable patch that young people design and look after.",
            pot_id=pots["North East"].pk,
            amount_pence=80_000,
            budget_lines=[("Seeds and compost", 30_000)],
        ),
        send=False,
    )
    application_load(
        round,
        "canal-sent",
        groups["canal.youth"],
        ApplicationDraft(
            group_name="Canal Side Youth Club",
            group_about="A youth club in the old lock keeper's house, open three nights.",
            activity="A summer film club: young people make short films about where they live.",
            youth_leadership=(
                "A committee of eight young people chose the idea, picks the films to "
                "make and runs the evenings. Youth workers help with the cameras."
            ),
            young_people_count=24,
            age_bands=["13-15", "16-17"],
            summary=(
                "Young people at Canal Side Youth Club will make short films about their "
                "neighbourhood this summer, learn to use cameras and editing, and show "
                "the films at a free evening for families and neighbours in the park."
            ),
            amount_pence=120_000,
            pot_id=pots["North West"].pk,
            budget_lines=[
                ("Two cameras and tripods", 70_000),
                ("Editing course for the committee", 30_000),
                ("Film night: hall, screen and snacks", 20_000),
            ],
            answers={question.pk: "Posters at the school gates and a stall at the gala."},
        ),
        send=True,
    )
    # A draft in North West and a sent application in North East too.
    application_load(
        round,
        "lockside-draft",
        groups["canal.youth"],
        ApplicationDraft(
            group_name="Lockside Girls' Football",
            activity="Friday football for girls, with young coaches from the club.",
            pot_id=pots["North West"].pk,
            amount_pence=60_000,
        ),
        send=False,
    )
    application_load(
        round,
        "eastgate-sent",
        groups["dunmore.gardeners"],
        demo_draft(
            "Eastgate Community Choir",
            "A young people's choir that sings at the care home and the summer fair.",
            pots["North East"],
            90_000,
            answers={question.pk: "We'll sing at the school assembly and hand out flyers."},
        ),
        send=True,
    )


def application_load(
    round: Round, name: str, contact: User, draft: ApplicationDraft, *, send: bool
) -> Application:
    """Make a demo application once (its keys come from `name`), and send it if asked."""
    start_key = uuid.uuid5(_NAMESPACE, name)
    application = Application.objects.filter(start_key=start_key).first()
    if application is None:
        application = services.application_draft_save(
            round=round, start_key=start_key, draft=draft, by=contact
        )
    if send:
        application = services.application_submit(
            application=application,
            submission_key=uuid.uuid5(_NAMESPACE, f"{name}-submission"),
            by=contact,
        )
    return application


def demo_draft(group: str, activity: str, pot, amount_pence: int, answers=None) -> ApplicationDraft:
    """A complete application for a made-up group, ready to send."""
    return ApplicationDraft(
        group_name=group,
        group_about=f"{group} is run by young people and a few volunteers in {pot.area.name}.",
        activity=activity,
        youth_leadership=(
            "A committee of young people chose the idea, plans every session and decides "
            "how the money is spent. Adults help with safety and the bank account."
        ),
        young_people_count=18,
        age_bands=["13-15", "16-17"],
        summary=(
            f"Young people at {group} will plan and run this themselves: {activity} "
            "It is free, open to everyone nearby, and the young people will tell their "
            "friends and families about it."
        ),
        amount_pence=amount_pence,
        pot_id=pot.pk,
        budget_lines=[
            ("Equipment and materials", amount_pence * 3 // 5),
            ("Hall hire and snacks", amount_pence - amount_pence * 3 // 5),
        ],
        answers=answers or {},
    )
