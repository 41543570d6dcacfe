"""Starting and running a job: the queued row, the work in the process pool, the heartbeat, and
the outcome written in the same transaction as the domain's writes (success) or with its reasons
(failure). Every state change goes through `JOB_LIFECYCLE` with a guard on its sources."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from accounts.rules import Actor
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import DomainError, Reason
from xuehui.jobs.process import WORKER, run_in_process, tasks
from xuehui.jobs.states import INTERNAL, INTERRUPTED, JOB_LIFECYCLE, SYSTEM, JobState
from xuehui.tables import Job

log = logging.getLogger("xuehui.jobs")

HEARTBEAT_SECONDS = 5.0  # well inside `STALE_AFTER`, so a slow beat or two never reads as dead
PROGRESS_STARTED = 10  # the work is in the pool
PROGRESS_WORKED = 80  # the work is done; the outcome is being committed
PROGRESS_DONE = 100


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def guard(states: Collection[JobState]) -> list[str]:
    """The codes for a `WHERE state IN (...)` guard, in a stable order."""
    return sorted(state.value for state in states)


async def move_job(job_id: int, current: str, target: JobState, values: dict[Any, Any]) -> bool:
    """Move a job from `current` to `target` (checked by the lifecycle), writing `values` with it.

    False when the row had already left the move's sources (another process moved it first).
    Run inside a write transaction."""
    JOB_LIFECYCLE.move(current, target, SYSTEM)
    moved = await (
        Job.update({Job.state: target.value, **values})
        .where((Job.id == job_id) & Job.state.is_in(guard(JOB_LIFECYCLE.sources(target))))
        .returning(Job.id)
    )
    return bool(moved)


async def start_job(
    actor: Actor | None,
    kind: str,
    work: Callable[..., Any],
    *args: Any,
    commit: Callable[[Any], Awaitable[Any]] | None = None,
    society_id: int | None = None,
) -> int:
    """Record a queued job and start it in the background; return its id at once."""
    async with write_transaction():
        job = Job(
            kind=kind,
            state=JOB_LIFECYCLE.initial.value,
            progress=0,
            created_by=actor.user_id if actor else None,
            society_id=society_id,
            worker=WORKER,
            created_at=now(),
            heartbeat_at=now(),
        )
        await job.save()
    job_id = int(job.id)
    tasks[job_id] = asyncio.create_task(_run(job_id, work, args, commit))
    return job_id


async def _heartbeat(job_id: int, stop: asyncio.Event) -> None:
    """Refresh the heartbeat until told to stop. Never cancelled: a cancellation inside a SQLite
    transaction's start could leave a connection holding the write lock."""
    while True:
        try:
            await asyncio.wait_for(stop.wait(), HEARTBEAT_SECONDS)
            return
        except TimeoutError:
            pass
        try:
            async with write_transaction():
                await Job.update({Job.heartbeat_at: now()}).where(Job.id == job_id)
        except Exception as error:  # the database is briefly away: the next beat tries again
            log.warning("job %s: heartbeat not written: %s: %s", job_id, type(error).__name__, error)


async def _run(
    job_id: int, work: Callable[..., Any], args: tuple[Any, ...], commit: Callable[[Any], Awaitable[Any]] | None
) -> None:
    stop = asyncio.Event()
    beat = asyncio.create_task(_heartbeat(job_id, stop))
    try:
        async with write_transaction():
            started = await move_job(
                job_id,
                JobState.QUEUED,
                JobState.RUNNING,
                {Job.progress: PROGRESS_STARTED, Job.started_at: now(), Job.heartbeat_at: now()},
            )
        if not started:
            raise DomainError(INTERRUPTED)  # taken for dead before it began: it never runs
        value = await run_in_process(work, *args)
        await set_progress(job_id, PROGRESS_WORKED)
        async with write_transaction():
            result = await commit(value) if commit is not None else value
            done = await move_job(
                job_id,
                JobState.RUNNING,
                JobState.SUCCEEDED,
                {
                    Job.progress: PROGRESS_DONE,
                    # Always an object: SQLite's JSON column would read a bare number back as a number.
                    Job.result: dump(result if isinstance(result, dict) else {"value": result}),
                    Job.finished_at: now(),
                },
            )
            if not done:
                # Marked failed meanwhile (taken for dead): the domain's writes roll back with this.
                raise DomainError(INTERRUPTED)
    except DomainError as error:
        await _fail(job_id, error.reasons)
    except Exception:
        log.exception("job %s failed", job_id)
        await _fail(job_id, [INTERNAL])
    finally:
        # Leave `tasks` whatever happens: a job of this process that is not there reads as
        # interrupted (failed) when its outcome could not be written, instead of running forever.
        tasks.pop(job_id, None)
        stop.set()
        await beat


async def _fail(job_id: int, reasons: list[Reason]) -> None:
    """Fail an unfinished job with `reasons`. A job already failed (taken for dead while it still
    ran) stays failed and gets the reasons its own process found; a success is never overwritten."""
    values: dict[Any, Any] = {Job.errors: dump([r.as_dict() for r in reasons]), Job.finished_at: now()}
    async with write_transaction():
        if not await move_job(job_id, JobState.RUNNING, JobState.FAILED, values):
            await Job.update(values).where((Job.id == job_id) & (Job.state == JobState.FAILED.value))


async def fail_job(job_id: int, current: str, reasons: list[Reason], moment: dt.datetime) -> None:
    """Fail a job found gone (its process died), unless it finished meanwhile."""
    values: dict[Any, Any] = {Job.errors: dump([r.as_dict() for r in reasons]), Job.finished_at: moment}
    async with write_transaction():
        await move_job(job_id, current, JobState.FAILED, values)


async def set_progress(job_id: int, progress: int, message: str = "") -> None:
    async with write_transaction():
        await Job.update(
            {Job.progress: max(0, min(PROGRESS_DONE, progress)), Job.message: message, Job.heartbeat_at: now()}
        ).where(Job.id == job_id)
