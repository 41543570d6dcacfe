"""A job on a page: its state (as a label, never the code), progress and errors, and the reload
that keeps the page current without JavaScript while the job runs."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup, escape

from xuehui.i18n import pick
from xuehui.jobs.states import ACTIVE, JobState

REFRESH_SECONDS = 2  # often enough to follow the progress bar, rare enough to cost nothing


def job_running(job: dict[str, Any] | None) -> bool:
    return bool(job) and job is not None and job["state"] in ACTIVE


def job_refresh_headers(job: dict[str, Any] | None) -> dict[str, str]:
    """`Refresh: 2` while the job runs, so the page reloads itself without JavaScript."""
    return {"refresh": str(REFRESH_SECONDS)} if job_running(job) else {}


def state_label(code: str) -> str:
    """The state in the page language; a code no version of Xuehui wrote is shown as it is."""
    state = JobState.parse(code)
    return state.label() if state is not None else code


def job_panel(job: dict[str, Any] | None) -> Markup:
    """The job's state, progress and errors as an HTML fragment (safe: every value is escaped)."""
    if not job:
        return Markup("")
    state = str(job["state"])
    parts = [
        Markup('<div class="job job-{}" id="job-{}" data-state="{}">').format(state, job["id"], state),
    ]
    if job_running(job):
        parts.append(Markup('<meta http-equiv="refresh" content="{}">').format(REFRESH_SECONDS))
    parts.append(
        Markup('<p><strong>{}</strong> <span class="job-state">{}</span> ').format(
            pick("任务状态", "Job"), state_label(state)
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
            Markup('<p class="muted">{}</p>').format(
                pick(f"页面每{REFRESH_SECONDS}秒自动刷新", f"This page reloads every {REFRESH_SECONDS} seconds")
            )
        )
    parts.append(Markup("</div>"))
    return Markup("").join(escape(p) for p in parts)
