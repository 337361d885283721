"""SIGKILL the server in the middle of a workshop: every acknowledged answer must count once.

    .venv/bin/python benchmarks/live_kill.py                        # 1,000 phones, SQLite
    .venv/bin/python benchmarks/live_kill.py --database postgres

The same workshop as live_load.py (benchmarks/live_phones.py), without the burst. When
`--kill-at` of the phones have their answer to the second activity acknowledged, the
server process is sent SIGKILL (no clean-up, as in a power cut), left down for `--down`
seconds, and started again on the same port. Phones see their requests fail and their
sockets close; they poll, reconnect, and retry every answer not yet acknowledged with the
same UUID, as docs/live-protocol.md says. At the end the database is read: every
acknowledged answer must be stored, each phone counted once per activity, and the counts
must equal what the phones were told was counted.

It prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

import live_phones as lp


def options(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=1, help="the first one is killed")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--think", type=float, default=10.0)
    parser.add_argument("--resend", type=float, default=0.05)
    parser.add_argument("--drop", type=float, default=0.10)
    parser.add_argument("--kill-at", type=float, default=0.4, help="share of activity 2 done")
    parser.add_argument("--down", type=float, default=2.0, help="seconds before the restart")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = options(argv)
    lp.event_loop_policy()
    lp.files_limit_raise()
    before = lp.machine()
    redis_url = args.redis if args.processes > 1 else ""
    database = lp.database_make(
        args.database, postgres_url=args.postgres, redis_url=redis_url, keep=args.keep
    )
    kill: dict = {}
    try:
        workshop = lp.workshop_make("Kill test")
        servers = lp.thegither_servers(database, args.processes, deflate=False)
        plan = lp.Plan(
            phones=args.phones,
            think=args.think,
            resend=args.resend,
            drop=args.drop,
            burst=0,
            seed=args.seed,
        )
        run = lp.Run(plan, [], workshop)
        victim = servers[0]
        second = workshop.activities[1][0]

        async def killer(run: lp.Run) -> None:
            while True:
                acked = [s for s in run.figures.answers if s.acked_at and s.activity == second]
                if len(acked) >= args.kill_at * len(run.joined):
                    break
                await asyncio.sleep(0.05)
            at = time.monotonic()
            kill["acknowledged_before"] = sum(1 for s in run.figures.answers if s.acked_at)
            kill["in_flight"] = sum(1 for s in run.figures.answers if s.acked_at is None)
            victim.kill()
            kill["killed_at_s"] = round(at - started[0], 1)
            await asyncio.sleep(args.down)
            victim.start()
            await victim.wait_ready()
            kill["back_after_s"] = round(time.monotonic() - at, 1)
            kill["marked_at"] = at
            kill["back_at"] = time.monotonic()

        started = [0.0]

        async def go():
            await lp.servers_start(servers)
            run.ports = [server.port for server in servers]
            cpu = lp.cpu_self()
            started[0] = time.monotonic()
            await lp.thegither_run(run, during=killer)
            return lp.cpu_self() - cpu, time.monotonic() - started[0]

        try:
            cpu, wall = asyncio.run(go())
            checked = lp.check_thegither(run.figures, workshop)
            result = lp.summary(
                run.figures,
                checked,
                servers,
                loadgen_cpu=cpu,
                wall=wall,
                burst_started=0.0,
                presenter=True,
            )
        finally:
            for server in servers:
                server.stop()
    finally:
        database.cleanup()
    marked = kill.pop("marked_at", None)
    back = kill.pop("back_at", None)
    # An answer the server had committed when it died, whose acknowledgement never came:
    # retried with the same UUID after the restart, it must come back "replayed".
    kill["replayed_after_restart"] = sum(
        1
        for s in run.figures.answers
        if s.replayed and s.tries > 1 and marked is not None and s.sent_at <= marked
    )
    # Answers in flight at the kill or sent while the server was down: each had to be
    # retried with its UUID until the new process acknowledged it.
    kill["retried_across_the_kill"] = sum(
        1
        for s in run.figures.answers
        if marked is not None
        and s.acked_at is not None
        and s.sent_at <= back
        and s.acked_at > marked
        and s.tries > 1
    )
    print(lp.table([("thegither, killed once", result)]))
    print()
    every_ack_counted_once = (
        result["answers_lost"] == 0
        and result["duplicates"] == 0
        and result["count_mismatches"] == 0
        and result["answers_unacknowledged"] == 0
        and bool(kill.get("back_after_s"))
    )
    summary = {
        "benchmark": "live_kill",
        "phones": args.phones,
        "processes": args.processes,
        "database": args.database,
        "channel_layer": "redis-pubsub" if redis_url else "in-memory",
        "think_s": args.think,
        "machine_before": before,
        "machine_after": lp.machine(),
        "kill": kill,
        **result,
        "targets": {
            "met": every_ack_counted_once,
            "every_ack_counted_once": every_ack_counted_once,
        },
    }
    print(json.dumps(summary))
    return 0 if every_ack_counted_once else 1


if __name__ == "__main__":
    sys.exit(main())
