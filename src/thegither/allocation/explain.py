"""Turn what a rule did into plain words, one explanation per project.

Texts are written for a 12-year-old: short sentences, whole numbers, no jargon.
What holds for every project (how the rule works, what each voter had to spend) is
said once, in the outcome's ``summary``; each project's text says only what differs,
and a project that was not funded says why first, then the numbers. Every amount
carries the currency, when there is one (META ``currency``, or the caller's).
Each explanation also carries machine-readable ``details`` for other programs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from thegither.allocation.arrays import dot, dot_rows
from thegither.allocation.greedy import GreedyResult
from thegither.allocation.mes import MesResult
from thegither.allocation.model import Election, Explanation
from thegither.allocation.phragmen import PhragmenResult


def money(amount: float, currency: str = "") -> str:
    """Return an amount as a whole number with thousands separated, e.g. ``12,500 HUF``."""
    return f"{round(amount):,} {currency}" if currency else f"{round(amount):,}"


class Amounts:
    """Say amounts of money in one currency (or none): ``amounts(12500)`` is ``12,500 EUR``."""

    __slots__ = ("currency",)

    def __init__(self, currency: str = "") -> None:
        self.currency = currency

    def __call__(self, amount: float) -> str:
        return money(amount, self.currency)


def ordinal(n: int) -> str:
    """Return 1st, 2nd, 3rd, 4th..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def score_words(election: Election, score: int) -> str:
    """Return "1 vote", "12 votes" or "30 points", whichever the ballots count."""
    unit = "vote" if election.kind == "approval" else "point"
    return f"{score:,} {unit}{'' if score == 1 else 's'}"


def explain_greedy(
    election: Election,
    result: GreedyResult,
    *,
    variant: str,
    threshold: int | None,
    amounts: Amounts | None = None,
) -> list[Explanation]:
    """Explain a greedy outcome: each project's place in line and the money left."""
    money = amounts or Amounts()
    explanations = []
    stopper = result.stopped_at
    for p, project in enumerate(election.projects):
        step = result.steps.get(p)
        details: dict[str, Any] = {}
        if step is None:  # funded before the greedy pass (a completion's first stage)
            continue
        details = {
            "rank": step.rank,
            "score": step.score,
            "left_before": step.left_before,
        }
        place = f"It came {ordinal(step.rank)} with {score_words(election, step.score)}."
        if step.outcome == "funded":
            text = (
                f"Funded. {place} When its turn came there was {money(step.left_before)} left,"
                f" enough for its cost of {money(project.cost)}, which left"
                f" {money(step.left_before - project.cost)}."
            )
        elif step.outcome == "too-expensive":
            text = (
                "Not funded: it did not fit in the money left, so it was skipped. It costs"
                f" {money(project.cost)}, but when its turn came only"
                f" {money(step.left_before)} was left. {place}"
            )
        elif step.outcome == "below-threshold":
            assert threshold is not None
            details["threshold"] = threshold
            text = (
                f"Not funded: too few votes to take part. It got"
                f" {score_words(election, step.score)}; a project needs {threshold:,}."
            )
        elif step.outcome == "stopper":
            text = (
                "Not funded: it did not fit in the money left, and under this rule the count"
                f" stops there, so no project after it is funded either. It costs"
                f" {money(project.cost)}, but when its turn came only"
                f" {money(step.left_before)} was left. {place}"
            )
        else:  # stopped
            assert stopper is not None
            details["stopped_at"] = election.projects[stopper].id
            text = (
                "Not funded: the count had already stopped at project"
                f" {election.projects[stopper].id}, which did not fit in the money left."
                f" {place}"
            )
        explanations.append(
            Explanation(
                project_id=project.id,
                name=project.name,
                cost=project.cost,
                funded=step.outcome == "funded",
                reason=step.outcome,
                text=text,
                details=details,
            )
        )
    return explanations


def _explanation(election: Election, p: int, funded: bool, reason: str, text: str, details):
    project = election.projects[p]
    return Explanation(
        project_id=project.id,
        name=project.name,
        cost=project.cost,
        funded=funded,
        reason=reason,
        text=text,
        details=details,
    )


