"""The 2,000 items x 10,000 experts assignment through the service, with the database.

    python bench/expert_pool_service_bench.py                 # a fresh SQLite file in a temp dir
    DATABASE_URL=postgresql://.../empty_db python bench/expert_pool_service_bench.py

    python bench/expert_pool_service_bench.py --job           # the run as a job in the process pool

Phases, each timed: registering 10,000 experts (one import transaction), creating the batch of
2,000 generic items (which runs conflict detection over the registry), and `run_assignment`
(conflict re-check, candidate affinities from disciplines and keywords, the optimal min-cost flow,
storing the assignments) or, with --job, `start_assignment_job` until the job has succeeded.
Prints wall time per phase and peak RSS.

The instance has the size and shape of bench/assign_generate.py's `large` (2,000 x 10,000, k=5,
load <= 6, a few hundred candidates per item, seeded), but its affinities come from GB/T 13745
codes and keywords, because the service computes them itself rather than reading S.csv: experts
and items draw a second-level code under one of the 62 first-level disciplines (same second
level: affinity 0.7, same first level: 0.42, plus 0.3 x keyword Jaccard), and their units come
from a shared pool of 2,000, so same-unit conflicts are detected and queued.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup_database() -> str:
    if "DATABASE_URL" not in os.environ:
        folder = Path(tempfile.mkdtemp(prefix="xuehui-bench-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite'}"
    os.environ.setdefault("XUEHUI_ARGON2_PROFILE", "cheapest")
    return os.environ["DATABASE_URL"]


async def main(items: int, experts: int, k: int, load: int, seed: int, job: bool) -> None:
    from accounts.rules import Actor
    from accounts.services import create_user
    from expert_pool import disciplines, services
    from expert_pool.schemas import BatchIn, PersonIn, ReviewFormIn, ReviewItemIn
    from expert_pool.tables import ConflictRecord, ReviewAssignment
    from xuehui import idcard
    from xuehui.cli import apply_migrations

    ok, message = await apply_migrations()
    assert ok, message
    admin_id = await create_user(
        None,
        username="bench",
        display_name="bench",
        role="admin",
        password="bench-password-1",
        must_change_password=False,
    )
    admin = Actor(user_id=admin_id, username="bench", display_name="bench", role="admin")
    rng = np.random.default_rng(seed)
    first = disciplines.first_level_codes()
    vocabulary = [f"关键词{i}" for i in range(3000)]
    units = [f"单位{i}" for i in range(2000)]

    def code() -> str:
        return f"{first[int(rng.integers(len(first)))]}.{int(rng.integers(1, 10)) * 10}"

    def words() -> list[str]:
        return [vocabulary[int(i)] for i in rng.choice(len(vocabulary), size=3, replace=False)]

    rows = []
    for j in range(experts):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=j // 50)
        rows.append(
            {
                "name": f"专家{j}",
                "sex": "male",
                "birth_year": born.year,
                "id_number": idcard.make("330106", born, j % 50, "male"),
                "title": "教授",
                "rank": "senior",
                "unit": units[int(rng.integers(len(units)))],
                "in_province": bool(rng.random() < 0.7),
                "primary_discipline": code(),
                "secondary_disciplines": [],
                "keywords": words(),
                "phone": "",
                "email": "",
                "status": "active",
            }
        )
    review_items = [
        ReviewItemIn(
            kind="bench",
            external_id=str(i),
            title=f"项目{i}",
            disciplines=[code()],
            keywords=words(),
            people=[PersonIn(name=f"完成人{i}-{p}") for p in range(3)],
            units=[units[int(u)] for u in rng.choice(len(units), size=2, replace=False)],
            category="A",
        )
        for i in range(items)
    ]
    form = ReviewFormIn.model_validate(
        {"criteria": [{"code": "overall", "name_zh": "总体", "weight": 1, "min_score": 0, "max_score": 100}]}
    )

    timings: list[tuple[str, float]] = []
    started = time.perf_counter()
    await services.save_imported(admin, rows, [""] * len(rows))
    timings.append(("register 10,000 experts", time.perf_counter() - started))

    started = time.perf_counter()
    batch_id = await services.create_batch(
        admin, BatchIn(name="bench", required=k, max_load=load, form=form, items=review_items)
    )
    timings.append(("create batch + detect conflicts", time.perf_counter() - started))

    started = time.perf_counter()
    if job:
        from xuehui import jobs

        finished = await jobs.wait_for_job(await services.start_assignment_job(admin, batch_id, "optimal"), 600)
        assert finished["state"] == "succeeded", finished
        total_affinity = float(finished["result"]["total_affinity"])
        timings.append(("assignment job (affinity, solve in pool, store)", time.perf_counter() - started))
    else:
        total_affinity = (await services.run_assignment(admin, batch_id, "optimal")).total_affinity
        timings.append(("run_assignment (affinity, solve, store)", time.perf_counter() - started))

    stored = await ReviewAssignment.count()
    conflicts = await ConflictRecord.count()
    print(f"database: {os.environ['DATABASE_URL'].split('://')[0]}")
    print(f"items: {items}; experts: {experts}; k: {k}; max load: {load}")
    print(f"assignments stored: {stored}; conflicts queued: {conflicts}; total affinity: {total_affinity:.4f}")
    for name, seconds in timings:
        print(f"{name:<42} {seconds:7.2f} s")
    print(f"{'total':<42} {sum(s for _, s in timings):7.2f} s")
    print(f"peak_rss_mb: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
    if job:
        print("(the solve ran in a process-pool worker, whose memory is not included above)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--experts", type=int, default=10000)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--max-load", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--job", action="store_true", help="assign through start_assignment_job (process pool)")
    args = parser.parse_args()
    _setup_database()
    asyncio.run(main(args.items, args.experts, args.k, args.max_load, args.seed, args.job))
