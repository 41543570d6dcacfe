"""Re-checks: 30 days from publication, once per subject, scope, outcome types."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from exams.rules.rechecks import (
    RecheckOutcome,
    RecheckPolicy,
    RecheckResult,
    last_day_to_apply,
    recheck_refusal,
    recheck_result,
)
from exams.rules.score_model import ScoreStatus
from exams.rules.subjects import Subject

PUBLISHED = dt.date(2026, 12, 1)
ESSAY = Subject("02", "实务", Decimal(120), Decimal(72))
MACHINE = Subject("01", "基础", Decimal(100), Decimal(60), objective=True)


def code(**kwargs: object) -> str | None:
    args: dict[str, object] = {
        "subject": ESSAY,
        "status": ScoreStatus.PRESENT,
        "score": Decimal(70),
        "published_on": PUBLISHED,
        "requested_on": PUBLISHED,
        "earlier_requests": (),
    }
    args.update(kwargs)
    reason = recheck_refusal(**args)  # type: ignore[arg-type]
    return None if reason is None else reason.code


def test_within_thirty_days_inclusive() -> None:
    assert last_day_to_apply(PUBLISHED) == dt.date(2026, 12, 31)
    assert code(requested_on=dt.date(2026, 12, 31)) is None
    assert code(requested_on=dt.date(2027, 1, 1)) == "recheck.deadline"
    assert code(requested_on=dt.date(2026, 11, 30)) == "recheck.not_published"
    assert code(requested_on=dt.date(2026, 12, 9), policy=RecheckPolicy(window_days=7)) == "recheck.deadline"


def test_once_per_subject() -> None:
    assert code(earlier_requests=["02"]) == "recheck.once"
    assert code(earlier_requests=["01"]) is None


def test_machine_marked_subjects_only_for_anomalies() -> None:
    assert code(subject=MACHINE) == "recheck.objective"
    assert code(subject=MACHINE, score=Decimal(0)) is None
    assert code(subject=MACHINE, status=ScoreStatus.ABSENT, score=None) is None
    assert code(subject=MACHINE, status=ScoreStatus.VIOLATION) is None


def test_outcomes() -> None:
    p, a = ScoreStatus.PRESENT, ScoreStatus.ABSENT
    assert recheck_result(Decimal(70), p, Decimal(70), p).outcome is RecheckOutcome.UNCHANGED
    assert recheck_result(Decimal(70), p, Decimal(74), p) == RecheckResult(
        RecheckOutcome.CORRECTED, Decimal(70), Decimal(74), p, p
    )
    assert recheck_result(None, a, Decimal(66), p).outcome is RecheckOutcome.STATUS_CORRECTED
