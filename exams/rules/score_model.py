"""What a score import reads and yields: the score statuses, the candidates and subjects the plan
knows, each clean score record, the control totals per subject, and the result of a validation.
Pure data; `score_import` fills it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from exams.rules.subjects import Subject
from xuehui.errors import Reason
from xuehui.vocabulary import Labelled

SCORE_REQUIRED_FIELDS = ("ticket_no", "subject", "score")
SCORE_MERGED_FIELDS = ("ticket_no", "id_number", "name")  # a candidate's cells, merged over their subject rows
SCORE_NO_FORMULA_FIELDS = ("ticket_no", "id_number", "subject", "score", "status")


class ScoreStatus(Labelled, vocabulary="exams.score_status"):
    PRESENT = "present", "正常", "present"
    ABSENT = "absent", "缺考", "absent"
    VIOLATION = "violation", "违纪", "violation"


STATUS_WORDS: Mapping[str, ScoreStatus] = {
    "正常": ScoreStatus.PRESENT,
    "参考": ScoreStatus.PRESENT,
    "present": ScoreStatus.PRESENT,
    "normal": ScoreStatus.PRESENT,
    "缺考": ScoreStatus.ABSENT,
    "absent": ScoreStatus.ABSENT,
    "违纪": ScoreStatus.VIOLATION,
    "违纪违规": ScoreStatus.VIOLATION,
    "违规": ScoreStatus.VIOLATION,
    "violation": ScoreStatus.VIOLATION,
}


@dataclass(frozen=True, slots=True)
class KnownCandidate:
    """A candidate of the plan as the database knows them."""

    candidate_id: str
    ticket_no: str
    id_number: str
    name: str
    subjects: frozenset[str]  # subject codes registered for this sitting


@dataclass(frozen=True, slots=True)
class ScoreImportContext:
    candidates_by_ticket: Mapping[str, KnownCandidate]
    subjects: Mapping[str, Subject]

    @classmethod
    def build(cls, candidates: list[KnownCandidate], subjects: list[Subject]) -> ScoreImportContext:
        return cls({c.ticket_no: c for c in candidates}, {s.code: s for s in subjects})


@dataclass(frozen=True, slots=True)
class ScoreRecord:
    row: int
    candidate_id: str
    ticket_no: str
    subject_code: str
    status: ScoreStatus
    score: Decimal | None  # None when absent, or a violation without a recorded score


@dataclass(frozen=True, slots=True)
class SubjectTotals:
    """Control totals to show before committing (count, absentees, sum of scores)."""

    subject_code: str
    rows: int
    absent: int
    violations: int
    score_sum: Decimal


@dataclass(frozen=True, slots=True)
class ScoreImportResult:
    records: tuple[ScoreRecord, ...]  # empty whenever `problems` is not
    problems: tuple[Reason, ...]
    totals: tuple[SubjectTotals, ...]
    # Registered (ticket, subject) pairs of the subjects in the file that have no row: not an error
    # (a sheet may cover one room), but worth showing before the commit.
    not_in_file: tuple[tuple[str, str], ...] = ()
    notes: tuple[Reason, ...] = ()  # how cells were read where a clerk should know (缺考 in the score column)

    @property
    def ok(self) -> bool:
        return not self.problems
