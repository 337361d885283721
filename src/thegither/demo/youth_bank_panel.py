"""Demo Youth Bank rounds with a panel: Winter 2026 (scoring) and Autumn 2026 (deciding).

Winter 2026: four applications went to the panel. Jay (the chair), Ruby and Kai said
whether they know each group; Ruby knows one and stepped out of it. Some scoring is
done and some is left, so a demo visitor can log in as Kai and carry on.

Autumn 2026: six applications, three in each area, more than each £3,000 pot can pay
for. The same panel finished scoring (Ruby stepped out of one), and the round decides
by members' votes shared out by equal shares. The meeting isn't open: a demo visitor
logs in as Jay, the chair, and opens it.
"""

from thegither.accounts.models import User
from thegither.demo.youth_bank import (
    DECIDING_ROUND_NAME,
    POT_PENCE,
    SCORING_ROUND_NAME,
    _round_set_up,
    application_load,
    demo_draft,
)
from thegither.grants import services
from thegither.grants.models import (
    AllocationRule,
    Application,
    DecisionMethod,
    Fund,
    Round,
    RoundPhase,
)
from thegither.grants.services import ScoreEntry

APPLICATIONS = (
    # (key, contact, group, what it is, area, amount in pence)
    (
        "winter-canal",
        "canal.youth",
        "Canal Side Youth Club",
        "Winter football nights under the floodlights, with hot food after.",
        "North West",
        150_000,
    ),
    (
        "winter-northfield",
        "canal.youth",
        "Northfield Young Carers",
        "A monthly day out for young carers, planned by young carers.",
        "North West",
        200_000,
    ),
    (
        "winter-dunmore",
        "dunmore.gardeners",
        "Dunmore Street Gardeners",
        "Bird boxes and winter bulbs, built and planted by the youth group.",
        "North East",
        50_000,
    ),
    (
        "winter-skate",
        "dunmore.gardeners",
        "Eastgate Skate Jam",
        "A skate competition and free lessons in the park, run by young skaters.",
        "North East",
        120_000,
    ),
)
# Who scored what: one score per criterion (the round's four, in order).
SCORES = {
    "jay": {
        "winter-canal": [5, 4, 4, 3],
        "winter-northfield": [4, 5, 5, 4],
        "winter-dunmore": [3, 4, 2, 5],
    },
    "ruby": {"winter-canal": [4, 4, 5, 4], "winter-northfield": [2, 5, 3, 3]},
    "kai": {"winter-dunmore": [4, 3, 4, 4]},
}
CONFLICT = ("ruby", "winter-skate", "My brother skates there every week.")


DECIDING_APPLICATIONS = (
    (
        "autumn-canal",
        "canal.youth",
        "Canal Side Youth Club",
        "A Halloween disco in the lock keeper's house, planned by the youth committee.",
        "North West",
        150_000,
    ),
    (
        "autumn-northfield",
        "canal.youth",
        "Northfield Young Carers",
        "A weekend away for young carers, with time to rest and have fun.",
        "North West",
        200_000,
    ),
    (
        "autumn-lockside",
        "canal.youth",
        "Lockside Girls' Football",
        "Indoor football for girls through the winter, with young coaches.",
        "North West",
        100_000,
    ),
    (
        "autumn-skate",
        "dunmore.gardeners",
        "Eastgate Skate Jam",
        "Free skate lessons on Saturday mornings, taught by young skaters.",
        "North East",
        120_000,
    ),
    (
        "autumn-dunmore",
        "dunmore.gardeners",
        "Dunmore Street Gardeners",
        "An apple tree for every street, planted and looked after by the youth group.",
        "North East",
        80_000,
    ),
    (
        "autumn-choir",
        "dunmore.gardeners",
        "Eastgate Community Choir",
        "A winter concert at the care home, with songs young people choose.",
        "North East",
        200_000,
    ),
)
DECIDING_POT_PENCE = 300_000  # £3,000 in each area: not enough for everything asked
# Everyone finished scoring what they can (Ruby stepped out of the skate jam).
DECIDING_SCORES = {
    "jay": {
        "autumn-canal": [5, 4, 4, 3],
        "autumn-northfield": [4, 5, 5, 4],
        "autumn-lockside": [4, 3, 5, 4],
        "autumn-skate": [5, 4, 5, 3],
        "autumn-dunmore": [3, 4, 4, 5],
        "autumn-choir": [2, 4, 3, 2],
    },
    "ruby": {
        "autumn-canal": [4, 4, 5, 4],
        "autumn-northfield": [5, 5, 4, 3],
        "autumn-lockside": [3, 3, 4, 4],
        "autumn-dunmore": [4, 3, 4, 4],
        "autumn-choir": [3, 3, 3, 3],
    },
    "kai": {
        "autumn-canal": [3, 4, 4, 4],
        "autumn-northfield": [4, 4, 4, 4],
        "autumn-lockside": [5, 4, 5, 5],
        "autumn-skate": [4, 4, 3, 4],
        "autumn-dunmore": [4, 4, 3, 5],
        "autumn-choir": [2, 3, 2, 3],
    },
}
DECIDING_CONFLICT = ("ruby", "autumn-skate", "My brother skates there every week.")


