"""Turn what a rule did into plain words, one explanation per project.

Texts are written for a 12-year-old: short sentences, whole numbers, no jargon.
Each explanation also carries machine-readable ``details`` for other programs.
"""

from __future__ import annotations

from typing import Any

from thegither.allocation.greedy import GreedyResult
from thegither.allocation.model import Election, Explanation


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
