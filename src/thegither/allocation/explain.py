"""Turn what a rule did into plain words, one explanation per project.

Texts are written for a 12-year-old: short sentences, whole numbers, no jargon.
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


def money(amount: float) -> str:
    """Return an amount as a whole number with thousands separated, e.g. ``12,500``."""
    return f"{round(amount):,}"


def ordinal(n: int) -> str:
    """Return 1st, 2nd, 3rd, 4th..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def score_words(election: Election, score: int) -> str:
    """Return "1 vote", "12 votes" or "30 points", whichever the ballots count."""
    unit = "vote" if election.kind == "approval" else "point"
    return f"{score:,} {unit}{'' if score == 1 else 's'}"


def explain_greedy(
    election: Election, result: GreedyResult, *, variant: str, threshold: int | None
) -> list[Explanation]:
    """Explain a greedy outcome: each project's place in line and the money left."""
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
                f"Not funded. {place} It costs {money(project.cost)}, but when its turn came"
                f" only {money(step.left_before)} was left, so it was skipped and the next"
                " project got a chance."
            )
        elif step.outcome == "below-threshold":
            assert threshold is not None
            details["threshold"] = threshold
            text = (
                f"Not funded. It got {score_words(election, step.score)}, fewer than the"
                f" {threshold:,} a project needs to be funded at all."
            )
        elif step.outcome == "stopper":
            text = (
                f"Not funded. {place} It costs {money(project.cost)}, but when its turn came"
                f" only {money(step.left_before)} was left. Under this rule the count stops"
                " here, so no project after it is funded either."
            )
        else:  # stopped
            assert stopper is not None
            details["stopped_at"] = election.projects[stopper].id
            text = (
                f"Not funded. {place} The count had already stopped at project"
                f" {election.projects[stopper].id}, which did not fit in the money left."
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
    election: Election, result: MesResult, *, utility: str, completion: str | None
) -> list[Explanation]:
    """Explain an MES outcome: what each project cost its supporters, or why they could not pay."""
    tables = election.tables
    run = result.run
    assert run.budgets is not None
    assert run.payments is not None
    weight = tables.weight.astype(np.float64)
    step_of = {step.project: k for k, step in enumerate(run.steps)}
    start = float(result.start)
    share = f"Every voter had {money(start)} to spend on projects they voted for" + (
        f" (the budget split equally gives {money(float(result.initial_start))} each; this was"
        f" raised by {result.increments:,} so that more of the budget gets used)."
        if result.increments
        else "."
    )
    # What MES compares between projects, in words, for each utility.
    cheapest = {
        "cost": "each supporter had to pay the smallest part of the project's cost",
        "cardinality": "each supporter had to pay the least",
        "score": "each supporter had to pay the least for each point they gave",
    }[utility]
    left_over = (
        election.budget
        - sum(election.projects[s.project].cost for s in run.steps)
        - sum(election.projects[p].cost for p in result.free)
    )
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
            paid = run.payments[sup, k]
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
            text = (
                f"Funded in round {k + 1}. Its {voters:,} supporters shared its cost of"
                f" {money(project.cost)}: {each}"
            )
            if paid_all:
                text += f", except {paid_all:,} who had less than that left and paid all they had"
            text += (
                ". It won this round because, of all the projects whose supporters could"
                f" still pay, this was the one where {cheapest}."
            )
            explanations.append(_explanation(election, p, True, "funded", text, details))
            continue
        if voters == 0:
            text = "Not funded. Nobody voted for it."
            explanations.append(_explanation(election, p, False, "no-votes", text, details))
            continue
        left = dot(run.budgets[sup], weight[sup])
        needed = project.cost / voters
        enough = int(tables.weight[sup][run.budgets[sup] >= needed * (1 - 1e-9)].sum())
        # One product gives what this project's supporters paid in every round.
        per_round = dot_rows(weight[sup], run.payments[sup]) if len(sup) else np.zeros(0)
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
        still = "none of them" if enough == 0 else f"only {enough:,} of them"
        each_of = "its one supporter" if voters == 1 else f"each of its {voters:,} supporters"
        text = (
            f"Not funded. {share} To pay its cost of {money(project.cost)}, {each_of}"
            f" would have had to pay about {money(needed)}."
        )
        if voters == 1:
            text += f" At the end they had only {money(left)} left, so they could not pay for it."
        else:
            text += (
                f" At the end they had {money(left)} left between them (about"
                f" {money(left / voters)} each), and {still} still had {money(needed)}, so"
                " together they could not pay for it."
            )
        if top:
            used = ", ".join(f"{name} ({money(amount)})" for name, amount in top)
            text += f" Most of their money had gone to other projects they voted for: {used}."
        if project.cost > left_over:
            text += f" The {money(left_over)} left unspent at the end is not enough for it either."
        else:
            text += (
                f" The {money(left_over)} left unspent at the end would cover its cost, but in"
                " equal shares only a project's own supporters pay for it, and they did not"
                " have enough."
            )
        explanations.append(_explanation(election, p, False, "supporters-ran-out", text, details))
    return explanations


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


def explain_phragmen(election: Election, result: PhragmenResult) -> list[Explanation]:
    """Explain a Phragmén outcome in plain words."""
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
                f"Funded in round {order[p] + 1}. Its {voters:,} supporters were the first group"
                f" able to pay its cost of {money(project.cost)} between them, each ending up"
                f" having paid {money(result.loads[p])} in total."
            )
            explanations.append(_explanation(election, p, True, "funded", text, details))
        elif p in result.too_expensive:
            text = (
                f"Not funded. It costs {money(project.cost)}, more than the whole budget of"
                f" {money(election.budget)}."
            )
            explanations.append(_explanation(election, p, False, "over-budget", text, details))
        elif voters == 0:
            text = "Not funded. Nobody voted for it."
            explanations.append(_explanation(election, p, False, "no-votes", text, details))
        elif p == stopper:
            details["left"] = election.budget - result.spent
            text = (
                f"Not funded. It was next in line, but it costs {money(project.cost)} and only"
                f" {money(election.budget - result.spent)} was left, so the count stopped here."
            )
            explanations.append(_explanation(election, p, False, "stopper", text, details))
        else:
            need = result.last_seen.get(p, float("inf"))
            details["load_needed"] = need
            stop = election.projects[stopper].id if stopper is not None else None
            details["stopped_at"] = stop
            text = (
                "Not funded. Its supporters would each have needed to pay"
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
            "Funded in the top-up. Equal shares could not pay for it, so after equal shares"
            " the money left over went to the most-voted projects that still fitted. "
            + greedy_explanation.text
        ),
        details=greedy_explanation.details | {"stage": "greedy top-up"},
    )
