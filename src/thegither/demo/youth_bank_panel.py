"""Demo Youth Bank round at its scoring step: Winter 2026.

Four applications went to the panel. Jay (the chair), Ruby and Kai said whether
they know each group; Ruby knows one and stepped out of it. Some scoring is done
and some is left, so a demo visitor can log in as Kai and carry on.
"""

from thegither.accounts.models import User
from thegither.demo.youth_bank import (
    SCORING_ROUND_NAME,
    _round_set_up,
    application_load,
    demo_draft,
)
from thegither.grants import services
from thegither.grants.models import Application, Fund, Round, RoundPhase
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


def scoring_round_load(fund: Fund, staff: User, groups: dict[str, User]) -> Round:
    """Make the Winter 2026 round and take it to the scoring step, through the services."""
    round = _round_set_up(fund, staff, name=SCORING_ROUND_NAME, days=-60)
    pots = {pot.area.name: pot for pot in round.pots.select_related("area")}
    question = round.questions.first()
    applications = {}
    for key, contact, group, activity, area, amount in APPLICATIONS:
        draft = demo_draft(
            group, activity, pots[area], amount, answers={question.pk: "Posters and word of mouth."}
        )
        applications[key] = application_load(round, key, groups[contact], draft, send=True)
    round = services.round_phase_move(round=round, to=RoundPhase.SCREENING, by=staff)
    for application in applications.values():
        services.application_screen(application=application, eligible=True, by=staff)
    round = services.round_phase_move(round=round, to=RoundPhase.ASSESSMENT, by=staff)
    # Read them again: the round they hold is still at its earlier step.
    applications = {
        key: Application.objects.select_related("round__fund__organisation").get(pk=a.pk)
        for key, a in applications.items()
    }
    panel = {name: groups[name] for name in ("jay", "ruby", "kai")}
    for person in panel.values():
        services.panel_member_add(round=round, person=person, by=staff)
    services.panel_chair_set(member=panel["jay"].grant_panels.get(round=round), by=staff)
    conflict_person, conflict_key, reason = CONFLICT
    for name, person in panel.items():
        for key, application in applications.items():
            knows = (name, key) == (conflict_person, conflict_key)
            services.conflict_declare(
                application=application,
                has_conflict=knows,
                reason=reason if knows else "",
                by=person,
            )
    criteria = list(round.criteria.order_by("position", "pk"))
    for name, given in SCORES.items():
        for key, values in given.items():
            services.scores_save(
                application=applications[key],
                entries={c.pk: ScoreEntry(v) for c, v in zip(criteria, values, strict=True)},
                by=panel[name],
            )
    return round
