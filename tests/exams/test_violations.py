"""Violations (31号令): what each level voids, the record period and the written decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from exams.rules.violations import (
    SubjectResult,
    Violation,
    ViolationLevel,
    apply_violations,
    record_active,
)

RESULTS = [
    SubjectResult("c1", "2026-JL", "01", Decimal(70)),
    SubjectResult("c1", "2026-JL", "02", Decimal(80)),
    SubjectResult("c1", "2025-JL", "03", Decimal(75)),
    SubjectResult("c2", "2026-JL", "01", Decimal(65)),
]


def v(level: ViolationLevel, subject: str = "02", decided: dt.date = dt.date(2026, 11, 1)) -> Violation:
    return Violation("c1", "2026-JL", subject, level, "第六条第二项", "携带手机且经警告未改正", decided)


def void_flags(results: tuple[SubjectResult, ...]) -> list[tuple[str, str, str, bool]]:
    return [(r.candidate_id, r.sitting_id, r.subject_code, r.void) for r in results]


def test_general_voids_only_that_subject() -> None:
    marked, (decision,) = apply_violations(RESULTS, [v(ViolationLevel.GENERAL)])
    assert void_flags(marked) == [
        ("c1", "2026-JL", "01", False),
        ("c1", "2026-JL", "02", True),
        ("c1", "2025-JL", "03", False),
        ("c2", "2026-JL", "01", False),
    ]
    assert (decision.voided_subjects, decision.record_until, decision.long_term_record) == (("02",), None, False)
    assert decision.text_zh == (
        "经查，考生在2026-JL考试02科目中携带手机且经警告未改正，属一般违纪违规，"
        "依据《专业技术人员资格考试违纪违规行为处理规定》第六条第二项，给予以下处理：02科目考试成绩无效。"
        "如不服本决定，可依法申请行政复议或者提起行政诉讼。"
    )


def test_serious_voids_the_whole_sitting_and_records_five_years() -> None:
    marked, (decision,) = apply_violations(RESULTS, [v(ViolationLevel.SERIOUS)])
    assert [r.void for r in marked] == [True, True, False, False]
    assert decision.voided_subjects == ("01", "02")
    assert decision.record_until == dt.date(2031, 11, 1)
    assert "记录期限五年（至2031-11-01）" in decision.text_zh
    assert "integrity record for five years (until 2031-11-01)" in decision.text_en


def test_especially_serious_is_a_long_term_record() -> None:
    marked, (decision,) = apply_violations(RESULTS, [v(ViolationLevel.ESPECIALLY_SERIOUS)])
    assert [r.void for r in marked] == [True, True, False, False]
    assert (decision.record_until, decision.long_term_record) == (None, True)
    assert "长期记录" in decision.text_zh


def test_record_period_boundaries() -> None:
    serious = v(ViolationLevel.SERIOUS, decided=dt.date(2024, 2, 29))
    assert serious.record_until == dt.date(2029, 2, 28)
    assert record_active(serious, dt.date(2029, 2, 28))
    assert not record_active(serious, dt.date(2029, 3, 1))
    assert not record_active(serious, dt.date(2024, 2, 28))
    assert record_active(v(ViolationLevel.ESPECIALLY_SERIOUS), dt.date(2090, 1, 1))
    assert not record_active(v(ViolationLevel.GENERAL), dt.date(2026, 11, 2))
