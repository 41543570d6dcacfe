"""Writing a plan's scores: an import replaces exactly the (candidate, subject) pairs it contains,
as a new version; the replaced scores stay, no longer current, and every other current score is
kept unless the office asked to remove those of the file's subjects. A re-import over published
scores needs the office's confirmation."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from exams.rules.actions import ExamAction
from exams.services._shared import qs
from exams.tables import Score
from xuehui.db import engine, is_sqlite
from xuehui.errors import Conflict, InvalidInput, Reason

# Rows a single executemany sends: large enough to be fast, small enough to bound the memory of
# one statement batch (100,000 rows go in five).
EXECUTEMANY_CHUNK_ROWS = 20_000
# The position of the score in an inserted row (registration, subject, status, score, version).
_SCORE_COLUMN = 3


async def has_current_scores(plan_id: int) -> bool:
    return bool(
        await Score.exists().where((Score.registration.plan == plan_id) & (Score.current == True))  # noqa: E712
    )


def replace_refusal(plan: dict[str, Any], has_current: bool, confirm: bool) -> None:
    if plan["published_at"] is not None and has_current and not confirm:
        raise Conflict(
            Reason(
                "scores.confirm_replace",
                "成绩已公布，重新导入将替换已公布成绩（原版本保留），请勾选确认后再提交",
                "scores are published; re-importing replaces them (the previous version is kept): "
                "tick the confirmation",
                "confirm_replace",
            )
        )


async def current_scores(plan_id: int) -> list[tuple[int, int, str, str, str | None]]:
    """The plan's current scores as (score id, registration id, subject, status, score as text)."""
    rows = await engine().run_querystring(
        qs(
            "SELECT s.id, s.registration, s.subject_code, s.status, s.score FROM xh_exam_score s "
            "JOIN xh_exam_registration r ON r.id = s.registration WHERE r.plan = {} AND s.current = TRUE",
            plan_id,
        )
    )
    return [
        (r["id"], r["registration"], r["subject_code"], r["status"], None if r["score"] is None else str(r["score"]))
        for r in rows
    ]


async def write_scores(
    actor: Actor | None,
    plan: dict[str, Any],
    records: Sequence[tuple[int, str, str, str | None]],
    remove_missing: bool = False,
) -> int:
    """Write the file's scores as a new version, replacing the current score of each (candidate,
    subject) pair they contain; with `remove_missing`, the current scores of the file's subjects
    that the file does not contain stop being current too. Call inside the write transaction.
    Batched executemany: 100,000 rows in well under a second."""
    if not records:  # validation refuses a file without rows; never let one empty the scores
        raise InvalidInput(
            Reason("score_import.no_rows", "没有可导入的成绩行", "there are no score rows to import", "file")
        )
    latest = (
        await Score.select(Score.version)
        .where(Score.registration.plan == plan["id"])
        .order_by(Score.version, ascending=False)
        .first()
    )
    version = (latest["version"] if latest else 0) + 1
    rows = [(reg, subject, status, score, version) for reg, subject, status, score in records]
    # The new version goes in not yet current; the scores it replaces are then found by the unique
    # (registration, subject, version) index in one statement, without loading the current ones.
    await _executemany(
        "INSERT INTO xh_exam_score (registration, subject_code, status, score, version, current) "
        "VALUES ({}, {}, {}, {}, {}, FALSE)",
        rows,
    )
    retired = await _retire(plan["id"], version, remove_missing)
    await engine().run_querystring(qs(_MAKE_CURRENT, version, plan["id"]))
    await audit(
        actor,
        ExamAction.SCORES_COMMITTED,
        "exam_plan",
        plan["id"],
        {"rows": len(rows), "version": version, "replaced_or_removed": retired, "remove_missing": remove_missing},
        plan["society_id"],
    )
    return version


# Every statement below is limited to the plan's scores (the registration's plan); the new
# version's rows are found by the unique (registration, subject, version) index.
_RETIRE_REPLACED = (
    "UPDATE xh_exam_score SET current = FALSE WHERE current = TRUE "
    "AND registration IN (SELECT id FROM xh_exam_registration WHERE plan = {}) "
    "AND EXISTS (SELECT 1 FROM xh_exam_score n WHERE n.version = {} "
    "AND n.registration = xh_exam_score.registration AND n.subject_code = xh_exam_score.subject_code) RETURNING id"
)
_RETIRE_OF_SUBJECTS = (
    "UPDATE xh_exam_score SET current = FALSE WHERE current = TRUE "
    "AND registration IN (SELECT id FROM xh_exam_registration WHERE plan = {}) "
    "AND subject_code IN (SELECT n.subject_code FROM xh_exam_score n WHERE n.version = {} "
    "AND n.registration IN (SELECT id FROM xh_exam_registration WHERE plan = {})) RETURNING id"
)
_MAKE_CURRENT = (
    "UPDATE xh_exam_score SET current = TRUE WHERE version = {} "
    "AND registration IN (SELECT id FROM xh_exam_registration WHERE plan = {})"
)


async def _retire(plan_id: int, version: int, remove_missing: bool) -> int:
    """The current scores that `version` replaces (with `remove_missing`, every current score of
    its subjects) stop being current; returns how many."""
    if remove_missing:
        retired = await engine().run_querystring(qs(_RETIRE_OF_SUBJECTS, plan_id, version, plan_id))
    else:
        retired = await engine().run_querystring(qs(_RETIRE_REPLACED, plan_id, version))
    return len(retired)


async def _executemany(template: str, rows: list[tuple[Any, ...]]) -> None:
    transaction = engine().current_transaction.get()
    if transaction is None:
        raise RuntimeError("_executemany must run inside write_transaction")
    connection = transaction.connection
    if is_sqlite():
        sql = template.format(*["?"] * template.count("{}"))
        converted = [tuple(float(v) if isinstance(v, Decimal) else v for v in row) for row in rows]
    else:
        sql = template.format(*[f"${i + 1}" for i in range(template.count("{}"))])
        converted = [
            tuple(Decimal(v) if isinstance(v, str) and i == _SCORE_COLUMN else v for i, v in enumerate(row))
            for row in rows
        ]
    for start in range(0, len(converted), EXECUTEMANY_CHUNK_ROWS):
        await connection.executemany(sql, converted[start : start + EXECUTEMANY_CHUNK_ROWS])