def explain_mes(
    election: Election,
    result: MesResult,
    *,
    utility: str,
    completion: str | None,
    amounts: Amounts | None = None,
) -> list[Explanation]:
    """Explain an MES outcome: what each project cost its supporters, or why they could not pay.

    What every project shares (each voter's money, why a project wins a round) is in
    :func:`summarize_mes`, said once.
    """
    money = amounts or Amounts()
    tables = election.tables
    run = result.run
    weight = tables.weight.astype(np.float64)
    step_of = {step.project: k for k, step in enumerate(run.steps)}
    start = float(result.start)
    left_over = (
        election.budget
        - sum(election.projects[s.project].cost for s in run.steps)
        - sum(election.projects[p].cost for p in result.free)
    )
    budgets = run.budgets if run.budgets is not None else np.zeros(len(weight))
    payments = run.payments if run.payments is not None else np.zeros((len(weight), 0))
    explanations = []
    for p, project in enumerate(election.projects):
        sup = tables.supporters[p]
        voters = int(tables.votes[p])
        details: dict[str, Any] = {"supporters": voters, "start_per_voter": start}
        if p in result.free:
            text = "Funded straight away: it costs nothing and people voted for it."
            explanations.append(_explanation(election, p, True, "free", text, details))
            continue
        if p in step_of:
            k = step_of[p]
            step = run.steps[k]
            paid = payments[sup, k]
            full = float(step.rho) * (project.cost if utility == "cost" else 1)
            paid_all = int(tables.weight[step.drained].sum()) if len(step.drained) else 0
            details |= {
                "round": k + 1,
                "rho": float(step.rho),
                "share_per_supporter": full if election.kind == "approval" else None,
                "supporters_who_paid_all_they_had": paid_all,
                "most_paid_by_one_voter": float(paid.max()) if len(paid) else 0.0,
            }
            if election.kind == "approval":
                each = f"each paid {money(full)}"
            else:
                each = "each paid in proportion to how many points they gave it"
            who = "its one supporter paid" if voters == 1 else f"its {voters:,} supporters shared"
            text = f"Funded in round {k + 1}: {who} its cost of {money(project.cost)}"
            text += f": {each}" if voters > 1 else "."
            if voters > 1 and paid_all:
                text += f", except {paid_all:,} who had less than that left and paid all they had"
            if voters > 1:
                text += "."
            explanations.append(_explanation(election, p, True, "funded", text, details))
            continue
        if voters == 0:
            text = "Not funded: nobody voted for it."
            explanations.append(_explanation(election, p, False, "no-votes", text, details))
            continue
        left = dot(budgets[sup], weight[sup])
        needed = project.cost / voters
        enough = int(tables.weight[sup][budgets[sup] >= needed * (1 - 1e-9)].sum())
        # One product gives what this project's supporters paid in every round.
        per_round = dot_rows(weight[sup], payments[sup]) if len(sup) else np.zeros(0)
        spent_on = {
            election.projects[run.steps[k].project].id: round(float(amount))
            for k, amount in enumerate(per_round)
            if amount > 0.5
        }
        top = sorted(spent_on.items(), key=lambda item: -item[1])[:3]
        details |= {
            "needed_per_supporter": needed,
            "supporters_money_left": left,
            "supporters_with_enough_left": enough,
            "spent_by_supporters_on": spent_on,
        }
        if top:
            reason = (
                "Not funded: its supporters had spent most of their money on other projects"
                " they voted for, and what they had left was not enough."
            )
        else:
            reason = "Not funded: its supporters did not have enough money between them."
        each_of = "its one supporter" if voters == 1 else f"each of its {voters:,} supporters"
        text = (
            f"{reason} To pay its cost of {money(project.cost)}, {each_of} would have had to"
            f" pay about {money(needed)}."
        )
        if voters == 1:
            text += f" At the end they had only {money(left)} left."
        else:
            still = "none of them" if enough == 0 else f"only {enough:,} of them"
            text += (
                f" At the end they had {money(left)} left between them (about"
                f" {money(left / voters)} each), and {still} still had {money(needed)}."
            )
        if top:
            used = ", ".join(f"{name} ({money(amount)})" for name, amount in top)
            text += f" Their money went to: {used}."
        if project.cost > left_over:
            text += f" The {money(left_over)} left unspent at the end is not enough for it either."
        else:
            text += f" The {money(left_over)} left unspent at the end would cover its cost."
        explanations.append(_explanation(election, p, False, "supporters-ran-out", text, details))
    return explanations


def summarize_mes(
    election: Election,
    result: MesResult,
    *,
    utility: str,
    completion: str | None,
    exhaustive_stop: bool,
    amounts: Amounts | None = None,
) -> list[str]:
    """Return what holds for every project under MES, said once: each voter's money,
    how add1 raised it and why it stopped, and why a project wins a round."""
    money = amounts or Amounts()
    sentences = []
    start = float(result.start)
    if result.increments:
        spent = sum(election.projects[p].cost for p in result.selected)
        chosen = set(result.selected)
        supported = [p for p in range(len(election.projects)) if election.tables.votes[p] > 0]
        left = election.budget - spent
        if all(p in chosen for p in supported):
            why = "every project someone voted for was funded"
        elif exhaustive_stop and not any(
            p not in chosen and election.projects[p].cost <= left for p in supported
        ):
            why = "no other project fitted in the money left"
        else:
            why = "one more would have chosen projects costing more than the budget"
        sentences.append(
            f"The budget split equally gave every voter {money(float(result.initial_start))}"
            " to spend on projects they voted for. That left money unspent, so we gave"
            f" everyone a little more to spend, {result.increments:,} times, until {why}."
            f" In the end every voter had {money(start)} to spend."
        )
    else:
        sentences.append(f"Every voter had {money(start)} to spend on projects they voted for.")
    cheapest = {
        "cost": "each supporter had to pay the smallest part of the project's cost",
        "cardinality": "each supporter had to pay the least",
        "score": "each supporter had to pay the least for each point they gave",
    }[utility]
    sentences.append(
        "In each round, of all the projects whose supporters could still pay, the one"
        f" funded was the one where {cheapest}. Only a project's own supporters pay for"
        " it: money left over cannot go to a project whose supporters have run out."
    )
    return sentences


