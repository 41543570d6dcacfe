"""Score import (成绩导入): an uploaded sheet is stored and validated in a background job (the
preview on the import), then committed in one job: every row, or none. The command line imports
in one step. Writing the versions is `score_writing`; the report the page and the command line
show is `score_report`."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

from accounts.rules import Actor
from accounts.services import audit
from exams.rules.actions import ExamAction
from exams.rules.lifecycles import IMPORT_RUNNING, SCORE_IMPORT, ImportState, role_of
from exams.rules.score_changes import score_changes
from exams.score_work import validate_score_file, validated_at_preview
from exams.services._shared import plain, plan_for_staff, require_staff, subjects_of
from exams.services.score_writing import current_scores, has_current_scores, replace_refusal, write_scores
from exams.tables import Registration, ScoreImport
from xuehui import files, jobs
from xuehui.clock import now
from xuehui.db import json_value, write_transaction
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason
from xuehui.excel_import import check_archive, upload_limits

# The import record keeps the uploaded name up to its column's length.
FILENAME_MAX = 200
IMPORT_JSON_COLUMNS = ("problems", "totals", "details")


async def score_context(plan_id: int) -> tuple[list[Any], list[Any]]:
    """What validation needs, as plain tuples (they travel to the worker process): the ticketed
    candidates and the subjects."""
    regs = (
        await Registration.select(
            Registration.id, Registration.ticket_no, Registration.id_number, Registration.name, Registration.subjects
        )
        .where((Registration.plan == plan_id) & Registration.ticket_no.is_not_null())
        .order_by(Registration.id)
    )
    parsed: dict[str, tuple[str, ...]] = {}  # most candidates share a few subject lists
    candidates = [
        (
            r["id"],
            r["ticket_no"],
            r["id_number"],
            r["name"],
            parsed.get(r["subjects"]) or _subjects(parsed, r["subjects"]),
        )
        for r in regs
    ]
    subjects = [
        (
            s["code"],
            s["name"],
            str(plain(s["full_marks"])),
            str(plain(s["pass_mark"])),
            int(s["decimal_places"]),
            bool(s["objective"]),
        )
        for s in await subjects_of(plan_id)
    ]
    return candidates, subjects


def _subjects(cache: dict[str, tuple[str, ...]], raw: Any) -> tuple[str, ...]:
    codes = tuple(json_value(raw))
    if isinstance(raw, str):
        cache[raw] = codes
    return codes


def _summary(outcome: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in outcome.items() if k != "records"}


async def _changes(plan_id: int, candidates: list[Any], outcome: dict[str, Any]) -> dict[str, Any]:
    """What committing the outcome's records would change against the plan's current scores."""
    if outcome["problems"]:
        return {}
    who = {c[0]: (c[1], c[3]) for c in candidates}
    current = [row[1:] for row in await current_scores(plan_id)]
    return score_changes(outcome["records"], current, who).as_dict()


def _details(outcome: dict[str, Any], changes: dict[str, Any]) -> str:
    details = {"sheets": outcome.get("sheets", {}), "changes": changes, "notes": outcome.get("notes", [])}
    return json.dumps(details, ensure_ascii=False)


# The validated rows of the latest clean previews, kept in this process. Validation is a pure
# function of the file, the candidates, the subjects and the limits: committing an import whose
# candidates and subjects are unchanged since its preview writes the rows without reading and
# validating the file a second time (half the time of an import through the pages). Another
# instance, a restart or any change since the preview finds nothing usable here and validates again.
_PREVIEWS: OrderedDict[int, tuple[list[Any], list[Any], dict[str, Any]]] = OrderedDict()
_PREVIEWS_KEPT = 2  # a 100,000-row preview holds about 40 MB


def _remember_preview(import_id: int, candidates: list[Any], subjects: list[Any], outcome: dict[str, Any]) -> None:
    _PREVIEWS[import_id] = (candidates, subjects, outcome)
    while len(_PREVIEWS) > _PREVIEWS_KEPT:
        _PREVIEWS.popitem(last=False)


def _preview_still_valid(import_id: int, candidates: list[Any], subjects: list[Any]) -> dict[str, Any] | None:
    kept = _PREVIEWS.pop(import_id, None)
    if kept is None or kept[0] != candidates or kept[1] != subjects:
        return None
    return kept[2]


async def start_score_import(actor: Actor | None, plan_id: int, filename: str, data: bytes) -> int:
    """Store the upload and validate it in a background job; the preview is on the import."""
    require_staff(actor)
    plan = await plan_for_staff(actor, plan_id)
    # The archive checks (size, ratio, macros, forged sizes, DTDs) need no parsing and refuse a
    # hostile file at once, before anything is stored; the cell reading runs in the job.
    await anyio.to_thread.run_sync(check_archive, data, upload_limits())
    async with write_transaction():
        sha = await files.store(data, files.XLSX)
        record = ScoreImport(
            plan=plan_id,
            file_sha=sha,
            filename=filename[:FILENAME_MAX],
            state=SCORE_IMPORT.initial,
            created_by=actor.user_id if actor else None,
            created_at=now(),
        )
        await record.save()
        await audit(
            actor,
            ExamAction.SCORES_UPLOADED,
            "exam_plan",
            plan_id,
            {"file": filename, "import": record.id},
            plan["society_id"],
        )
    import_id = int(record.id)
    candidates, subjects = await score_context(plan_id)

    async def store_preview(outcome: dict[str, Any]) -> dict[str, Any]:
        changes = await _changes(plan_id, candidates, outcome)
        state = SCORE_IMPORT.move(
            ImportState.VALIDATING, ImportState.INVALID if outcome["problems"] else ImportState.READY, role_of(actor)
        )
        await ScoreImport.update(
            {
                ScoreImport.state: state,
                ScoreImport.rows: outcome["rows"],
                ScoreImport.problems: json.dumps(outcome["problems"], ensure_ascii=False),
                ScoreImport.totals: json.dumps(outcome["totals"]),
                ScoreImport.details: _details(outcome, changes),
            }
        ).where((ScoreImport.id == import_id) & ScoreImport.state.is_in(list(SCORE_IMPORT.sources(state))))
        if state is ImportState.READY:
            _remember_preview(import_id, candidates, subjects, outcome)
        return _summary(outcome)

    job_id = await jobs.start_job(
        actor,
        "exams.score_validate",
        validate_score_file,
        data,
        candidates,
        subjects,
        upload_limits(),
        commit=store_preview,
        society_id=plan["society_id"],
    )
    async with write_transaction():
        await ScoreImport.update({ScoreImport.validate_job: job_id}).where(ScoreImport.id == import_id)
    return import_id


def _import_view(row: dict[str, Any]) -> dict[str, Any]:
    return {k: json_value(v) if k in IMPORT_JSON_COLUMNS else v for k, v in row.items()}


async def get_import(actor: Actor | None, import_id: int) -> dict[str, Any]:
    row = await ScoreImport.select().where(ScoreImport.id == import_id).first()
    if row is None:
        raise NotFound(Reason("import.not_found", "导入记录不存在或无权查看", "import not found or not visible to you"))
    plan = await plan_for_staff(actor, row["plan"])
    row = _import_view(row)
    row["plan_row"] = plan
    job_id = row["commit_job"] or row["validate_job"]
    job = await jobs.get_job(None, job_id) if job_id else None
    if job is not None and job["state"] not in jobs.ACTIVE:
        # The job's outcome and the import's state are committed together: read the state again
        # after the job, so a job that finished between the two reads is never shown half-done.
        fresh = await ScoreImport.select().where(ScoreImport.id == import_id).first()
        row.update(_import_view(fresh) if fresh else {})
    row["job"] = job
    if row["job"] and row["job"]["state"] == "failed" and row["state"] in IMPORT_RUNNING:
        row["state"] = ImportState.FAILED
    row["has_current"] = await has_current_scores(plan["id"])
    return row


async def list_imports(actor: Actor | None, plan_id: int) -> list[dict[str, Any]]:
    await plan_for_staff(actor, plan_id)
    return await ScoreImport.select().where(ScoreImport.plan == plan_id).order_by(ScoreImport.id, ascending=False)


async def commit_score_import(
    actor: Actor | None, import_id: int, confirm_replace: bool = False, remove_missing: bool = False
) -> int:
    """Commit every row of a validated import in the job's own transaction, or nothing; the
    stored file is validated again unless its preview still holds. The import replaces the
    (candidate, subject) pairs it contains; `remove_missing` (a ticked box) also removes the
    current scores of its subjects that it does not contain. Returns the job id."""
    require_staff(actor)
    current = await get_import(actor, import_id)
    plan = current["plan_row"]
    SCORE_IMPORT.move(current["state"], ImportState.COMMITTING, role_of(actor))
    replace_refusal(plan, current["has_current"], confirm_replace)
    stored = await files.load(current["file_sha"])
    assert stored is not None
    candidates, subjects = await score_context(plan["id"])
    async with write_transaction():
        moved = await (
            ScoreImport.update({ScoreImport.state: ImportState.COMMITTING})
            .where(
                (ScoreImport.id == import_id)
                & ScoreImport.state.is_in(list(SCORE_IMPORT.sources(ImportState.COMMITTING)))
            )
            .returning(ScoreImport.id)
        )
        if not moved:
            raise Conflict(Reason("import.state", "该导入正在提交或已提交", "this import is being or was committed"))

    async def commit(outcome: dict[str, Any]) -> dict[str, Any]:
        if outcome["problems"]:
            raise InvalidInput(
                [
                    Reason(p["code"], p["zh"], p["en"], p.get("field"), p.get("row"), p.get("column"))
                    for p in outcome["problems"]
                ]
            )
        version = await write_scores(actor, plan, outcome["records"], remove_missing)
        done = SCORE_IMPORT.move(ImportState.COMMITTING, ImportState.COMMITTED, role_of(actor))
        await ScoreImport.update(
            {ScoreImport.state: done, ScoreImport.version: version, ScoreImport.committed_at: now()}
        ).where((ScoreImport.id == import_id) & ScoreImport.state.is_in(list(SCORE_IMPORT.sources(done))))
        return {**_summary(outcome), "version": version}

    previewed = _preview_still_valid(import_id, candidates, subjects)
    work: Callable[..., Any]
    args: tuple[Any, ...]
    on_done: Callable[[Any], Awaitable[dict[str, Any]]]
    if previewed is None:
        work, args, on_done = validate_score_file, (stored[0], candidates, subjects, upload_limits()), commit
    else:
        work, args, on_done = validated_at_preview, (), lambda _: commit(previewed)
    job_id = await jobs.start_job(
        actor, "exams.score_commit", work, *args, commit=on_done, society_id=plan["society_id"]
    )
    async with write_transaction():
        await ScoreImport.update({ScoreImport.commit_job: job_id}).where(ScoreImport.id == import_id)
    return job_id


async def import_scores_now(
    plan: dict[str, Any], data: bytes, dry_run: bool, confirm_replace: bool, remove_missing: bool = False
) -> dict[str, Any]:
    """The command line's import: validate in this process, then commit in one transaction unless dry."""
    candidates, subjects = await score_context(plan["id"])
    outcome = validate_score_file(data, candidates, subjects, upload_limits())
    summary = {**_summary(outcome), "changes": await _changes(plan["id"], candidates, outcome)}
    if outcome["problems"] or dry_run:
        return summary
    replace_refusal(plan, await has_current_scores(plan["id"]), confirm_replace)
    async with write_transaction():
        summary["version"] = await write_scores(None, plan, outcome["records"], remove_missing)
    return summary
