"""The entry point: :func:`allocate` runs one rule on an election."""

from __future__ import annotations

from thegither.allocation import explain
from thegither.allocation.greedy import greedy
from thegither.allocation.mes import method_of_equal_shares
from thegither.allocation.model import (
    TIE_BREAKS,
    UTILITIES,
    Election,
    Outcome,
    PabulibError,
)
from thegither.allocation.phragmen import sequential_phragmen
from thegither.allocation.tiebreak import tie_rank

RULES: tuple[str, ...] = (
    "greedy",
    "greedy-no-skip",
    "greedy-threshold",
    "mes",
    "mes-add1",
    "mes-add1u",
    "phragmen",
)


def threshold_of(election: Election, threshold: int | None) -> int:
    """Return the minimum score for greedy-threshold, from the argument or META."""
    if threshold is not None:
        return threshold
    raw = election.meta.get("min_project_score_threshold")
    if raw is None:
        raise PabulibError(
            "greedy-threshold needs a threshold: give one, or set"
            " min_project_score_threshold in META"
        )
    try:
        return int(raw)
    except ValueError:
        raise PabulibError(f"min_project_score_threshold {raw!r} is not a whole number") from None


# Sums the rules keep as 64-bit integers: a cost (or points) times the voters behind it.
LARGEST_SUM = 2**62


def check_sizes(election: Election) -> None:
    """Refuse an election whose numbers are too large for the rules' exact sums.

    The rules add up costs, points and budgets times numbers of voters in 64-bit
    integers (their floats are checked against those sums); past 2**62 a sum could
    wrap round silently, so such an election is refused instead.
    """
    tables = election.tables
    voters = int(tables.weight.sum())
    largest_cost = int(tables.cost.max()) if len(tables.cost) else 0
    points = [int(p.max()) for p in tables.points if len(p)]
    largest = max(largest_cost, max(points, default=0), election.budget)
    if largest * max(voters, 1) >= LARGEST_SUM or election.budget >= LARGEST_SUM:
        raise PabulibError(
            f"the numbers are too large to count exactly: {largest:,} times {voters:,}"
            f" voters passes 2^62 (about {LARGEST_SUM:.1e})"
        )


def allocate(
    election: Election,
    rule: str = "mes-add1",
    utility: str = "cost",
    tie_break: str = "text-id",
    exhaustive_stop: bool = True,
    threshold: int | None = None,
    currency: str | None = None,
) -> Outcome:
    """Run ``rule`` on ``election`` and return the funded projects with explanations.

    ``currency`` (say ``"EUR"``) goes after every amount in the explanations; by
    default it is META ``currency``, if the election has one.
    """
    if rule not in RULES:
        raise PabulibError(f"unknown rule {rule!r}; use one of {', '.join(RULES)}")
    if utility not in UTILITIES:
        raise PabulibError(f"unknown utility {utility!r}; use one of {', '.join(UTILITIES)}")
    if tie_break not in TIE_BREAKS:
        raise PabulibError(f"unknown tie-break {tie_break!r}; use one of {', '.join(TIE_BREAKS)}")
    check_sizes(election)
    rank = tie_rank(election, tie_break)
    settings: dict[str, object] = {"utility": utility, "tie_break": tie_break}
    if currency is None:
        currency = election.meta.get("currency", "").strip()
    if currency:
        settings["currency"] = currency
    amounts = explain.Amounts(currency)
    summary = [explain.RULE_SUMMARIES[rule]]
    if rule.startswith("greedy"):
        limit = threshold_of(election, threshold) if rule == "greedy-threshold" else None
        if limit is not None:
            settings["threshold"] = limit
        result = greedy(election, variant=rule, utility=utility, rank=rank, threshold=limit)
        explanations = explain.explain_greedy(
            election, result, variant=rule, threshold=limit, amounts=amounts
        )
        selected = result.selected
    elif rule == "phragmen":
        found = sequential_phragmen(election, rank=rank)
        explanations = explain.explain_phragmen(election, found, amounts=amounts)
        selected = found.selected
    else:
        completion = None if rule == "mes" else "add1"
        if completion:
            settings["exhaustive_stop"] = exhaustive_stop
        mes = method_of_equal_shares(
            election,
            utility=utility,
            rank=rank,
            completion=completion,
            exhaustive_stop=exhaustive_stop,
        )
        settings["start_per_voter"] = float(mes.start)
        settings["budget_raised_times"] = mes.increments
        # Runs of MES worked out; add1 also runs the budget it returns once more, recording.
        work = {"raises": mes.increments, "mes_runs": mes.runs + (1 if completion else 0)}
        explanations = explain.explain_mes(
            election, mes, utility=utility, completion=completion, amounts=amounts
        )
        summary += explain.summarize_mes(
            election,
            mes,
            utility=utility,
            completion=completion,
            exhaustive_stop=exhaustive_stop,
            amounts=amounts,
        )
        selected = list(mes.selected)
        if rule == "mes-add1u":
            # Top up greedily with what equal shares left unspent, ranking projects as the
            # greedy rule does by default (total votes or points), whatever utility MES
            # used: pabutools' completion and equalshares.net do the same.
            topped = greedy(election, variant="greedy", utility="cost", rank=rank, start=selected)
            extra = {
                election.projects[p].id: step
                for p, step in topped.steps.items()
                if step.outcome == "funded"
            }
            filled = explain.explain_greedy(
                election, topped, variant="greedy", threshold=None, amounts=amounts
            )
            by_id = {e.project_id: e for e in filled}
            explanations = [
                explain.topped_up(by_id[e.project_id]) if e.project_id in extra else e
                for e in explanations
            ]
            selected = topped.selected
    ids = [election.projects[p].id for p in selected]
    if not rule.startswith("mes"):
        work = {}
    spent = sum(election.projects[p].cost for p in selected)
    return Outcome(
        rule=rule,
        selected=ids,
        spent=spent,
        budget=election.budget,
        explanations=explanations,
        settings=settings,
        summary=summary,
        work=work,
    )
