"""Reading jobs: one job for an actor who may see it, waiting for one, and failing the jobs whose
process is gone (when they are read, and for every job at start-up)."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from accounts.rules import Actor
from xuehui.clock import aware, now
from xuehui.errors import NotFound, Reason
from xuehui.jobs.process import WORKER, process_gone, tasks
from xuehui.jobs.runner import fail_job, guard
from xuehui.jobs.states import ACTIVE, INTERRUPTED, JobState
from xuehui.tables import Job

STALE_AFTER = dt.timedelta(seconds=60)  # twelve missed heartbeats: the process elsewhere is gone
WAIT_TIMEOUT_SECONDS = 60.0
WAIT_POLL_SECONDS = 0.05


def _is_stale(row: dict[str, Any], moment: dt.datetime) -> bool:
    if row["state"] not in ACTIVE:
        return False
    if row["worker"] == WORKER:
        return int(row["id"]) not in tasks
    if process_gone(str(row["worker"] or "")):
        return True
    beat = row["heartbeat_at"] or row["created_at"]
    return moment - aware(beat) > STALE_AFTER


async def mark_stale(rows: list[dict[str, Any]]) -> None:
    """Fail the stale ones among `rows`, refreshing each row from the database.

    Conditional on the state still being active: a job that finished after `rows` were read (and
    so left `tasks`) keeps its outcome.
    """
    moment = now()
    for row in rows:
        if not _is_stale(row, moment):
            continue
        await fail_job(int(row["id"]), str(row["state"]), [INTERRUPTED], moment)
        fresh = await Job.select().where(Job.id == row["id"]).first().output(load_json=True)
        if fresh is not None:
            row.update(fresh)


async def fail_stale_jobs() -> int:
    """Mark every job whose process is gone as failed; return how many (call at start-up)."""
    rows = await Job.select().where(Job.state.is_in(guard(ACTIVE))).output(load_json=True)
    await mark_stale(rows)
    return sum(1 for r in rows if r["state"] == JobState.FAILED)


def _visible(actor: Actor | None, row: dict[str, Any]) -> bool:
    if actor is None or actor.is_admin:
        return True
    if row["created_by"] == actor.user_id:
        return True
    return row["society_id"] is not None and actor.society_id == row["society_id"]


async def get_job(actor: Actor | None, job_id: int) -> dict[str, Any]:
    """The job as a dict (result and errors decoded); 404 for a job the actor may not see."""
    row = await Job.select().where(Job.id == job_id).first().output(load_json=True)
    if row is None or not _visible(actor, row):
        raise NotFound(Reason("job.not_found", "任务不存在或无权查看", "job not found or not visible to you"))
    await mark_stale([row])
    return dict(row)


async def wait_for_job(job_id: int, timeout: float = WAIT_TIMEOUT_SECONDS) -> dict[str, Any]:  # noqa: ASYNC109 - a plain limit
    """Wait until the job has finished (tests, the command line and benchmarks)."""
    task = tasks.get(job_id)
    if task is not None:
        await asyncio.wait_for(asyncio.shield(task), timeout)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        row = await get_job(None, job_id)
        if row["state"] not in ACTIVE or loop.time() > deadline:
            return row
        await asyncio.sleep(WAIT_POLL_SECONDS)
