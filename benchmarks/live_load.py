"""How many phones one Thegither server takes: a workshop on loopback, against a bare baseline.

    .venv/bin/python benchmarks/live_load.py                    # 1,000 phones, 1 process, SQLite
    .venv/bin/python benchmarks/live_load.py --phones 2000 --processes 2 --database postgres
    .venv/bin/python benchmarks/live_load.py --compare-deflate  # and with per-message deflate
    .venv/bin/python benchmarks/live_load.py --scenario meeting   # 300 phones pressing cards

Each run makes a fresh database, a session with 5 activities, and starts the real server
(`thegither.core.server.serve`, the uvicorn options of `thegither up`). N phones join,
open their sockets and answer each activity within `--think` seconds of seeing it; some
resend an answer with the same UUID, some drop their socket and poll. After the five
activities every phone changes its last answer `--burst` times as fast as the server
acknowledges: answers per second comes from that burst. Then the same phones send the
same answers, in the same rhythm, to a bare ASGI app (benchmarks/live_baseline.py) run
by the same uvicorn. See benchmarks/live_phones.py for what is simulated.

With more than one process, phones are shared out between them (as a load balancer
would), the presenter and the facilitator use the first, and Redis carries snapshots
between processes (REDIS_URL, `--redis`, whose database is emptied first).

`--scenario meeting` holds a planning meeting instead (benchmarks/live_meeting.py): 300
phones hold cards up and put them down while the facilitator calls speakers; a card
press stands where an answer stands in the figures, with the same targets, and the
presenter time is from a hand going up to the big screen's queue showing it.

It prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

import live_meeting as lm
import live_phones as lp

TARGETS = {
    "answers_lost": 0,
    "duplicates": 0,
    "presenter_p95_ms": 1000,
    "ack_p95_ms": 300,
    "throughput_vs_baseline": 1 / 3,
}


def options(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", choices=["workshop", "meeting"], default="workshop")
    parser.add_argument("--phones", type=int, help="1,000 for a workshop, 300 for a meeting")
    parser.add_argument("--rounds", type=int, default=4, help="cards each phone presses")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/5",
        help="used (and emptied) when there is more than one process",
    )
    parser.add_argument("--think", type=float, default=10.0, help="seconds phones take")
    parser.add_argument("--burst", type=int, default=3, help="answers each in the burst")
    parser.add_argument("--resend", type=float, default=0.05)
    parser.add_argument("--drop", type=float, default=0.10)
    parser.add_argument("--compare-deflate", action="store_true")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL databases")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.phones is None:
        args.phones = 300 if args.scenario == "meeting" else 1000
    return args


def plan_of(args) -> lp.Plan:
    return lp.Plan(
        phones=args.phones,
        think=args.think,
        resend=args.resend,
        drop=args.drop,
        burst=args.burst,
        seed=args.seed,
    )


def measured(run, servers, play, check, summary, *, presenter: bool) -> dict:
    """Start the servers, play the run against them, check it and sum it up; stop them.

    `play` is a coroutine function given the servers' ports; `check` and `summary` come
    from the scenario's module (live_phones or live_meeting).
    """
    try:

        async def go():
            await lp.servers_start(servers)
            ports = [server.port for server in servers]
            cpu, started = lp.cpu_self(), time.monotonic()
            extra = await play(ports)
            return extra, lp.cpu_self() - cpu, time.monotonic() - started

        extra, cpu, wall = asyncio.run(go())
        for server in servers:
            server.sample()
        result = summary(
            run.figures,
            check(),
            servers,
            loadgen_cpu=cpu,
            wall=wall,
            burst_started=run.burst_started,
            presenter=presenter,
        )
    finally:
        for server in servers:
            server.stop()
    return {**result, **{k: round(v, 1) for k, v in extra.items()}}


def thegither_measure(args, database: lp.Database, *, deflate: bool) -> dict:
    workshop = lp.workshop_make(f"Load test, deflate {'on' if deflate else 'off'}")
    servers = lp.thegither_servers(database, args.processes, deflate=deflate)
    run = lp.Run(plan_of(args), [], workshop)

    async def play(ports):
        run.ports = ports
        return await lp.thegither_run(run)

    result = measured(
        run,
        servers,
        play,
        lambda: lp.check_thegither(run.figures, workshop),
        lp.summary,
        presenter=True,
    )
    return {**result, "deflate": deflate}


def baseline_measure(args, database: lp.Database, workshop: lp.Workshop) -> dict:
    database.baseline_reset()
    servers = lp.baseline_servers(database, args.processes)
    run = lp.Run(plan_of(args), [], workshop)
    # Phones are shared out between the processes as with Thegither.
    return measured(
        run,
        servers,
        lambda ports: lp.baseline_run(run, ports),
        lambda: lp.check_baseline(run.figures, database),
        lp.summary,
        presenter=False,
    )


def meeting_measure(args, database: lp.Database) -> dict:
    meeting = lm.meeting_make("Load test meeting")
    servers = lp.thegither_servers(database, args.processes, deflate=False)
    run = lm.MeetingRun(plan_of(args), [], meeting, args.rounds)

    async def play(ports):
        run.ports = ports
        return await lm.thegither_meeting(run)

    result = measured(
        run,
        servers,
        play,
        lambda: lm.check_thegither(run.figures, meeting),
        lm.summary,
        presenter=True,
    )
    return {**result, "deflate": False}


def meeting_baseline_measure(args, database: lp.Database) -> dict:
    database.baseline_reset()
    servers = lp.baseline_servers(database, args.processes)
    run = lm.MeetingRun(plan_of(args), [], lm.Meeting(0, "", ""), args.rounds)
    return measured(
        run,
        servers,
        lambda ports: lm.baseline_meeting(run, ports),
        lambda: lm.check_baseline(run.figures, database),
        lm.summary,
        presenter=False,
    )


def targets(thegither: dict, baseline: dict | None) -> dict:
    ratio = None
    if baseline and baseline.get("answers_per_s") and thegither.get("answers_per_s"):
        ratio = round(thegither["answers_per_s"] / baseline["answers_per_s"], 3)
    checks = {
        "answers_lost_0": thegither["answers_lost"] == 0,
        "duplicates_0": thegither["duplicates"] == 0 and thegither["count_mismatches"] == 0,
        "presenter_p95_under_1s": (thegither["presenter_ms"]["p95"] or 1e9) < 1000,
        "ack_p95_under_300ms": (thegither["ack_ms"]["p95"] or 1e9) < 300,
        "throughput_at_least_a_third_of_baseline": ratio is not None and ratio >= 1 / 3,
    }
    return {"throughput_vs_baseline": ratio, "met": all(checks.values()), **checks}


def main(argv=None) -> int:
    args = options(argv)
    lp.event_loop_policy()
    files = lp.files_limit_raise()
    before = lp.machine()
    redis_url = args.redis if args.processes > 1 else ""
    database = lp.database_make(
        args.database, postgres_url=args.postgres, redis_url=redis_url, keep=args.keep
    )
    try:
        rows = []
        deflated = None
        if args.scenario == "meeting":
            thegither = meeting_measure(args, database)
            rows.append(("thegither meeting", thegither))
        else:
            thegither = thegither_measure(args, database, deflate=False)
            rows.append(("thegither", thegither))
        if args.compare_deflate and args.scenario == "workshop":
            deflated = thegither_measure(args, database, deflate=True)
            rows.append(("thegither, deflate on", deflated))
        baseline = None
        if not args.no_baseline and args.scenario == "meeting":
            baseline = meeting_baseline_measure(args, database)
            rows.append(("bare ASGI baseline", baseline))
        elif not args.no_baseline:
            workshop = lp.Workshop(0, "", [(n + 1, k) for n, k in enumerate(lp.KINDS)], "")
            baseline = baseline_measure(args, database, workshop)
            rows.append(("bare ASGI baseline", baseline))
    finally:
        database.cleanup()
    print(lp.table(rows))
    print()
    result = {
        "benchmark": "live_load",
        "scenario": args.scenario,
        "unit": "card presses" if args.scenario == "meeting" else "answers",
        "phones": args.phones,
        "processes": args.processes,
        "database": args.database,
        "channel_layer": "redis-pubsub" if redis_url else "in-memory",
        "think_s": args.think,
        "burst": args.burst,
        "open_files_limit": files,
        "machine_before": before,
        "machine_after": lp.machine(),
        **{k: v for k, v in thegither.items()},
        "baseline": baseline,
        "targets": targets(thegither, baseline),
    }
    if deflated is not None:
        result["deflate_on"] = deflated
    print(json.dumps(result))
    return 0 if result["targets"]["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
