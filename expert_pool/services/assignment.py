"""The assignment run: check whether a batch can be staffed, solve it (in a worker thread, or as
a background job in the process pool for large batches) and store the result in one
transaction, or refuse with every reason and store nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import anyio.to_thread

from accounts.rules import Actor
from accounts.services import audit
from expert_pool.rules import AssignmentInfeasible, solve
from expert_pool.rules.lifecycles import ASSIGNMENT_LIFECYCLE, BATCH_LIFECYCLE, BatchStatus
from expert_pool.rules.problem import Problem
from expert_pool.rules.solver import check_feasible
from expert_pool.rules.vocabulary import AssignMode, PoolAction
from expert_pool.schemas import RunOut, RunQueuedOut
from expert_pool.services._shared import CHUNK, JOB_THRESHOLD_ITEMS, dumps
from expert_pool.services.batches import draft_batch, get_batch
from expert_pool.services.conflict_detection import detect
from expert_pool.services.notices import tell_invited
from expert_pool.services.solver_input import build_problem_of
from expert_pool.tables import ReviewAssignment, ReviewBatch, ReviewItem
from xuehui import jobs
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason

# The kind of the background job that assigns a large batch.
ASSIGN_JOB_KIND = "expert_pool.assign"


async def check_batch(actor: Actor, batch_id: int) -> list[Reason]:
    """Every reason the batch cannot be staffed; empty when an assignment exists."""
    batch = await get_batch(actor, batch_id)
    built = await build_problem_of(batch)
    return await anyio.to_thread.run_sync(check_feasible, built.problem)


@dataclass(frozen=True)
class Solved:
    """What a solve returns to the service, as plain data (it crosses a process boundary)."""

    rows: list[tuple[str, str, float]]
    seed: int | None
    total_affinity: float
    weakest_affinity: float
    refusal: list[tuple[str, str, str, str | None]] | None = None  # the solver's reasons, if infeasible


def solve_rows(problem: Problem, mode: str, cap: Fraction, seed: int | None) -> Solved:
    """Top-level and picklable: run the solver (in a thread or a worker process)."""
    try:
        result = solve(problem, mode, cap=cap, seed=seed)  # type: ignore[arg-type]
    except AssignmentInfeasible as refused:
        return Solved([], None, 0.0, 0.0, [(r.code, r.zh, r.en, r.field) for r in refused.reasons])
    return Solved(result.rows(), result.seed, result.total_affinity, result.weakest_affinity)


@dataclass(frozen=True)
class PreparedRun:
    problem: Problem
    mode: str
    cap: Fraction
    seed: int | None
    pins: tuple[tuple[int, int], ...]


async def _prepare_run(
    actor: Actor, batch_id: int, mode: str | None, seed: int | None, pins: Sequence[tuple[int, int]]
) -> PreparedRun:
    batch = await draft_batch(actor, batch_id)
    if batch["items"] == 0:
        raise Conflict(Reason("batch.empty", "批次中还没有评审项目", "the batch has no items yet"))
    await detect(await ReviewItem.select().where(ReviewItem.batch == batch_id))
    chosen = mode or batch["mode"]
    if AssignMode.parse(chosen) is None:
        raise InvalidInput(Reason("batch.mode", "分配方式无效", "unknown assignment mode", "mode"))
    built = await build_problem_of(batch, pins)
    return PreparedRun(built.problem, chosen, Fraction(batch["cap"]), seed, tuple(pins))


async def _store_run(actor: Actor, batch_id: int, run: PreparedRun, solved: Solved) -> RunOut:
    """Save a solve in one transaction, or raise its refusal (nothing saved)."""
    if solved.refusal is not None:
        raise AssignmentInfeasible([Reason(code, zh, en, field) for code, zh, en, field in solved.refusal])
    moment = now()
    pinned = {(str(i), str(e)) for i, e in run.pins}
    # Stored in (item, expert) order, not the solver's: the rows (and their ids) are then the same
    # for the same assignment however the solver happened to visit the items.
    rows = [
        ReviewAssignment(
            item=int(i),
            expert=int(e),
            status=ASSIGNMENT_LIFECYCLE.initial,
            pinned=(i, e) in pinned,
            affinity=a,
            assigned_at=moment,
        )
        for i, e, a in sorted(solved.rows, key=lambda row: (int(row[0]), int(row[1])))
    ]
    summary = {
        "mode": run.mode,
        "seed": solved.seed,
        "pairs": len(rows),
        "total_affinity": round(solved.total_affinity, 6),
        "weakest_affinity": round(solved.weakest_affinity, 6),
    }
    assigned = BATCH_LIFECYCLE.move(BatchStatus.DRAFT, BatchStatus.ASSIGNED, actor.role)
    async with write_transaction():
        done = await (
            ReviewBatch.update(
                {
                    ReviewBatch.status: assigned,
                    ReviewBatch.mode: run.mode,
                    ReviewBatch.seed: solved.seed,
                    ReviewBatch.run_at: moment,
                    ReviewBatch.run_summary: dumps(summary),
                }
            )
            .where((ReviewBatch.id == batch_id) & ReviewBatch.status.is_in(sorted(BATCH_LIFECYCLE.sources(assigned))))
            .returning(ReviewBatch.id)
        )
        if not done:
            raise Conflict(Reason("batch.changed", "批次状态已变化，请刷新", "the batch changed meanwhile; reload it"))
        for start in range(0, len(rows), CHUNK):
            await ReviewAssignment.insert(*rows[start : start + CHUNK])
        await audit(actor, PoolAction.ASSIGNED, "review_batch", batch_id, summary)
        batch = (
            await ReviewBatch.select(ReviewBatch.name, ReviewBatch.deadline).where(ReviewBatch.id == batch_id).first()
        )
        await tell_invited(
            {"name": batch["name"] if batch else "", "deadline": batch["deadline"] if batch else None},
            [row.expert for row in rows],
            f"review.invited:{batch_id}:{moment.timestamp()}",
        )
    return RunOut(batch_id=batch_id, **summary)


async def run_assignment(
    actor: Actor,
    batch_id: int,
    mode: str | None = None,
    seed: int | None = None,
    pins: Sequence[tuple[int, int]] = (),
) -> RunOut:
    """Assign experts to a draft batch and wait for it. Refuses with every reason (and stores
    nothing) when the batch cannot be staffed; random draws record their seed so the draw can be
    replayed. The solver runs in a worker thread, so the event loop keeps serving; for long runs
    use `start_assignment_job`, or `assign`, which picks one by the batch's size."""
    run = await _prepare_run(actor, batch_id, mode, seed, pins)
    solved = await anyio.to_thread.run_sync(solve_rows, run.problem, run.mode, run.cap, run.seed)
    return await _store_run(actor, batch_id, run, solved)


