"""Score import validation: check every row of an uploaded score sheet before anything is written.

Input is the `xuehui.excel_import.Table` of the upload plus what the plan knows (tickets,
candidates, subjects). Output is either every problem (row, column, bilingual reason) or the clean
score records, never a mix: the service commits all rows in one transaction or none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from decimal import Decimal

from exams.rules.score_cells import is_absent_word, kind_value, shown, squeeze
from exams.rules.score_lane import UNSEEN, CleanLane, ScoreChecks, SeenPairs, check_score_value
from exams.rules.score_messages import absent_in_score, stored_as_number
from exams.rules.score_model import (
    SCORE_REQUIRED_FIELDS,
    STATUS_WORDS,
    KnownCandidate,
    ScoreImportContext,
    ScoreImportResult,
    ScoreRecord,
    ScoreStatus,
    SubjectTotals,
)
from xuehui import idcard
from xuehui.errors import Reason
from xuehui.excel_import import CellKind, HeaderMap, SheetRow, Table, date_in_code_cell, visible

# Canonical field -> accepted header texts (Chinese and English); see `excel_import.map_header`.
SCORE_HEADER_ALIASES: Mapping[str, tuple[str, ...]] = {
    "ticket_no": ("准考证号", "准考证号码", "准考证", "ticket number", "ticket no", "ticket"),
    "id_number": ("身份证号", "身份证号码", "证件号码", "公民身份号码", "id number", "identity number", "id card"),
    "name": ("姓名", "考生姓名", "name", "candidate name"),
    "subject": ("科目代码", "科目", "科目编号", "subject", "subject code"),
    "score": ("成绩", "分数", "得分", "score", "mark", "marks"),
    "status": ("状态", "考试状态", "成绩状态", "备注状态", "status"),
}


def _problem(code: str, zh: str, en: str, field: str, row: int, header: HeaderMap) -> Reason:
    column = header.letter(field) if field in header.columns else None
    return Reason(f"score_import.{code}", zh, en, field=field, row=row, column=column)


class _RowChecker:
    """Validates one row at a time; collects problems; remembers seen (ticket, subject) pairs."""

    def __init__(
        self,
        context: ScoreImportContext,
        header: HeaderMap,
        sheet: str = "",
        seen: SeenPairs | None = None,
        score_checks: ScoreChecks | None = None,
    ) -> None:
        self.context = context
        self.header = header
        self.col = header.columns
        self.sheet = sheet
        self.problems: list[Reason] = []
        # field -> (Excel row, value shown) of identity or ticket numbers stored as numbers: one
        # message per column, not one per cell (a whole column typed as numbers is one mistake)
        self.numbers: dict[str, list[tuple[int, str]]] = {}
        # (ticket, subject) -> (sheet, row) where first seen: shared by the sheets of one workbook
        self.seen: SeenPairs = {} if seen is None else seen
        # Scores repeat (a few hundred distinct values per subject), so the Decimal parse and range
        # check are done once per (subject, kind, value): a third of the validation time otherwise.
        self.score_checks: ScoreChecks = {} if score_checks is None else score_checks
        self.absent_rows: list[int] = []  # rows whose score cell says 缺考: read as absent, noted once

    def add(self, code: str, zh: str, en: str, field: str, row: int) -> None:
        self.problems.append(_problem(code, zh, en, field, row, self.header))

    def text_only(self, row: SheetRow, field: str, label_zh: str, label_en: str) -> str | None:
        """Identity and ticket numbers must be text: a number cell has already lost digits or leading zeros."""
        kind, value = kind_value(row, self.col[field])
        if kind is CellKind.TEXT:
            return squeeze(str(value))
        if kind is CellKind.EMPTY:
            return ""
        if kind in (CellKind.INT, CellKind.FLOAT):
            self.numbers.setdefault(field, []).append((row.number, shown(kind, value)))
        elif kind is CellKind.DATE:
            self.add("date_cell", *date_in_code_cell(value, label_zh, label_en), field, row.number)
        else:
            self.add("bad_cell", f"{label_zh}格式不正确", f"the {label_en} has the wrong type", field, row.number)
        return None

    def grouped(self) -> list[Reason]:
        """One message per column of numbers stored as numbers, with its first rows."""
        return [stored_as_number(self.header, field, found) for field, found in self.numbers.items()]

    def absent_in_score(self, row: SheetRow, status: ScoreStatus | None) -> ScoreStatus | None:
        """`缺考` written in the score column: absent, unless the status column says otherwise."""
        explicit = "status" in self.col and kind_value(row, self.col["status"])[0] is not CellKind.EMPTY
        if status is None or (explicit and status is not ScoreStatus.ABSENT):
            if status is not None:
                self.add(
                    "absent_word_conflict",
                    f"成绩写为“缺考”，但状态为“{status.zh}”；请在状态列填写缺考，成绩留空",
                    f"the score says absent but the status is {status.en}; write absent in the status column "
                    "and leave the score empty",
                    "score",
                    row.number,
                )
            return None
        self.absent_rows.append(row.number)
        return ScoreStatus.ABSENT

    def notes(self) -> list[Reason]:
        """What was read in a way worth saying before the commit (not a problem)."""
        return [absent_in_score(self.header, self.absent_rows)] if self.absent_rows else []

    def check(self, row: SheetRow) -> ScoreRecord | None:
        n = row.number
        before = len(self.problems)
        ticket = self.text_only(row, "ticket_no", "准考证号", "ticket number")
        id_number = self.text_only(row, "id_number", "身份证号", "identity number") if "id_number" in self.col else ""
        subject_code = self.subject(row)
        status = self.status(row)
        if is_absent_word(*kind_value(row, self.col["score"])):
            status, score = self.absent_in_score(row, status), None
        else:
            score = self.score(row, subject_code, status)
        if ticket is None:
            return None
        if not ticket:
            self.add("missing_ticket", "准考证号为空", "the ticket number is empty", "ticket_no", n)
            return None
        candidate = self.context.candidates_by_ticket.get(ticket)
        if candidate is None:
            quoted = visible(ticket)
            self.add("unknown_ticket", f"准考证号{quoted}不存在", f"ticket {quoted} is not known", "ticket_no", n)
            return None
        self.identity(row, candidate, id_number)
        if subject_code is not None and subject_code not in candidate.subjects:
            self.add(
                "subject_not_registered",
                f"考生{ticket}未报考科目{subject_code}",
                f"candidate {ticket} did not register for subject {subject_code}",
                "subject",
                n,
            )
        if subject_code is not None:
            first_sheet, first = self.seen.setdefault((ticket, subject_code), (self.sheet, n))
            if (first_sheet, first) != (self.sheet, n):
                where_zh = f"工作表“{first_sheet}”第{first}行" if first_sheet != self.sheet else f"第{first}行"
                where_en = f"row {first} of sheet {first_sheet!r}" if first_sheet != self.sheet else f"row {first}"
                self.add(
                    "duplicate",
                    f"与{where_zh}重复（同一准考证号和科目）",
                    f"duplicates {where_en} (same ticket and subject)",
                    "ticket_no",
                    n,
                )
        if len(self.problems) > before or subject_code is None or status is None:
            return None
        return ScoreRecord(n, candidate.candidate_id, ticket, subject_code, status, score)

    def identity(self, row: SheetRow, candidate: KnownCandidate, raw: str | None) -> None:
        if raw and raw != candidate.id_number and idcard.normalise(raw) != idcard.normalise(candidate.id_number):
            self.add(
                "id_mismatch",
                "身份证号与准考证号对应的考生不一致",
                "the identity number does not match the candidate of this ticket",
                "id_number",
                row.number,
            )
        if "name" in self.col:
            kind, value = kind_value(row, self.col["name"])
            name = squeeze(str(value)) if kind is not CellKind.EMPTY else ""
            if name and name != squeeze(candidate.name):
                self.add(
                    "name_mismatch",
                    f"姓名“{name}”与准考证号对应的考生不一致",
                    f"the name {name!r} does not match the candidate of this ticket",
                    "name",
                    row.number,
                )

    def subject(self, row: SheetRow) -> str | None:
        kind, value = kind_value(row, self.col["subject"])
        # A subject code typed as a number is accepted only if it is exactly a known code ("3", not "03").
        code = shown(kind, value) if kind is CellKind.INT else squeeze(str(value)) if kind is CellKind.TEXT else ""
        if code in self.context.subjects:
            return code
        if kind is CellKind.DATE:
            self.add("date_cell", *date_in_code_cell(value, "科目代码", "subject code"), "subject", row.number)
        elif not code:
            self.add("missing_subject", "科目为空", "the subject is empty", "subject", row.number)
        else:
            padded = [c for c in self.context.subjects if c.isdigit() and code.isdigit() and c.lstrip("0") == code]
            hint_zh = f"（前导零可能已丢失，是否应为{padded[0]}？请把该列设为文本）" if padded else ""
            hint_en = f" (a leading zero may have been lost: {padded[0]}? set the column to text)" if padded else ""
            self.add(
                "unknown_subject",
                f"科目{visible(code)}不存在{hint_zh}",
                f"subject {visible(code)} is not part of this plan{hint_en}",
                "subject",
                row.number,
            )
        return None

    def status(self, row: SheetRow) -> ScoreStatus | None:
        if "status" not in self.col:
            return ScoreStatus.PRESENT
        kind, value = kind_value(row, self.col["status"])
        if kind is CellKind.EMPTY:
            return ScoreStatus.PRESENT
        status = STATUS_WORDS.get(value) if isinstance(value, str) else None
        if status is None and kind is CellKind.TEXT:
            status = STATUS_WORDS.get(squeeze(str(value)).casefold())
        if status is None:
            self.add(
                "bad_status",
                f"状态“{value}”无效，应为 正常、缺考 或 违纪",
                f"status {value!r} is not valid; use present, absent or violation",
                "status",
                row.number,
            )
        return status

    def score(self, row: SheetRow, subject_code: str | None, status: ScoreStatus | None) -> Decimal | None:
        n = row.number
        kind, value = kind_value(row, self.col["score"])
        if kind is CellKind.EMPTY:
            if status is ScoreStatus.PRESENT:
                self.add(
                    "missing_score", "状态为正常但成绩为空", "the status is present but the score is empty", "score", n
                )
            return None
        key = (subject_code, kind, value)
        checked = self.score_checks.get(key, UNSEEN)
        if checked is UNSEEN:
            checked = self.score_checks[key] = check_score_value(kind, value, subject_code, self.context)
        if checked is None:
            self.add("bad_score", f"成绩“{value}”不是数字", f"score {value!r} is not a number", "score", n)
            return None
        if status is ScoreStatus.ABSENT:
            self.add(
                "score_when_absent", "状态为缺考但填写了成绩", "the status is absent but a score is given", "score", n
            )
            return None
        if isinstance(checked, Reason):
            self.add(checked.code.removeprefix("score."), checked.zh, checked.en, "score", n)
            return None
        return checked


def _totals(records: list[ScoreRecord]) -> tuple[SubjectTotals, ...]:
    rows: Counter[str] = Counter()
    absent: Counter[str] = Counter()
    violations: Counter[str] = Counter()
    sums: dict[str, Decimal] = {}
    for r in records:
        rows[r.subject_code] += 1
        if r.status is ScoreStatus.ABSENT:
            absent[r.subject_code] += 1
        elif r.status is ScoreStatus.VIOLATION:
            violations[r.subject_code] += 1
        if r.score is not None:
            sums[r.subject_code] = sums.get(r.subject_code, Decimal(0)) + r.score
    return tuple(
        SubjectTotals(code, rows[code], absent[code], violations[code], sums.get(code, Decimal(0)))
        for code in sorted(rows)
    )


def validate_score_rows(table: Table, context: ScoreImportContext) -> ScoreImportResult:
    """Validate every data row of one sheet; return all problems, or the clean records and control totals."""
    return validate_score_tables((table,), context)


def validate_score_tables(tables: Sequence[Table], context: ScoreImportContext) -> ScoreImportResult:
    """Validate every data row of every sheet read (one per subject is common); a (ticket, subject)
    pair may appear once in the whole workbook. The reader's cell problems (error cells, formulas)
    are reported beside the rows' own, so one does not hide the other. A file without a single
    data row is refused: it must never empty the current scores."""
    seen: SeenPairs = {}
    score_checks: ScoreChecks = {}
    problems: list[Reason] = []
    notes: list[Reason] = []
    records: list[ScoreRecord] = []
    for table in tables:
        missing = [f for f in SCORE_REQUIRED_FIELDS if f not in table.header.columns]
        if missing:
            raise ValueError(f"the header lacks required fields {missing}; read the table with SCORE_REQUIRED_FIELDS")
        if "id_number" not in table.header.columns and "name" not in table.header.columns:
            own = [
                Reason(
                    "score_import.no_identity_column",
                    "成绩表须包含身份证号或姓名列，用于核对考生",
                    "the score sheet needs an identity-number or name column to check each candidate",
                    field="id_number",
                    row=table.header.row,
                )
            ]
        else:
            checker = _RowChecker(context, table.header, table.sheet_name, seen, score_checks)
            lane = CleanLane(context, table.header, table.sheet_name, seen, score_checks)
            records += [rec for row in table.rows if (rec := lane.record(row) or checker.check(row)) is not None]
            own = [*checker.grouped(), *checker.problems]
            notes += [_in_sheet(r, table.sheet_name) for r in checker.notes()] if len(tables) > 1 else checker.notes()
        found = table.merged_problems(own)
        problems += [_in_sheet(p, table.sheet_name) for p in found] if len(tables) > 1 else found
    if not problems and not records:
        problems.append(
            Reason(
                "score_import.no_rows",
                "文件中只有表头，没有成绩行；未导入任何成绩，现有成绩不变",
                "the file has a header but no score rows; nothing was imported and the current scores stay",
                field="file",
                row=tables[0].header.row if tables else None,
            )
        )
    if problems:
        return ScoreImportResult((), tuple(problems), ())
    return ScoreImportResult(tuple(records), (), _totals(records), _not_in_file(records, context), tuple(notes))


def _in_sheet(reason: Reason, sheet: str) -> Reason:
    """Name the sheet in a row's message when the workbook's sheets were read together."""
    if reason.code.startswith("excel."):  # the reader's messages name their sheet already
        return reason
    return Reason(
        reason.code,
        f"工作表“{sheet}”：{reason.zh}",
        f"sheet {sheet!r}: {reason.en}",
        reason.field,
        reason.row,
        reason.column,
    )


def _not_in_file(records: list[ScoreRecord], context: ScoreImportContext) -> tuple[tuple[str, str], ...]:
    in_file = {(r.ticket_no, r.subject_code) for r in records}
    subjects = {r.subject_code for r in records}
    return tuple(
        sorted(
            (ticket, code)
            for ticket, candidate in context.candidates_by_ticket.items()
            for code in candidate.subjects & subjects
            if (ticket, code) not in in_file
        )
    )
