"""Command line: ``thegither allocate FILE.pb --rule mes-add1``.

:func:`main` takes the arguments after the word ``allocate``. It prints the
funded projects and, for every project, why it was or was not funded.
"""

from __future__ import annotations

import argparse
import json
import sys

from thegither.allocation.explain import RULE_SUMMARIES, money
from thegither.allocation.model import TIE_BREAKS, UTILITIES, Outcome, PabulibError
from thegither.allocation.pabulib import read_pb
from thegither.allocation.rules import RULES, allocate


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for ``allocate``."""
    parser = argparse.ArgumentParser(
        prog="thegither allocate",
        description="Decide which projects a budget funds, and explain why.",
    )
    parser.add_argument("file", help="a Pabulib .pb file")
    parser.add_argument("--rule", choices=RULES, default="mes-add1", help="the rule to use")
    parser.add_argument(
        "--no-exhaustive-stop",
        dest="exhaustive_stop",
        action="store_false",
        help="mes-add1: keep raising budgets until the next step would overspend",
    )
    parser.add_argument("--utility", choices=UTILITIES, default="cost")
    parser.add_argument("--tie-break", choices=TIE_BREAKS, default="text-id")
    parser.add_argument(
        "--threshold", type=int, default=None, help="greedy-threshold: the minimum score"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def render(outcome: Outcome, title: str) -> str:
    """Return the outcome as text for people."""
    by_id = {e.project_id: e for e in outcome.explanations}
    lines = [title, f"Rule: {outcome.rule}. Budget: {money(outcome.budget)}."]
    lines.append(f"How it works: {RULE_SUMMARIES[outcome.rule]}")
    if "start_per_voter" in outcome.settings:
        start = money(outcome.settings["start_per_voter"])
        raised = outcome.settings.get("budget_raised_times", 0)
        lines.append(
            f"Here every voter had {start} to spend"
            + (f" (raised {raised:,} times by 1)." if raised else ".")
        )
    lines.append("")
    lines.append(f"Funded projects, in the order they were chosen ({len(outcome.selected)}):")
    for number, project_id in enumerate(outcome.selected, start=1):
        explanation = by_id.get(project_id)
        name = explanation.name if explanation else ""
        cost = money(explanation.cost) if explanation else "?"
        lines.append(f"  {number:>3}. {project_id}  {name}  (cost {cost})")
    lines.append(f"Total spent: {money(outcome.spent)} of {money(outcome.budget)}")
    lines.append(f"Left over: {money(outcome.budget - outcome.spent)}")
    lines.append("")
    lines.append("Why each project was or was not funded:")
    funded = [by_id[p] for p in outcome.selected if p in by_id]
    others = [e for e in outcome.explanations if not e.funded]
    for explanation in funded + others:
        lines.append(f"- {explanation.project_id} {explanation.name}")
        lines.append(f"    {explanation.text}")
    return "\n".join(shown(line) for line in lines)


def shown(text: str) -> str:
    """Return ``text`` safe to print on a terminal: control characters escaped.

    A name holding an escape code could clear the screen or retitle the window;
    in text mode it is shown as ``\\x1b`` instead. JSON escapes them itself.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def main(argv: list[str] | None = None) -> int:
    """Run the command; return the exit code (2 for a bad file or bad options)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        election = read_pb(args.file, need_voters=True)
        outcome = allocate(
            election,
            rule=args.rule,
            utility=args.utility,
            tie_break=args.tie_break,
            exhaustive_stop=args.exhaustive_stop,
            threshold=args.threshold,
        )
    except PabulibError as exc:
        message = " ".join(str(exc).split())  # one line, whatever the file held
        print(shown(f"thegither allocate: {args.file}: {message}"), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(outcome.to_json(), ensure_ascii=False))
    else:
        title = election.meta.get("description", "") or str(args.file)
        print(render(outcome, title))
    return 0
