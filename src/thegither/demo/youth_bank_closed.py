"""Demo Youth Bank: Summer 2026, a round played to the end and closed.

Seven applications, four in North East and three in North West, each area with a
£3,000 pot. The panel (Jay the chair, Ruby and Kai; Ruby stepped out of the skate jam)
voted in its meeting and the money was shared out by most support first. The panel gave
Northfield Young Carers part of what it asked, with a condition, and said no to the
choir, with a reason. The chair confirmed; every group got its letter. Three groups
accepted; the skate jam gave its award back, and the panel offered that money to the
next in line, the Eastgate Young Cooks, who accepted too. Staff paid three groups in
full and Northfield in part. Every funded group sent its end-of-grant report, and the
panel read and thanked Canal Side. Then staff closed the round, so its public page and
360Giving files have real numbers.

Everything goes through the services the pages call. Loading it again changes nothing.
"""

import uuid

from thegither.accounts.models import User
from thegither.demo.youth_bank import _NAMESPACE, CLOSED_ROUND_NAME
from thegither.demo.youth_bank_panel import _panel_round_load
from thegither.grants import ledger, services
from thegither.grants.models import (
    AllocationRule,
    Application,
    Award,
    DecisionMethod,
    Fund,
    Round,
    RoundPhase,
)
from thegither.grants.services import ReportDraft

CLOSED_POT_PENCE = 300_000  # £3,000 in each area

CLOSED_APPLICATIONS = (
    # (key, contact, group, what it is, area, amount in pence)
    (
        "summer-canal",
        "canal.youth",
        "Canal Side Youth Club",
        "A summer film club: young people make short films about where they live.",
        "North West",
        120_000,
    ),
    (
        "summer-northfield",
        "canal.youth",
        "Northfield Young Carers",
        "A day at the seaside for young carers, planned by young carers.",
        "North West",
        180_000,
    ),
    (
        "summer-lockside",
        "canal.youth",
        "Lockside Girls' Football",
        "A summer football camp for girls, with young coaches from the club.",
        "North West",
        100_000,
    ),
    (
        "summer-dunmore",
        "dunmore.gardeners",
        "Dunmore Street Gardeners",
        "Planters for every doorstep, built and planted by the youth group.",
        "North East",
        80_000,
    ),
    (
        "summer-skate",
        "dunmore.gardeners",
        "Eastgate Skate Jam",
        "A summer skate jam in the park, with free lessons from young skaters.",
        "North East",
        120_000,
    ),
    (
        "summer-cooks",
        "dunmore.gardeners",
        "Eastgate Young Cooks",
        "A summer cooking club: young people cook a free lunch for their neighbours.",
        "North East",
        150_000,
    ),
    (
        "summer-choir",
        "dunmore.gardeners",
        "Eastgate Community Choir",
        "A summer concert in the park, with songs the choir leader chooses.",
        "North East",
        200_000,
    ),
)
# Everyone scored what they could before the meeting (Ruby stepped out of the skate jam).
CLOSED_SCORES = {
    "jay": {
        "summer-canal": [5, 5, 4, 4],
        "summer-northfield": [4, 5, 4, 3],
        "summer-lockside": [3, 3, 4, 4],
        "summer-dunmore": [4, 4, 5, 5],
        "summer-skate": [5, 4, 4, 3],
        "summer-cooks": [4, 4, 4, 3],
        "summer-choir": [1, 3, 3, 2],
    },
    "ruby": {
        "summer-canal": [4, 5, 5, 4],
        "summer-northfield": [5, 4, 4, 4],
        "summer-lockside": [3, 4, 3, 3],
        "summer-dunmore": [5, 4, 4, 4],
        "summer-cooks": [3, 4, 4, 3],
        "summer-choir": [2, 2, 3, 2],
    },
    "kai": {
        "summer-canal": [5, 4, 4, 5],
        "summer-northfield": [3, 4, 4, 3],
        "summer-lockside": [5, 4, 5, 4],
        "summer-dunmore": [4, 5, 4, 4],
        "summer-skate": [4, 4, 5, 4],
        "summer-cooks": [5, 4, 5, 4],
        "summer-choir": [2, 3, 2, 3],
    },
}
CLOSED_CONFLICT = ("ruby", "summer-skate", "My brother skates there every week.")
# Who ticked what in the meeting. Most support first: in North West, Canal Side and
# Northfield fill the pot and Lockside waits; in North East, Dunmore and the skate jam
# are funded, the cooks' £1,500 doesn't fit in the £1,000 left, and nobody backed the choir.
CLOSED_VOTES = {
    "jay": ["summer-canal", "summer-northfield", "summer-dunmore", "summer-skate"],
    "ruby": ["summer-canal", "summer-northfield", "summer-dunmore"],
    "kai": ["summer-canal", "summer-lockside", "summer-dunmore", "summer-skate", "summer-cooks"],
}
PARTIAL = (
    "summer-northfield",
    150_000,
    "Spend it on the coach and the tickets, and send us the coach company's quote first.",
)
DECLINE = (
    "summer-choir",
    "We liked the concert, but young people don't plan or lead it yet: the choir leader "
    "chooses the songs. Ask the young singers to lead it, and apply again.",
)
GAVE_BACK = ("summer-skate", "The skate park is closed for repairs all summer, so we can't run it.")
# (key, amount paid in pence, reference): three in full, Northfield in part.
PAYMENTS = (
    ("summer-canal", 120_000, "BACS RYT-2026-014"),
    ("summer-northfield", 100_000, "BACS RYT-2026-015"),
    ("summer-dunmore", 80_000, "BACS RYT-2026-016"),
    ("summer-cooks", 150_000, "BACS RYT-2026-021"),
)
REPORTS = {
    "summer-canal": ReportDraft(
        what_happened=(
            "Twenty-four young people made six short films over eight weeks: about the canal, "
            "the chip shop, the bus stop and their grannies' gardens. The committee ran every "
            "evening, and 140 people came to the film night in the park."
        ),
        young_people_count=24,
        story=(
            "Leah, who is 14, had never used a camera. Her film about the lock keeper's cat "
            "won the audience vote, and now she teaches the younger ones how to edit."
        ),
        story_is_public=True,
        returned_pence=0,
    ),
    "summer-northfield": ReportDraft(
        what_happened=(
            "Nine young carers chose the beach, planned the day and booked the coach. "
            "Everyone got a day off from caring, and they want to go again next year."
        ),
        young_people_count=9,
        story="We built the biggest sandcastle on the beach and nobody had to look after anyone.",
        story_is_public=False,
        returned_pence=0,
    ),
    "summer-dunmore": ReportDraft(
        what_happened=(
            "Fifteen young people built 30 planters from old pallets and planted them with "
            "herbs and flowers. Every doorstep on Dunmore Street has one now."
        ),
        young_people_count=15,
        story=(
            "Mrs Khan at number 12 gives the young gardeners mint tea every Saturday. The "
            "street has never looked so green."
        ),
        story_is_public=True,
        returned_pence=0,
    ),
    "summer-cooks": ReportDraft(
        what_happened=(
            "Eleven young people cooked a free lunch every Friday in August. They chose the "
            "menus, did the shopping and served 60 neighbours each week."
        ),
        young_people_count=11,
        returned_pence=3_550,  # £35.50 of food money not spent
    ),
}
ACKNOWLEDGED = (
    "summer-canal",
    "Thank you, Canal Side! We loved the films, especially the cat. From the Youth Bank panel",
)


