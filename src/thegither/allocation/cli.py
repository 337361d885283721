"""Command line: ``thegither allocate FILE.pb --rule mes-add1``.

:func:`main` takes the arguments after the word ``allocate``. It prints the
funded projects and, for every project, why it was or was not funded.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from thegither.allocation.explain import RULE_SUMMARIES, Amounts
from thegither.allocation.model import TIE_BREAKS, UTILITIES, Outcome, PabulibError
from thegither.allocation.pabulib import read_pb
from thegither.allocation.rules import RULES, allocate


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for ``allocate``."""
    parser = argparse.ArgumentParser(
        prog="thegither allocate",
        description=(
            "Decide which projects a participatory budget funds, and explain why, from a"
            " Pabulib .pb file."
        ),
    )
    parser.add_argument("file", help="the election: a Pabulib .pb file (https://pabulib.org)")
    parser.add_argument(
        "--rule",
        choices=RULES,
        default="mes-add1",
        help="how votes become funded projects (default mes-add1; docs/allocation.md says"
        " what each rule does)",
    )
    parser.add_argument(
        "--no-exhaustive-stop",
        dest="exhaustive_stop",
        action="store_false",
        help="mes-add1 and mes-add1u: keep raising everyone's money until one more raise"
        " would go over the budget, even once nothing more fits",
    )
    parser.add_argument(
        "--utility",
        choices=UTILITIES,
        default="cost",
        help="what a funded project is worth to a voter who backs it, for equal shares:"
        " its cost (default), 1 (cardinality) or the points they gave it (score);"
        " with cardinality or score, greedy ranks by support per unit of cost",
    )
    parser.add_argument(
        "--tie-break",
        choices=TIE_BREAKS,
        default="text-id",
        help="who goes first among equals: project ids read as text (default, as"
        " pabutools), or cheapest first, then most votes (cost-votes)",
    )
    parser.add_argument(
        "--threshold",
        type=int,
        default=None,
        help="greedy-threshold: the least votes or points a project needs to take part"
        " (default: META min_project_score_threshold)",
    )
    parser.add_argument(
        "--currency",
        default=None,
        help="written after every amount, say EUR (default: META currency, if any)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object with every number, instead of text for people",
    )
    return parser


def render(outcome: Outcome, title: str) -> str:
    """Return the outcome as text for people: what holds for all once, then each project."""
    money = Amounts(outcome.settings.get("currency", ""))
    by_id = {e.project_id: e for e in outcome.explanations}
    lines = [title, f"Rule: {outcome.rule}. Budget: {money(outcome.budget)}."]
    summary = list(outcome.summary) or [RULE_SUMMARIES[outcome.rule]]
    lines.append(f"How it works: {summary[0]}")
    lines.extend(summary[1:])
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
            currency=args.currency,
        )
    except PabulibError as exc:
        message = " ".join(str(exc).split())  # one line, whatever the file held
        print(shown(f"thegither allocate: {args.file}: {message}"), file=sys.stderr)
        return 2
    if args.json:
        text = json.dumps(outcome.to_json(), ensure_ascii=False)
    else:
        text = render(outcome, election.meta.get("description", "") or str(args.file))
    try:
        print(text, flush=True)
    except BrokenPipeError:
        # The reader stopped reading (say `| head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