async def start_assignment_job(
    actor: Actor, batch_id: int, mode: str | None = None, seed: int | None = None, pins: Sequence[tuple[int, int]] = ()
) -> int:
    """The same as `run_assignment` as a background job (xuehui.jobs): the solve runs in the process
    pool, the assignments and the job's success are committed together, and an infeasible batch
    fails the job with every reason. The job id is recorded on the batch; returns it."""
    run = await _prepare_run(actor, batch_id, mode, seed, pins)

    async def commit(solved: Solved) -> dict[str, Any]:
        return (await _store_run(actor, batch_id, run, solved)).model_dump()

    job_id = await jobs.start_job(
        actor, ASSIGN_JOB_KIND, solve_rows, run.problem, run.mode, run.cap, run.seed, commit=commit
    )
    async with write_transaction():
        await ReviewBatch.update({ReviewBatch.assign_job: job_id}).where(ReviewBatch.id == batch_id)
        await audit(actor, PoolAction.ASSIGN_JOB_STARTED, "review_batch", batch_id, {"job": job_id})
    return job_id


async def assign(
    actor: Actor, batch_id: int, mode: str | None = None, seed: int | None = None
) -> RunOut | RunQueuedOut:
    """Assign a draft batch the way its size calls for: a batch of `JOB_THRESHOLD_ITEMS` items or
    more runs as a background job (`RunQueuedOut` with the job id), a smaller one is solved while
    the caller waits (`RunOut`). The pages and the API both come here."""
    batch = await get_batch(actor, batch_id)
    if batch["items"] >= JOB_THRESHOLD_ITEMS:
        job_id = await start_assignment_job(actor, batch_id, mode, seed)
        job = await jobs.get_job(actor, job_id)
        return RunQueuedOut(batch_id=batch_id, job_id=job_id, state=job["state"])
    return await run_assignment(actor, batch_id, mode, seed)
