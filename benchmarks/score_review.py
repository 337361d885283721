"""Time the Youth Bank score review page for a big round, on SQLite and on PostgreSQL.

A round with 500 eligible applications in two areas, 12 panel members and 4 criteria
(one member knows the group behind every tenth application and stepped out of it;
everyone else has finished scoring): 22,000 scores. For each database, in its own
subprocess with a fresh database:

- **page**: the whole review page as staff see it at the decision step (the request
  through Django's test client: middleware, the permission rule, the sums, the
  template), timed over several requests, and the number of queries it ran;
- **floor**: the same sums done by one hand-written SQL query (weighted total per
  member per application, then average, lowest and highest per application), no
  permission checks and no page. Nothing real can be faster than this, so
  page / floor says what everything else costs;
- the query count of the page for a round a tenth of the size, which must be equal
  (the page runs a fixed number of queries).

Usage::

    .venv/bin/python benchmarks/score_review.py [--databases sqlite postgres]
        [--applications 500] [--members 12] [--repeat 7]

PostgreSQL comes from ``$BENCH_POSTGRES_URL`` (default
``postgres://postgres@127.0.0.1:5432/postgres``); a database ``bench_score_review``
is made there afresh and dropped at the end. The last line printed is one JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BENCH_DB = "bench_score_review"
CRITERIA = (("Led by young people", 3), ("Good for the area", 2), ("Open to all", 2), ("Value", 1))

FLOOR_SQL = """
SELECT application_id, AVG(total), MIN(total), MAX(total), COUNT(*)
FROM (
    SELECT a.application_id AS application_id, a.id, SUM(s.value * c.weight) AS total
    FROM grants_score s
    JOIN grants_assessment a ON a.id = s.assessment_id
    JOIN grants_criterion c ON c.id = s.criterion_id
    JOIN grants_application app ON app.id = a.application_id
    WHERE app.round_id = %s AND app.status = 'eligible' AND a.finished_at IS NOT NULL
    GROUP BY a.application_id, a.id
) AS per_member
GROUP BY application_id
"""


def _postgres_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(sql)


def round_build(applications: int, members: int):
    """Make the round with bulk inserts (the rows the services would make, much faster)."""
    from django.utils import timezone

    from thegither.accounts.models import Area, Membership, Organisation, Role, User
    from thegither.grants.models import (
        Application,
        ApplicationStatus,
        Assessment,
        ConflictDeclaration,
        Criterion,
        Fund,
        PanelMember,
        Pot,
        Round,
        RoundPhase,
        Score,
    )

    number = Organisation.objects.count() + 1
    trust = Organisation.objects.create(name=f"Bench Trust {number}", slug=f"bench-{number}")
    adult = {"age_band": "over-25"}
    staff = User.objects.create(username=f"staff{number}", display_name="Staff", **adult)
    Membership.objects.create(user=staff, organisation=trust, role=Role.STAFF)
    contact = User.objects.create(
        username=f"group{number}", display_name="Group", age_band="over-25"
    )
    Membership.objects.create(user=contact, organisation=trust, role=Role.APPLICANT_CONTACT)
    fund = Fund.objects.create(organisation=trust, name="Youth Bank")
    round = Round.objects.create(fund=fund, name="Big round", phase=RoundPhase.DECISION)
    pots = [
        Pot.objects.create(
            round=round,
            area=Area.objects.create(organisation=trust, name=name),
            amount_pence=1_500_000,
            min_grant_pence=10_000,
            max_grant_pence=250_000,
        )
        for name in ("North West", "North East")
    ]
    criteria = [
        Criterion.objects.create(round=round, title=title, meaning=title, weight=weight, position=i)
        for i, (title, weight) in enumerate(CRITERIA)
    ]
    people = User.objects.bulk_create(
        User(username=f"m{number}-{i}", display_name=f"Member {i}", age_band="16-17")
        for i in range(members)
    )
    Membership.objects.bulk_create(
        Membership(user=person, organisation=trust, role=Role.PANEL_MEMBER) for person in people
    )
    panel = PanelMember.objects.bulk_create(
        PanelMember(round=round, user=person, number=i + 1, is_chair=i == 0)
        for i, person in enumerate(people)
    )
    made = Application.objects.bulk_create(
        Application(
            round=round,
            contact=contact,
            pot=pots[i % 2],
            group_name=f"Group {i:04d}",
            amount_pence=10_000 + 100 * i,
            status=ApplicationStatus.ELIGIBLE,
            submitted_at=timezone.now(),
            start_key=uuid.uuid4(),
            submission_key=uuid.uuid4(),
        )
        for i in range(applications)
    )
    declarations, assessments, now = [], [], timezone.now()
    for i, application in enumerate(made):
        for j, member in enumerate(panel):
            knows = j == 1 and i % 10 == 0
            declarations.append(
                ConflictDeclaration(
                    panel_member=member,
                    application=application,
                    has_conflict=knows,
                    reason="Knows them." if knows else "",
                )
            )
            if not knows:
                assessments.append(
                    Assessment(panel_member=member, application=application, finished_at=now)
                )
    ConflictDeclaration.objects.bulk_create(declarations, batch_size=2000)
    assessments = Assessment.objects.bulk_create(assessments, batch_size=2000)
    Score.objects.bulk_create(
        (
            Score(assessment=a, criterion=c, value=1 + (a.pk * 7 + c.pk * 3) % 5)
            for a in assessments
            for c in criteria
        ),
        batch_size=5000,
    )
    return round, staff


def _time(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def worker(database: str, applications: int, members: int, repeat: int) -> dict:
    """Run in a fresh process: set up the database, build rounds, time page and floor."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    setup_test_environment()  # the test client's in-memory email and allowed host
    call_command("migrate", verbosity=0)
    small_round, small_staff = round_build(max(1, applications // 10), members)
    big_round, staff = round_build(applications, members)
    client = Client()

    def review_queries(for_round, person) -> int:
        client.force_login(person)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("grants:review", args=[for_round.pk]))
        assert response.status_code == 200, response.status_code
        return len(captured)

    small_queries = review_queries(small_round, small_staff)
    queries = review_queries(big_round, staff)
    url = reverse("grants:review", args=[big_round.pk])
    page = _time(lambda: client.get(url), repeat)

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, [big_round.pk])
            return cursor.fetchall()

    assert len(floor()) == applications
    floor_times = _time(floor, repeat)
    page_s, floor_s = statistics.median(page), statistics.median(floor_times)
    return {
        "database": database,
        "applications": applications,
        "members": members,
        "criteria": len(CRITERIA),
        "page_ms_median": round_ms(page_s),
        "page_ms_best": round_ms(min(page)),
        "floor_ms_median": round_ms(floor_s),
        "page_over_floor": round(page_s / floor_s, 1),
        "queries": queries,
        "queries_for_a_tenth": small_queries,
        "fixed_queries": queries == small_queries,
    }


