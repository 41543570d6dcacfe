"""Background jobs (DESIGN.md "Long work"): a row with state and progress, CPU work in a process
pool, the outcome written atomically, and the job visible after a reload or a restart.

The rooms: `states` (the `JobState` vocabulary and `JOB_LIFECYCLE`, pure), `process` (this
process's identity, its running tasks and its process pool), `runner` (starting and running a job,
every state change through the lifecycle), `reading` (one job for an actor, waiting, failing the
jobs of processes that are gone) and `panel` (a job on a page).

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
written only over a running job, in the same transaction as the domain's writes.

Pages show a job with `job_panel(job)` (its state as a label, never the code); while it runs the
page should reload itself without JavaScript (`job_refresh_headers(job)` gives the `Refresh: 2`
header, and the panel carries a `<meta http-equiv="refresh" content="2">`).
"""

from __future__ import annotations

from xuehui.jobs.panel import job_panel, job_refresh_headers, job_running, state_label
from xuehui.jobs.process import HOST, WORKER, process_pool, run_in_process
from xuehui.jobs.reading import STALE_AFTER, fail_stale_jobs, get_job, mark_stale, wait_for_job
from xuehui.jobs.runner import HEARTBEAT_SECONDS, set_progress, start_job
from xuehui.jobs.states import ACTIVE, INTERNAL, INTERRUPTED, JOB_LIFECYCLE, JobState

__all__ = [
    "ACTIVE",
    "HEARTBEAT_SECONDS",
    "HOST",
    "INTERNAL",
    "INTERRUPTED",
    "JOB_LIFECYCLE",
    "STALE_AFTER",
    "WORKER",
    "JobState",
    "fail_stale_jobs",
    "get_job",
    "job_panel",
    "job_refresh_headers",
    "job_running",
    "mark_stale",
    "process_pool",
    "run_in_process",
    "set_progress",
    "start_job",
    "state_label",
    "wait_for_job",
]