def scoring_round_load(fund: Fund, staff: User, groups: dict[str, User]) -> Round:
    """Make the Winter 2026 round and take it to the scoring step, through the services."""
    return _panel_round_load(
        fund,
        staff,
        groups,
        name=SCORING_ROUND_NAME,
        days=-60,
        pot_pence=POT_PENCE,
        applications=APPLICATIONS,
        scores=SCORES,
        conflict=CONFLICT,
    )


def deciding_round_load(fund: Fund, staff: User, groups: dict[str, User]) -> Round:
    """Make the Autumn 2026 round, scored, with how it decides chosen, at the deciding step."""
    round = _panel_round_load(
        fund,
        staff,
        groups,
        name=DECIDING_ROUND_NAME,
        days=-90,
        pot_pence=DECIDING_POT_PENCE,
        applications=DECIDING_APPLICATIONS,
        scores=DECIDING_SCORES,
        conflict=DECIDING_CONFLICT,
    )
    services.decision_rules_set(
        round=round,
        method=DecisionMethod.APPROVAL,
        rule=AllocationRule.MES,
        quorum_percent=50,
        by=staff,
    )
    return services.round_phase_move(round=round, to=RoundPhase.DECISION, by=staff)


def _panel_round_load(
    fund: Fund,
    staff: User,
    groups: dict[str, User],
    *,
    name: str,
    days: int,
    pot_pence: int,
    applications: tuple,
    scores: dict[str, dict[str, list[int]]],
    conflict: tuple[str, str, str],
) -> Round:
    """Make a round, send its applications, screen them, and let the panel declare and score."""
    round = _round_set_up(fund, staff, name=name, days=days, pot_pence=pot_pence)
    pots = {pot.area.name: pot for pot in round.pots.select_related("area")}
    question = round.questions.first()
    sent = {}
    for key, contact, group, activity, area, amount in applications:
        draft = demo_draft(
            group, activity, pots[area], amount, answers={question.pk: "Posters and word of mouth."}
        )
        sent[key] = application_load(round, key, groups[contact], draft, send=True)
    round = services.round_phase_move(round=round, to=RoundPhase.SCREENING, by=staff)
    for application in sent.values():
        services.application_screen(application=application, eligible=True, by=staff)
    round = services.round_phase_move(round=round, to=RoundPhase.ASSESSMENT, by=staff)
    # Read them again: the round they hold is still at its earlier step.
    screened = {
        key: Application.objects.select_related("round__fund__organisation").get(pk=a.pk)
        for key, a in sent.items()
    }
    panel = {username: groups[username] for username in ("jay", "ruby", "kai")}
    for person in panel.values():
        services.panel_member_add(round=round, person=person, by=staff)
    services.panel_chair_set(member=panel["jay"].grant_panels.get(round=round), by=staff)
    conflict_person, conflict_key, reason = conflict
    for member_name, person in panel.items():
        for key, application in screened.items():
            knows = (member_name, key) == (conflict_person, conflict_key)
            services.conflict_declare(
                application=application,
                has_conflict=knows,
                reason=reason if knows else "",
                by=person,
            )
    criteria = list(round.criteria.order_by("position", "pk"))
    for member_name, given in scores.items():
        for key, values in given.items():
            services.scores_save(
                application=screened[key],
                entries={c.pk: ScoreEntry(v) for c, v in zip(criteria, values, strict=True)},
                by=panel[member_name],
            )
    return round