def closed_round_load(fund: Fund, staff: User, groups: dict[str, User]) -> Round:
    """Make the Summer 2026 round and play it to the end, through the services."""
    round = _panel_round_load(
        fund,
        staff,
        groups,
        name=CLOSED_ROUND_NAME,
        days=-150,
        pot_pence=CLOSED_POT_PENCE,
        applications=CLOSED_APPLICATIONS,
        scores=CLOSED_SCORES,
        conflict=CLOSED_CONFLICT,
    )
    jay = groups["jay"]
    services.decision_rules_set(
        round=round,
        method=DecisionMethod.APPROVAL,
        rule=AllocationRule.GREEDY,
        quorum_percent=50,
        by=staff,
    )
    round = services.round_phase_move(round=round, to=RoundPhase.DECISION, by=staff)
    applications = {key: _application(round, key) for key, *_rest in CLOSED_APPLICATIONS}

    # The decision meeting: everyone is here, votes, the proposal, the panel's changes.
    meeting = services.meeting_open(round=round, by=jay)
    services.attendance_set(
        meeting=meeting, present=set(round.panel_members.values_list("pk", flat=True)), by=jay
    )
    for username, keys in CLOSED_VOTES.items():
        for key in keys:
            services.vote_set(application=applications[key], supports=True, by=groups[username])
    services.allocation_propose(meeting=meeting, by=jay)
    key, amount, condition = PARTIAL
    services.award_change(award=_award(key), amount_pence=amount, condition=condition, by=jay)
    key, reason = DECLINE
    services.award_decline(award=_award(key), reason=reason, by=jay)
    # Each group's letter is drawn and emailed by a task once the demo is saved.
    services.meeting_confirm(meeting=meeting, by=jay)
    round = services.round_phase_move(round=round, to=RoundPhase.AWARDS, by=staff)

    # Money: groups accept or give back, the panel re-offers, staff pay.
    for key in ("summer-canal", "summer-northfield", "summer-dunmore"):
        _accept(key, applications)
    key, reason = GAVE_BACK
    services.award_withdraw(award=_award(key), reason=reason, by=applications[key].contact)
    north_east = round.pots.get(area__name="North East")
    proposal = ledger.reoffer_proposal(north_east)
    services.reoffer_confirm(pot=north_east, funded=proposal.funded, by=jay)
    _accept("summer-cooks", applications)
    for key, amount, reference in PAYMENTS:
        services.payment_record(
            award=_award(key),
            entry_key=uuid.uuid5(_NAMESPACE, f"{key}-payment"),
            paid_on=ledger.today(),
            amount_pence=amount,
            reference=reference,
            by=staff,
        )
    round = services.round_phase_move(round=round, to=RoundPhase.FOLLOW_UP, by=staff)

    # Reports: every funded group sends one; the panel reads Canal Side's and says thanks.
    reports = {}
    for key, draft in REPORTS.items():
        contact = applications[key].contact
        report = services.report_save(award=_award(key), draft=draft, by=contact)
        reports[key] = services.report_send(report=report, by=contact)
    key, thanks = ACKNOWLEDGED
    services.report_acknowledge(report=reports[key], thanks=thanks, by=jay)
    return services.round_phase_move(round=round, to=RoundPhase.CLOSED, by=staff)


def _application(round: Round, key: str) -> Application:
    return Application.objects.select_related("contact", "round__fund__organisation").get(
        round=round, start_key=uuid.uuid5(_NAMESPACE, key)
    )


def _award(key: str) -> Award:
    return Award.objects.select_related(
        "application__round__fund__organisation", "meeting", "pot__area"
    ).get(application__start_key=uuid.uuid5(_NAMESPACE, key))


def _accept(key: str, applications: dict[str, Application]) -> Award:
    award = _award(key)
    return services.award_accept(
        award=award,
        bank_details_with_staff=True,
        agrees_to_condition=bool(award.condition),
        by=applications[key].contact,
    )
