"""A job's states, the moves between them and the reasons a job fails without a domain error.

Pure: no database. Every state change of a job goes through `JOB_LIFECYCLE`, and each write is
guarded by `JOB_LIFECYCLE.sources(target)`, so a job taken for dead (marked failed) never comes
back to life and a finished job never changes its outcome.
"""

from __future__ import annotations

from xuehui.errors import Reason
from xuehui.lifecycle import Lifecycle, move
from xuehui.vocabulary import Labelled

SYSTEM = "system"  # jobs are moved by the process running them, never by a user's choice


class JobState(Labelled, vocabulary="xuehui.job_state"):
    QUEUED = "queued", "排队中", "Queued"
    RUNNING = "running", "处理中", "Running"
    SUCCEEDED = "succeeded", "已完成", "Succeeded"
    FAILED = "failed", "失败", "Failed"


JOB_LIFECYCLE = Lifecycle(
    "job",
    JobState,
    (
        move(JobState.QUEUED, JobState.RUNNING, SYSTEM, "start"),
        move(JobState.RUNNING, JobState.SUCCEEDED, SYSTEM, "succeed"),
        # A refusal, an error, or a process found gone (queued jobs too: they never started).
        move((JobState.QUEUED, JobState.RUNNING), JobState.FAILED, SYSTEM, "fail"),
    ),
    initial=JobState.QUEUED,
)

# The states of a job that has not finished: it runs, or it waits to.
ACTIVE: tuple[JobState, ...] = (JobState.QUEUED, JobState.RUNNING)

INTERRUPTED = Reason(
    "job.interrupted",
    "任务因服务重启而中断，请重新提交",
    "the job was interrupted by a restart; submit it again",
)
INTERNAL = Reason("job.internal", "任务执行出错，已记录", "the job failed with an internal error; it has been logged")
