"""The clean lane of score validation: a row every cell of which is exactly what the plan knows
(a known ticket typed as plain text, its candidate's identity number and name, a registered
subject code, a known status word, a numeric score within the subject's range) becomes its record
in one pass over its values, without the per-cell classification of the full checks.

Any row the lane is not sure of is left to the full checks (`score_import._RowChecker`), which
find and word every problem. Both share the pairs seen so far and the per-value score checks, so
a duplicate is caught whichever of the two saw the first row. On a clean 100,000-row sheet this
is most of the time validation takes beyond reading the file.
"""

from __future__ import annotations

from decimal import Decimal

from exams.rules.score_cells import decimal_of, squeeze
from exams.rules.score_model import STATUS_WORDS, ScoreImportContext, ScoreRecord, ScoreStatus
from exams.rules.subjects import check_score
from xuehui.errors import Reason
from xuehui.excel_import import CellKind, CellValue, HeaderMap, SheetRow

# (subject, kind, value) -> the score, the reason it is out of range, or None when not a number
ScoreChecks = dict[tuple[str | None, CellKind, CellValue], Decimal | Reason | None]
# (ticket, subject) -> (sheet, Excel row) where first seen, shared by the sheets of one workbook
SeenPairs = dict[tuple[str, str], tuple[str, int]]

UNSEEN: Decimal = Decimal("NaN")  # a score value not yet checked (identity test, never a result)


def check_score_value(
    kind: CellKind, value: CellValue, subject_code: str | None, context: ScoreImportContext
) -> Decimal | Reason | None:
    """The score as a Decimal, the reason it is out of range for the subject, or None if not a number."""
    subject = context.subjects.get(subject_code) if subject_code is not None else None
    number = decimal_of(kind, value, subject.decimal_places if subject is not None else None)
    if number is None or subject is None:
        return number
    return check_score(number, subject) or number


class CleanLane:
    """Turns a clean row into its record, or answers None and leaves the row to the full checks."""

    def __init__(
        self, context: ScoreImportContext, header: HeaderMap, sheet: str, seen: SeenPairs, score_checks: ScoreChecks
    ) -> None:
        self.context = context
        self.sheet = sheet
        self.seen = seen
        self.score_checks = score_checks
        columns = header.columns
        self.ticket_at = columns["ticket_no"]
        self.subject_at = columns["subject"]
        self.score_at = columns["score"]
        self.id_at = columns.get("id_number")
        self.name_at = columns.get("name")
        self.status_at = columns.get("status")
        # A code typed exactly as the plan spells it reads as itself only if squeezing keeps it.
        self.codes = frozenset(code for code in context.subjects if squeeze(code) == code)

    def record(self, row: SheetRow) -> ScoreRecord | None:
        values = row.values
        if len(values) <= max(self.ticket_at, self.subject_at, self.score_at):
            return None
        ticket = values[self.ticket_at]
        if type(ticket) is not str or not (ticket.isascii() and ticket.isalnum()):
            return None
        candidate = self.context.candidates_by_ticket.get(ticket)
        subject = values[self.subject_at]
        if candidate is None or type(subject) is not str or subject not in self.codes:
            return None
        if subject not in candidate.subjects or not self._same_person(values, candidate.id_number, candidate.name):
            return None
        status = self._status(values)
        if status is None or status is ScoreStatus.ABSENT:
            return None
        score = self._score(values[self.score_at], subject)
        if score is None or (ticket, subject) in self.seen:
            return None
        self.seen[(ticket, subject)] = (self.sheet, row.number)
        return ScoreRecord(row.number, candidate.candidate_id, ticket, subject, status, score)

    def _same_person(self, values: tuple[CellValue, ...], id_number: str, name: str) -> bool:
        return _empty_or(values, self.id_at, id_number) and _empty_or(values, self.name_at, name)

    def _status(self, values: tuple[CellValue, ...]) -> ScoreStatus | None:
        if self.status_at is None or self.status_at >= len(values):
            return ScoreStatus.PRESENT
        word = values[self.status_at]
        if word is None or word == "":
            return ScoreStatus.PRESENT
        return STATUS_WORDS.get(word) if type(word) is str else None

    def _score(self, value: CellValue, subject: str) -> Decimal | None:
        if type(value) is float:
            if value != value:  # NaN: let the full checks word it
                return None
            kind = CellKind.INT if value.is_integer() else CellKind.FLOAT
        elif type(value) is int:
            kind = CellKind.INT
        else:
            return None
        key = (subject, kind, value)
        checked = self.score_checks.get(key, UNSEEN)
        if checked is UNSEEN:
            checked = self.score_checks[key] = check_score_value(kind, value, subject, self.context)
        return checked if isinstance(checked, Decimal) else None


def _empty_or(values: tuple[CellValue, ...], index: int | None, expected: str) -> bool:
    """The optional cell is absent, empty, or exactly the expected text."""
    if index is None or index >= len(values):
        return True
    value = values[index]
    return value is None or value == "" or value == expected
