"""Background jobs: work in a process pool, the outcome committed with the job or not at all,
visible after a restart, and a page panel that reloads itself without JavaScript."""

import datetime as dt
import math
import operator

import pytest
from piccolo.querystring import QueryString

from accounts.tables import AuditEntry
from xuehui import jobs
from xuehui.clock import now
from xuehui.db import engine, write_transaction
from xuehui.errors import Conflict, Reason
from xuehui.tables import Job


async def test_a_job_runs_in_the_pool_and_commits_its_result_with_the_domain_write() -> None:
    async def commit(value: int) -> dict[str, int]:
        await AuditEntry.insert(
            AuditEntry(at=now(), action="test.job", object_type="test", summary="{}", actor_role="public")
        )
        return {"factorial": value}

    job_id = await jobs.start_job(None, "test.factorial", math.factorial, 10, commit=commit)
    job = await jobs.wait_for_job(job_id)
    assert (job["state"], job["progress"], job["result"], job["errors"]) == (
        "succeeded",
        100,
        {"factorial": 3628800},
        [],
    )
    assert await AuditEntry.count().where(AuditEntry.action == "test.job") == 1


async def test_a_refused_commit_writes_nothing_and_fails_the_job_with_the_reason() -> None:
    async def commit(value: int) -> None:
        await AuditEntry.insert(
            AuditEntry(at=now(), action="test.partial", object_type="test", summary="{}", actor_role="public")
        )
        raise Conflict(Reason("test.refused", "不行", "refused"))

    job = await jobs.wait_for_job(await jobs.start_job(None, "test.refuse", math.factorial, 3, commit=commit))
    assert (job["state"], [e["code"] for e in job["errors"]]) == ("failed", ["test.refused"])
    assert await AuditEntry.count().where(AuditEntry.action == "test.partial") == 0


async def test_an_error_in_the_worker_fails_the_job_with_a_generic_reason() -> None:
    job = await jobs.wait_for_job(await jobs.start_job(None, "test.divide", operator.truediv, 1, 0))
    assert (job["state"], [e["code"] for e in job["errors"]]) == ("failed", ["job.internal"])


async def test_a_job_left_running_by_a_dead_process_reads_as_failed() -> None:
    async with write_transaction():
        old = Job(
            kind="test.orphan",
            state="running",
            worker="elsewhere:1:dead",
            created_at=now() - dt.timedelta(minutes=10),
            heartbeat_at=now() - dt.timedelta(minutes=5),
        )
        await old.save()
        mine = Job(kind="test.lost", state="running", worker=jobs.WORKER, created_at=now(), heartbeat_at=now())
        await mine.save()
        fresh = Job(
            kind="test.alive", state="running", worker="elsewhere:2:alive", created_at=now(), heartbeat_at=now()
        )
        await fresh.save()
    assert await jobs.fail_stale_jobs() == 2
    states = await engine().run_querystring(QueryString("SELECT kind, state FROM xh_job ORDER BY id"))
    assert [(r["kind"], r["state"]) for r in states] == [
        ("test.orphan", "failed"),
        ("test.lost", "failed"),
        ("test.alive", "running"),
    ]
    assert [e["code"] for e in (await jobs.get_job(None, old.id))["errors"]] == ["job.interrupted"]


async def test_the_panel_reloads_while_running_and_stops_when_done() -> None:
    running = {"id": 7, "state": "running", "progress": 10, "message": "", "errors": []}
    done = {**running, "state": "failed", "errors": [{"code": "x", "zh": "<b>坏</b>", "en": "bad"}]}
    assert '<meta http-equiv="refresh" content="2">' in jobs.job_panel(running)
    assert jobs.job_refresh_headers(running) == {"refresh": "2"}
    assert "refresh" not in jobs.job_panel(done)
    assert "&lt;b&gt;坏&lt;/b&gt;" in jobs.job_panel(done)
    assert jobs.job_refresh_headers(done) == {}


async def test_a_job_that_finished_after_it_was_read_keeps_its_outcome() -> None:
    job_id = await jobs.start_job(None, "test.quick", math.factorial, 4)
    seen_running = await jobs.get_job(None, job_id)
    await jobs.wait_for_job(job_id)
    seen_running["state"] = "running"  # as read before the job finished and left `_tasks`
    await jobs.mark_stale([seen_running])
    assert (seen_running["state"], seen_running["result"]) == ("succeeded", {"value": 24})


def test_the_panel_shows_the_state_as_its_label_never_the_code() -> None:
    panel = jobs.job_panel({"id": 3, "state": "running", "progress": 10, "message": "", "errors": []})
    assert '<span class="job-state">处理中</span>' in panel
    assert ">running<" not in panel
    assert jobs.state_label("succeeded") == "已完成"
    assert jobs.state_label("unknown") == "unknown"  # never hidden


def test_job_states_move_only_forward_through_the_lifecycle() -> None:
    lifecycle, state = jobs.JOB_LIFECYCLE, jobs.JobState
    assert lifecycle.initial is state.QUEUED
    assert lifecycle.sources(state.SUCCEEDED) == {state.RUNNING}
    assert lifecycle.sources(state.FAILED) == {state.QUEUED, state.RUNNING}
    assert lifecycle.targets("succeeded", "system") == []
    assert lifecycle.targets("failed", "system") == []
    with pytest.raises(Conflict) as refused:
        lifecycle.move("failed", "running", "system")
    assert refused.value.reasons[0].code == "job.bad_state"


async def test_a_job_taken_for_dead_before_it_started_never_runs() -> None:
    async with write_transaction():
        job = Job(kind="test.dead", state="failed", worker=jobs.WORKER, created_at=now(), heartbeat_at=now())
        await job.save()
    from xuehui.jobs.runner import move_job

    async with write_transaction():
        assert not await move_job(int(job.id), "queued", jobs.JobState.RUNNING, {})
    assert (await jobs.get_job(None, int(job.id)))["state"] == "failed"
