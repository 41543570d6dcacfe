"""The world the API fuzzing runs in, and a cheap way to put it back before every operation.

`build_world()` makes real objects through the services (two nominating societies with an open
cycle and nominations, a review batch with assignments for two experts, two exam societies with
a plan each and registered candidates, a finished job) and gives every identity a personal API
token. `Snapshot` copies the whole database once it is built and restores it before each
operation's test, so one operation's writes (a disabled user, a revoked token, a published plan)
never change what the next one sees.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accounts.rules import Actor
from accounts.services import create_api_token
from accounts.tables import User
from exams import services as exams
from exams.schemas import ReviewIn
from expert_pool import services as experts
from expert_pool.tables import ReviewAssignment
from nominations import services as nominations
from societies.tables import PilotProject
from tests.exams.exam_support import PNG, exam_society, person, plan_in
from tests.expert_pool.support import batch, item, make_expert
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import initial_passwords_changed, make_user
from xuehui.clock import now
from xuehui.tables import Job
from xuehui.threads import run_in_thread

# The identities the API is called as. Society B, the second expert, exam admin B and candidate B
# exist to be the peers of A in the object-level authorization check.
ANON = "anonymous"
ADMIN = "admin"
SOCIETY_A = "society_a"
SOCIETY_B = "society_b"
EXPERT = "expert"
EXPERT_B = "expert_b"
EXAM_A = "exam_admin"
EXAM_B = "exam_admin_b"
CANDIDATE = "candidate"
CANDIDATE_B = "candidate_b"
IDENTITIES = (ANON, ADMIN, SOCIETY_A, SOCIETY_B, EXPERT, EXPERT_B, EXAM_A, EXAM_B, CANDIDATE, CANDIDATE_B)


@dataclass
class World:
    tokens: dict[str, str] = field(default_factory=dict)  # identity -> bearer token
    user_ids: dict[str, int] = field(default_factory=dict)
    token_ids: dict[str, int] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)  # named objects (see build_world)

    def headers(self, identity: str) -> dict[str, str]:
        token = self.tokens.get(identity)
        return {"Authorization": f"Bearer {token}"} if token else {}


async def _actor(username: str) -> Actor:
    row = await User.select().where(User.username == username).first()
    assert row is not None, username
    return Actor(
        user_id=row["id"],
        username=username,
        display_name=row["display_name"],
        role=row["role"],
        society_id=row["society_id"],
    )


async def build_world() -> World:
    world = World()
    actors: dict[str, Actor] = {}

    # Two nominating societies, each with a running award pilot, an open cycle and nominations.
    cycle_id, admin, society_a, society_a_id = await nominating_society("CMES", "nominator_a", quota=3)
    society_b_id = await _second_nominating_society(admin, cycle_id)
    society_b = await _actor("nominator_b")
    actors.update({ADMIN: admin, SOCIETY_A: society_a, SOCIETY_B: society_b})
    draft_a = await nominations.create_nomination(society_a, cycle_id, demo_nomination("数控机床精度保持关键技术", 3))
    submitted_a = await nominations.create_nomination(
        society_a, cycle_id, demo_nomination("焊接机器人路径规划方法", 3, start=10)
    )
    await nominations.submit(society_a, submitted_a, "world-a-1")
    draft_b = await nominations.create_nomination(society_b, cycle_id, demo_nomination("软件定义网络关键技术", 3, 20))
    world.ids.update(
        cycle_year=(await nominations.cycle_row(cycle_id))["year"],
        society_a=society_a_id,
        society_b=society_b_id,
        nomination_a=draft_a,
        submitted_a=submitted_a,
        nomination_b=draft_b,
    )
    pilots = await PilotProject.select(PilotProject.id, PilotProject.society)
    world.ids["pilot_a"] = next(p["id"] for p in pilots if p["society"] == society_a_id)
    world.ids["pilot_b"] = next(p["id"] for p in pilots if p["society"] == society_b_id)

    # Two experts with accounts, a review batch whose items are assigned to them.
    expert_a_id = await make_expert(admin, 1, name="林教授", username="expert_a")
    expert_b_id = await make_expert(admin, 2, name="周教授", username="expert_b")
    actors[EXPERT] = await _actor("expert_a")
    actors[EXPERT_B] = await _actor("expert_b")
    batch_id = await experts.create_batch(admin, batch([item("A"), item("B")], required=1, max_load=1))
    await experts.run_assignment(admin, batch_id, seed=1)
    rows = await ReviewAssignment.select(ReviewAssignment.id, ReviewAssignment.expert).where(
        ReviewAssignment.item.batch == batch_id
    )
    assignments = {r["expert"]: r["id"] for r in rows}
    world.ids.update(
        expert_a=expert_a_id,
        expert_b=expert_b_id,
        batch=batch_id,
        assignment_a=assignments[expert_a_id],
        assignment_b=assignments[expert_b_id],
    )

    # Two exam societies, each with a plan; candidates registered, approved and paid in plan A.
    exam_society_a, exam_a = await exam_society("CCS")
    exam_society_b, exam_b = await exam_society("CES")
    actors.update({EXAM_A: exam_a, EXAM_B: exam_b})
    plan_a = await exams.create_plan(exam_a, plan_in("HG26"))
    plan_b = await exams.create_plan(exam_b, plan_in("DQ26", exam_code="DQ"))
    for identity, n in ((CANDIDATE, 1), (CANDIDATE_B, 2)):
        candidate = await make_user(f"cand{n}", "candidate")
        registration = await exams.register(candidate, plan_a, person(n), PNG)
        await exams.review(exam_a, registration, ReviewIn(decision="approve"))
        await exams.mark_paid(exam_a, registration)
        actors[identity] = candidate
        world.ids[f"registration_{identity}"] = registration
    job = Job(
        kind="score_import",
        state="succeeded",
        progress=100,
        result='{"imported": 0}',
        created_by=exam_a.user_id,
        society_id=exam_society_a,
        created_at=now(),
        finished_at=now(),
    )
    await job.save()
    world.ids.update(
        exam_society_a=exam_society_a, exam_society_b=exam_society_b, plan_a=plan_a, plan_b=plan_b, job_a=int(job.id)
    )

    for identity, actor in actors.items():
        token_id, token = await create_api_token(actor, f"schemathesis {identity}", scope="read_write")
        world.tokens[identity] = token
        world.token_ids[identity] = token_id
        world.user_ids[identity] = actor.user_id
    await initial_passwords_changed()
    return world


async def _second_nominating_society(admin: Actor, cycle_id: int) -> int:
    from societies import services as pilots
    from societies.schemas import PilotIn
    from tests.support import make_society

    society_id = await make_society("CCF", "计算机学会")
    await make_user("nominator_b", "society", society_id)
    project = await pilots.create_pilot(
        admin, PilotIn(society_id=society_id, title="奖励推荐试点", function_type="award_nomination")
    )
    await pilots.PilotProject.update({pilots.PilotProject.status: "implementing"}).where(
        pilots.PilotProject.id == project
    )
    await nominations.set_quota(admin, cycle_id, society_id, "technological_invention", 3)
    return society_id


# --- snapshot and restore ----------------------------------------------------------------------


class Snapshot:
    """The whole database as it was once the world was built, and the way back to it.

    SQLite: a copy of the file. PostgreSQL: every row and sequence, written back in one
    transaction that first deletes everything with triggers off (`session_replication_role =
    replica`), which is much faster than TRUNCATE on some sixty tables and leaves the audit
    log's append-only trigger in place for everyone else.
    """

    def __init__(self) -> None:
        self.sqlite_copy: Path | None = None
        self.all_tables: list[str] = []
        self.tables: list[tuple[str, list[str], list[tuple[Any, ...]]]] = []
        self.sequences: list[tuple[str, int, bool]] = []

    @staticmethod
    def database_url() -> str:
        return os.environ["DATABASE_URL"]

    def take(self, directory: Path) -> None:
        url = self.database_url()
        if url.startswith("sqlite"):
            run_in_thread(_checkpoint())
            self.sqlite_copy = directory / "world.sqlite"
            shutil.copyfile(url.removeprefix("sqlite:///"), self.sqlite_copy)
        else:
            run_in_thread(self._read_postgres(url))

    def restore(self) -> None:
        url = self.database_url()
        if self.sqlite_copy is not None:
            path = url.removeprefix("sqlite:///")
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.sqlite_copy, path)
        else:
            run_in_thread(self._write_postgres(url))

    async def _read_postgres(self, url: str) -> None:
        import asyncpg

        connection = await asyncpg.connect(url)
        try:
            names = await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migration'"
            )
            self.all_tables = [row["tablename"] for row in names]
            for table in self.all_tables:
                records = await connection.fetch(f'SELECT * FROM "{table}"')  # noqa: S608 - catalogue names
                if records:
                    self.tables.append((table, list(records[0].keys()), [tuple(r.values()) for r in records]))
            sequences = await connection.fetch(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            )
            self.sequences = [(s["sequencename"], s["last_value"] or 1, s["last_value"] is not None) for s in sequences]
        finally:
            await connection.close()

    async def _write_postgres(self, url: str) -> None:
        import asyncpg

        connection = await asyncpg.connect(url)
        try:
            async with connection.transaction():
                # Triggers off for this transaction only: foreign keys and the audit log's guard.
                deletes = " ".join(f'DELETE FROM "{table}";' for table in self.all_tables)  # noqa: S608 - catalogue
                await connection.execute(f"SET LOCAL session_replication_role = replica; {deletes}")
                for table, columns, records in self.tables:
                    await connection.copy_records_to_table(table, records=records, columns=columns)
                await connection.executemany("SELECT setval($1, $2, $3)", self.sequences)
        finally:
            await connection.close()


async def _checkpoint() -> None:
    from piccolo.querystring import QueryString

    from xuehui.db import engine

    await engine().run_querystring(QueryString("PRAGMA wal_checkpoint(TRUNCATE)"))
