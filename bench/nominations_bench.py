"""Award-nomination figures with 300 societies and 5,000 submitted nominations (SQLite).

Measures, through the services and the app (no HTTP server process):
  1. a full eligibility check of one nomination (services.check: the database reads and all rules),
  2. the eligibility-adjustment run for the cycle (statistics, rules, the stored run),
  3. a society's nomination list page and the association's review queue page (p50/p95).

Run: .venv/bin/python bench/nominations_bench.py   (takes about a minute to build the data)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

WORK = Path(tempfile.mkdtemp(prefix="xuehui-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite'}"
os.environ["XUEHUI_ARGON2_PROFILE"] = "cheapest"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SOCIETIES = 300
NOMINATIONS = 5_000
PEOPLE = 5


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


async def build() -> tuple[int, int, int]:
    from accounts.rules import Actor
    from accounts.services import create_user
    from nominations import services
    from nominations.demo import demo_nomination, open_cycle
    from nominations.tables import Nomination, NominationContributor, Quota
    from societies.tables import PilotProject, Society
    from xuehui.cli import apply_migrations
    from xuehui.clock import now, today
    from xuehui.db import prepare_sqlite
    from xuehui.idcard import make

    ok, message = await apply_migrations()
    assert ok, message
    await prepare_sqlite()
    moment = now()
    await Society.insert(
        *[
            Society(code=f"S{i:03d}", name_zh=f"学会{i:03d}", status="active", created_at=moment)
            for i in range(SOCIETIES)
        ]
    )
    society_ids = [r["id"] for r in await Society.select(Society.id).order_by(Society.id)]
    await PilotProject.insert(
        *[
            PilotProject(
                society=sid,
                title="奖励推荐试点",
                function_type="award_nomination",
                status="implementing",
                agreement="{}",
                created_at=moment,
                updated_at=moment,
            )
            for sid in society_ids
        ]
    )
    admin_id = await create_user(None, username="root", display_name="root", role="admin", password="bench-password-1")
    admin = Actor(admin_id, "root", "root", "admin")
    cycle_id = await open_cycle(admin, today().year, today())
    await Quota.insert(
        *[
            Quota(cycle=cycle_id, society_id=sid, category="technological_invention", quota=20, used=17)
            for sid in society_ids
        ]
    )
    pilots = {r["society"]: r["id"] for r in await PilotProject.select(PilotProject.id, PilotProject.society)}
    rows, people = [], []
    for n in range(NOMINATIONS):
        sid = society_ids[n % SOCIETIES]
        data = demo_nomination(f"项目{n}", 0)
        body = json.loads(data.body.model_dump_json())
        body["contributors"] = [
            {
                "name": f"人{n}-{k}",
                "id_number": make("370102", dt.date(1950, 1, 1) + dt.timedelta(days=n), k, "male"),
                "birth_date": None,
                "unit": "山东大学",
                "title": "教授",
                "contribution": "研究",
            }
            for k in range(PEOPLE)
        ]
        rows.append(
            Nomination(
                cycle=cycle_id,
                society_id=sid,
                pilot_project_id=pilots[sid],
                status="submitted",
                title=f"项目{n}",
                category="technological_invention",
                grade="second",
                body=json.dumps(body, ensure_ascii=False),
                fingerprint="{}",
                snapshot="{}",
                created_by=admin_id,
                created_at=moment,
                updated_at=moment,
                submitted_at=moment,
            )
        )
    for start in range(0, len(rows), 500):
        await Nomination.insert(*rows[start : start + 500])
    ids = [r["id"] for r in await Nomination.select(Nomination.id, Nomination.body).order_by(Nomination.id)]
    seen: set[str] = set()
    for nomination_id, row in zip(ids, rows, strict=True):
        for person in json.loads(str(row.body))["contributors"]:
            if person["id_number"] not in seen:
                seen.add(person["id_number"])
                people.append(
                    NominationContributor(
                        nomination=nomination_id, cycle_id=cycle_id, id_number=person["id_number"], name=person["name"]
                    )
                )
    for start in range(0, len(people), 1000):
        await NominationContributor.insert(*people[start : start + 1000])
    nominator_id = await create_user(
        None,
        username="nominator",
        display_name="n",
        role="society",
        password="bench-password-1",
        society_id=society_ids[0],
    )
    _ = services
    return cycle_id, admin_id, nominator_id


async def measure(cycle_id: int, admin_id: int, nominator_id: int) -> None:
    from litestar.testing import AsyncTestClient

    from accounts.rules import Actor
    from nominations import services
    from nominations.demo import demo_nomination
    from societies.tables import Society
    from xuehui.app import create_app
    from xuehui.db import connection_pool, engine

    first = (await Society.select(Society.id).order_by(Society.id).first())["id"]
    nominator = Actor(nominator_id, "nominator", "n", "society", society_id=first)
    admin = Actor(admin_id, "root", "root", "admin")
    candidate = demo_nomination("新项目", 6)
    # Once as the command line runs it (a connection a statement), once as the app runs it (the
    # statement connections of `connection_pool` reused).
    for setting, pool_size in (("a new connection a statement", 0), ("as the app runs, connections reused", 10)):
        async with connection_pool(pool_size):
            times = []
            for _ in range(100):
                start = time.perf_counter()
                result = await services.check(nominator, cycle_id, candidate)
                times.append(time.perf_counter() - start)
        print(
            f"eligibility check of one nomination (database reads + every rule), {setting}, 100 runs: "
            f"median {ms(statistics.median(times))}, "
            f"p95 {ms(sorted(times)[94])}; problems found: {len(result.problems)}"
        )
    from nominations.rules.eligibility import build_context, check_nomination
    from nominations.tables import NominationContributor

    config = await services.cycle_config(cycle_id)
    everyone: dict[str, list[str]] = {}
    for row in await NominationContributor.select(NominationContributor.nomination, NominationContributor.id_number):
        everyone.setdefault(str(row["nomination"]), []).append(row["id_number"])
    context = build_context(cycle_contributors=list(everyone.items()))
    facts = candidate.facts()
    start = time.perf_counter()
    for _ in range(1000):
        check_nomination(facts, config, context)
    print(
        f"the rules alone against all {len(everyone)} nominations' contributors: "
        f"{ms((time.perf_counter() - start) / 1000)} per check"
    )

    start = time.perf_counter()
    run_id = await services.run_adjustment(admin, cycle_id)
    elapsed = time.perf_counter() - start
    table = await services.adjustment_table(run_id)
    print(f"adjustment run for {len(table['rows'])} societies: {ms(elapsed)}")

    app = create_app()
    async with AsyncTestClient(app=app) as client:
        page = await client.get("/login")
        token = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
        await client.post(
            "/login", data={"username": "nominator", "password": "bench-password-1", "_csrf_token": token}
        )
        for path in ("/nominations",):
            samples = []
            for _ in range(60):
                start = time.perf_counter()
                response = await client.get(path)
                samples.append(time.perf_counter() - start)
                assert response.status_code == 200
            samples.sort()
            print(
                f"society's nomination list page {path} ({NOMINATIONS // SOCIETIES + 1} nominations), 60 requests: "
                f"p50 {ms(samples[29])}, p95 {ms(samples[56])}"
            )
    async with AsyncTestClient(app=app) as client:
        page = await client.get("/login")
        token = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
        await client.post("/login", data={"username": "root", "password": "bench-password-1", "_csrf_token": token})
        samples = []
        for _ in range(60):
            start = time.perf_counter()
            response = await client.get("/admin/nominations?status=submitted")
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200
        samples.sort()
        print(
            "association's review queue page (5,000 submitted, 100 a page), 60 requests: "
            f"p50 {ms(samples[29])}, p95 {ms(samples[56])}"
        )
    _ = engine


async def main() -> None:
    start = time.perf_counter()
    ids = await build()
    print(f"built {SOCIETIES} societies and {NOMINATIONS} submitted nominations in {time.perf_counter() - start:.1f} s")
    await measure(*ids)


if __name__ == "__main__":
    asyncio.run(main())
