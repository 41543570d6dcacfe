"""Background jobs (DESIGN.md "Long work"): a row with state and progress, CPU work in a process
pool, the outcome written atomically, and the job visible after a reload or a restart.

    job_id = await start_job(actor, "exams.score_import", work, data, commit=store, society_id=3)

- `work(*args)` is a picklable top-level function; it runs in a process pool (never on the event
  loop) and returns a picklable value.
- `commit(value)` (optional) is an async callable run on the event loop *inside the same write
  transaction* that marks the job succeeded: the domain's writes and the job's success are committed
  together, or neither is. It returns the JSON-able result stored on the job (default: `value`); a
  result that is not a dict is stored as `{"value": result}`.
- A `DomainError` from `work` or `commit` fails the job with its reasons; any other exception fails
  it with a generic reason (and is logged).

Restarts: a job belongs to the process that started it (`worker`: host and PID namespace, PID,
a random tag). A job still `queued` or `running` whose process is gone is marked failed when it is
read (`get_job`): it was started by this process and has no live task any more; or by a process on
this host (same PID namespace) that no longer exists, which is known at once (a `kill -9` and a
restart: the job reads failed from the first request of the new process); or its heartbeat
(refreshed every few seconds while it runs) is older than `STALE_AFTER`, for processes elsewhere.
`fail_stale_jobs()` does the same for every job and is called at start-up. A job that was marked
failed while it still ran (its process was only slow) does not commit afterwards: success is
written only over an active state, in the same transaction as the domain's writes.

Pages show a job with `job_panel(job)`; while it runs the page should reload itself without
JavaScript (`job_refresh_headers(job)` gives the `Refresh: 2` header, and the panel carries a
`<meta http-equiv="refresh" content="2">`).
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import datetime as dt
import json
import logging
import multiprocessing
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from markupsafe import Markup, escape

from accounts.rules import Actor
from xuehui.clock import aware, now
from xuehui.db import write_transaction
from xuehui.errors import DomainError, NotFound, Reason
from xuehui.i18n import pick
from xuehui.tables import Job

log = logging.getLogger("xuehui.jobs")

STALE_AFTER = dt.timedelta(seconds=60)
HEARTBEAT_SECONDS = 5.0


def _host() -> str:
    """This host and PID namespace: PIDs are comparable only between processes that share both."""
    try:
        namespace = os.readlink("/proc/self/ns/pid").removeprefix("pid:").strip("[]")
    except OSError:
        namespace = ""
    name = socket.gethostname()[:60].replace(":", "_")
    return f"{name}@{namespace}" if namespace else name


HOST = _host()
WORKER = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
ACTIVE = ("queued", "running")

_pool: concurrent.futures.ProcessPoolExecutor | None = None
_tasks: dict[int, asyncio.Task[None]] = {}

INTERRUPTED = Reason(
    "job.interrupted",
    "任务因服务重启而中断，请重新提交",
    "the job was interrupted by a restart; submit it again",
)
INTERNAL = Reason("job.internal", "任务执行出错，已记录", "the job failed with an internal error; it has been logged")


def process_pool() -> concurrent.futures.ProcessPoolExecutor:
    """One pool per process; `forkserver` children never inherit the event loop's threads."""
    global _pool
    if _pool is None:
        _pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=max(1, min(4, (os.cpu_count() or 2) // 2)),
            mp_context=multiprocessing.get_context("forkserver"),
        )
        atexit.register(_shutdown_pool)
    return _pool


def _shutdown_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


async def run_in_process(func: Callable[..., Any], *args: Any) -> Any:
    """Run CPU work in the process pool and await its value (also usable outside jobs)."""
    return await asyncio.get_running_loop().run_in_executor(process_pool(), func, *args)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


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
            state="queued",
            progress=0,
            created_by=actor.user_id if actor else None,
            society_id=society_id,
            worker=WORKER,
            created_at=now(),
            heartbeat_at=now(),
        )
        await job.save()
    job_id = int(job.id)
    _tasks[job_id] = asyncio.create_task(_run(job_id, work, args, commit))
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
            await Job.update(
                {Job.state: "running", Job.progress: 10, Job.started_at: now(), Job.heartbeat_at: now()}
            ).where(Job.id == job_id)
        value = await run_in_process(work, *args)
        await set_progress(job_id, 80)
        async with write_transaction():
            result = await commit(value) if commit is not None else value
            done = await (
                Job.update(
                    {
                        Job.state: "succeeded",
                        Job.progress: 100,
                        # Always an object: SQLite's JSON column would read a bare number back as a number.
                        Job.result: _dump(result if isinstance(result, dict) else {"value": result}),
                        Job.finished_at: now(),
                    }
                )
                .where((Job.id == job_id) & Job.state.is_in(list(ACTIVE)))
                .returning(Job.id)
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
        # Leave `_tasks` whatever happens: a job of this process that is not there reads as
        # interrupted (failed) when its outcome could not be written, instead of running forever.
        _tasks.pop(job_id, None)
        stop.set()
        await beat


async def _fail(job_id: int, reasons: list[Reason]) -> None:
    async with write_transaction():
        await Job.update(
            {
                Job.state: "failed",
                Job.errors: _dump([r.as_dict() for r in reasons]),
                Job.finished_at: now(),
            }
        ).where(Job.id == job_id)


async def set_progress(job_id: int, progress: int, message: str = "") -> None:
    async with write_transaction():
        await Job.update(
            {Job.progress: max(0, min(100, progress)), Job.message: message, Job.heartbeat_at: now()}
        ).where(Job.id == job_id)


def _process_gone(worker: str) -> bool:
    """True when `worker` names a process of this host and PID namespace that no longer runs."""
    try:
        host, pid_text, _tag = worker.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != HOST or pid <= 0:
        return False
    if pid == os.getpid():
        return True  # our PID under another identity: that earlier process is gone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _is_stale(row: dict[str, Any], moment: dt.datetime) -> bool:
    if row["state"] not in ACTIVE:
        return False
    if row["worker"] == WORKER:
        return int(row["id"]) not in _tasks
    if _process_gone(str(row["worker"] or "")):
        return True
    beat = row["heartbeat_at"] or row["created_at"]
    return moment - aware(beat) > STALE_AFTER


async def _mark_stale(rows: list[dict[str, Any]]) -> None:
    """Fail the stale ones among `rows`, refreshing each row from the database.

    Conditional on the state still being active: a job that finished after `rows` were read (and
    so left `_tasks`) keeps its outcome.
    """
    moment = now()
    for row in rows:
        if not _is_stale(row, moment):
            continue
        async with write_transaction():
            await Job.update(
                {
                    Job.state: "failed",
                    Job.errors: _dump([INTERRUPTED.as_dict()]),
                    Job.finished_at: moment,
                }
            ).where((Job.id == row["id"]) & Job.state.is_in(list(ACTIVE)))
        fresh = await Job.select().where(Job.id == row["id"]).first().output(load_json=True)
        if fresh is not None:
            row.update(fresh)


async def fail_stale_jobs() -> int:
    """Mark every job whose process is gone as failed; return how many (call at start-up)."""
    rows = await Job.select().where(Job.state.is_in(list(ACTIVE))).output(load_json=True)
    await _mark_stale(rows)
    return sum(1 for r in rows if r["state"] == "failed")


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
    await _mark_stale([row])
    return dict(row)


async def wait_for_job(job_id: int, timeout: float = 60.0) -> dict[str, Any]:  # noqa: ASYNC109 - a plain limit
    """Wait until the job has finished (tests, the command line and benchmarks)."""
    task = _tasks.get(job_id)
    if task is not None:
        await asyncio.wait_for(asyncio.shield(task), timeout)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        row = await get_job(None, job_id)
        if row["state"] not in ACTIVE or loop.time() > deadline:
            return row
        await asyncio.sleep(0.05)


def job_running(job: dict[str, Any] | None) -> bool:
    return bool(job) and job is not None and job["state"] in ACTIVE


def job_refresh_headers(job: dict[str, Any] | None) -> dict[str, str]:
    """`Refresh: 2` while the job runs, so the page reloads itself without JavaScript."""
    return {"refresh": "2"} if job_running(job) else {}


STATE_NAMES = {
    "queued": ("排队中", "queued"),
    "running": ("处理中", "running"),
    "succeeded": ("已完成", "succeeded"),
    "failed": ("失败", "failed"),
}


def job_panel(job: dict[str, Any] | None) -> Markup:
    """The job's state, progress and errors as an HTML fragment (safe: every value is escaped)."""
    if not job:
        return Markup("")
    state = str(job["state"])
    zh, en = STATE_NAMES.get(state, (state, state))
    parts = [
        Markup('<div class="job job-{}" id="job-{}" data-state="{}">').format(state, job["id"], state),
    ]
    if job_running(job):
        parts.append(Markup('<meta http-equiv="refresh" content="2">'))
    parts.append(
        Markup('<p><strong>{}</strong> <span class="job-state">{}</span> ').format(
            pick("任务状态", "Job"), pick(zh, en)
        )
    )
    parts.append(
        Markup('<progress max="100" value="{}">{}%</progress> {}%</p>').format(
            job["progress"], job["progress"], job["progress"]
        )
    )
    if job.get("message"):
        parts.append(Markup("<p>{}</p>").format(job["message"]))
    errors = job.get("errors") or []
    if isinstance(errors, str):
        errors = json.loads(errors)
    if errors:
        items = Markup("").join(
            Markup("<li>{}</li>").format(pick(str(e.get("zh", "")), str(e.get("en", "")))) for e in errors
        )
        parts.append(Markup('<ul class="errors">{}</ul>').format(items))
    if job_running(job):
        parts.append(
            Markup('<p class="muted">{}</p>').format(pick("页面每2秒自动刷新", "This page reloads every 2 seconds"))
        )
    parts.append(Markup("</div>"))
    return Markup("").join(escape(p) for p in parts)