def round_ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def run_one(database: str, args) -> dict:
    env = dict(
        os.environ, DJANGO_SETTINGS_MODULE="thegither.settings", PYTHONPATH=str(REPO / "src")
    )
    env.pop("REDIS_URL", None)
    with tempfile.TemporaryDirectory() as data_dir:
        env["THEGITHER_DATA_DIR"] = data_dir
        if database == "postgres":
            _postgres_admin(f"DROP DATABASE IF EXISTS {BENCH_DB}")
            _postgres_admin(f"CREATE DATABASE {BENCH_DB}")
            env["DATABASE_URL"] = POSTGRES_URL.rsplit("/", 1)[0] + f"/{BENCH_DB}"
        else:
            env.pop("DATABASE_URL", None)
        try:
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    database,
                    "--applications",
                    str(args.applications),
                    "--members",
                    str(args.members),
                    "--repeat",
                    str(args.repeat),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            if database == "postgres":
                _postgres_admin(f"DROP DATABASE IF EXISTS {BENCH_DB}")
    if done.returncode != 0:
        raise SystemExit(f"{database} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--applications", type=int, default=500)
    parser.add_argument("--members", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.applications, args.members, args.repeat)))
        return 0
    results = [run_one(database, args) for database in args.databases]
    print(f"Score review: {args.applications} applications, {args.members} panel members")
    print(f"{'database':<10} {'page ms':>9} {'floor ms':>9} {'page/floor':>11} {'queries':>8}")
    for r in results:
        print(
            f"{r['database']:<10} {r['page_ms_median']:>9} {r['floor_ms_median']:>9} "
            f"{r['page_over_floor']:>10}x {r['queries']:>8}"
            f"{'' if r['fixed_queries'] else ' (NOT fixed: ' + str(r['queries_for_a_tenth']) + ')'}"
        )
    load = os.getloadavg()[0]
    print(
        json.dumps(
            {"benchmark": "score_review", "load_average": round(load, 2), "results": results}
        )
    )
    return 0 if all(r["fixed_queries"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