RULE_SUMMARIES = {
    "greedy": (
        "Projects are lined up by votes, most first. Each one is funded if it fits in the"
        " money left; if not, it is skipped and the next one gets a chance."
    ),
    "greedy-no-skip": (
        "Projects are lined up by votes, most first, and funded in turn. The count stops at"
        " the first project that does not fit in the money left."
    ),
    "greedy-threshold": (
        "Only projects with at least the minimum number of votes take part. They are lined"
        " up by votes, most first, and each is funded if it fits in the money left."
    ),
    "mes": (
        "Equal shares: the budget is split equally between the voters, and each voter's"
        " share can only pay for projects they voted for. A project is funded when its"
        " supporters can pay for it together. Round by round, the project that is easiest"
        " for its supporters to pay for goes first."
    ),
    "phragmen": (
        "Everyone earns money at the same speed. A project is bought as soon as its"
        " supporters have earned its cost between them, and they spend it all on it. The"
        " count stops at the first project that does not fit in the money left."
    ),
}
RULE_SUMMARIES["mes-add1"] = RULE_SUMMARIES["mes"] + (
    " To use more of the budget, everyone's share is raised a little at a time, as long as"
    " the projects chosen still fit in the budget."
)
RULE_SUMMARIES["mes-add1u"] = RULE_SUMMARIES["mes-add1"] + (
    " Money still left at the end goes to the most-voted projects that fit."
)


def explain_phragmen(
    election: Election, result: PhragmenResult, *, amounts: Amounts | None = None
) -> list[Explanation]:
    """Explain a Phragmén outcome in plain words."""
    money = amounts or Amounts()
    tables = election.tables
    order = {p: k for k, p in enumerate(result.selected)}
    explanations = []
    stopper = result.stopped_at
    for p, project in enumerate(election.projects):
        voters = int(tables.votes[p])
        details: dict[str, Any] = {"supporters": voters}
        if p in order and voters == 0:
            # As in pabutools: once every project someone voted for is bought or out of
            # reach, a project nobody voted for is still bought if it fits.
            details |= {"round": order[p] + 1, "load": None}
            text = (
                f"Funded in round {order[p] + 1}, although nobody voted for it: every project"
                " people voted for had been dealt with, and its cost of"
                f" {money(project.cost)} still fitted in the money left."
            )
            explanations.append(_explanation(election, p, True, "funded", text, details))
        elif p in order:
            details |= {"round": order[p] + 1, "load": result.loads[p]}
            text = (
                f"Funded in round {order[p] + 1}: its {voters:,} supporters were the first group"
                f" able to pay its cost of {money(project.cost)} between them, each ending up"
                f" having paid {money(result.loads[p])} in total."
            )
            explanations.append(_explanation(election, p, True, "funded", text, details))
        elif p in result.too_expensive:
            text = (
                f"Not funded: it costs more than the whole budget. It costs"
                f" {money(project.cost)}; the budget is {money(election.budget)}."
            )
            explanations.append(_explanation(election, p, False, "over-budget", text, details))
        elif voters == 0:
            text = "Not funded: nobody voted for it."
            explanations.append(_explanation(election, p, False, "no-votes", text, details))
        elif p == stopper:
            details["left"] = election.budget - result.spent
            text = (
                "Not funded: it was next in line but did not fit in the money left, so the"
                f" count stopped here. It costs {money(project.cost)} and only"
                f" {money(election.budget - result.spent)} was left."
            )
            explanations.append(_explanation(election, p, False, "stopper", text, details))
        else:
            need = result.last_seen.get(p, float("inf"))
            details["load_needed"] = need
            stop = election.projects[stopper].id if stopper is not None else None
            details["stopped_at"] = stop
            text = (
                "Not funded: its turn never came. Its supporters would each have needed to pay"
                f" {money(need)} in total to buy it, more than for the projects bought before"
            )
            text += (
                f"; the count stopped at project {stop}, which did not fit in the money left."
                if stop is not None
                else "."
            )
            explanations.append(_explanation(election, p, False, "not-reached", text, details))
    return explanations


def topped_up(greedy_explanation: Explanation) -> Explanation:
    """Reword a greedy explanation for a project funded by add1u's greedy top-up."""
    return Explanation(
        project_id=greedy_explanation.project_id,
        name=greedy_explanation.name,
        cost=greedy_explanation.cost,
        funded=True,
        reason="topped-up",
        text=(
            "Funded in the top-up: equal shares could not pay for it, but it fitted in the"
            " money equal shares left over, which went to the most-voted projects that still"
            " fitted. " + greedy_explanation.text.removeprefix("Funded. ")
        ),
        details=greedy_explanation.details | {"stage": "greedy top-up"},
    )
