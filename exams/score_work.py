"""The CPU part of a score import, run in the process pool: read the upload safely and validate it.

Plain tuples in and out, so the arguments and the outcome pickle cheaply between processes, and
no database or event loop is touched here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from exams.rules.score_import import SCORE_HEADER_ALIASES, validate_score_tables
from exams.rules.score_model import (
    SCORE_MERGED_FIELDS,
    SCORE_NO_FORMULA_FIELDS,
    SCORE_REQUIRED_FIELDS,
    KnownCandidate,
    ScoreImportContext,
)
from exams.rules.subjects import Subject
from xuehui.collection_pause import collection_paused
from xuehui.errors import DomainError
from xuehui.excel_import import ExcelLimits, read_tables

# (registration id, ticket, id number, name, subject codes)
CandidateRow = tuple[int, str, str, str, tuple[str, ...]]
# (code, name, full marks, pass mark, decimal places, objective)
SubjectRow = tuple[str, str, str, str, int, bool]


def validate_score_file(
    data: bytes, candidates: list[CandidateRow], subjects: list[SubjectRow], limits: ExcelLimits
) -> dict[str, Any]:
    """Every problem (as Reason dicts), or the clean records as (registration id, subject, status, score)."""
    with collection_paused():
        return _validate(data, candidates, subjects, limits)


def _validate(
    data: bytes, candidates: list[CandidateRow], subjects: list[SubjectRow], limits: ExcelLimits
) -> dict[str, Any]:
    try:
        tables = read_tables(
            data,
            SCORE_HEADER_ALIASES,
            required=SCORE_REQUIRED_FIELDS,
            no_formula_fields=SCORE_NO_FORMULA_FIELDS,
            limits=limits,
            several=True,  # one sheet per subject is common: every sheet with the header is read
            keep_cell_problems=True,
            fill_merged=SCORE_MERGED_FIELDS,  # a candidate's cells merged over their subject rows
            as_shown=("ticket_no",),  # a ticket number shown as 0000123 by its format is 0000123
        )
    except DomainError as error:
        return {"problems": [r.as_dict() for r in error.reasons], "records": [], "totals": [], "rows": 0, "sheets": {}}
    context = ScoreImportContext.build(
        [KnownCandidate(str(c[0]), c[1], c[2], c[3], frozenset(c[4])) for c in candidates],
        [Subject(s[0], s[1], Decimal(s[2]), Decimal(s[3]), s[4], s[5]) for s in subjects],
    )
    result = validate_score_tables(tables, context)
    return {
        "problems": [r.as_dict() for r in result.problems],
        "records": [
            (int(r.candidate_id), r.subject_code, r.status.value, None if r.score is None else str(r.score))
            for r in result.records
        ],
        "totals": [
            {
                "subject": t.subject_code,
                "rows": t.rows,
                "absent": t.absent,
                "violations": t.violations,
                "score_sum": str(t.score_sum),
            }
            for t in result.totals
        ],
        "rows": sum(len(t.rows) for t in tables),
        "sheets": {
            "read": [t.sheet_name for t in tables],
            "other": list(tables[0].other_sheets),
            "hidden": list(tables[0].hidden_sheets),
        },
        "not_in_file": len(result.not_in_file),
        "notes": [r.as_dict() for r in result.notes],
    }


def validated_at_preview() -> None:
    """The commit job's work when the preview's validated rows still hold: nothing left to do."""
