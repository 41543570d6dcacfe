"""Score re-checks (成绩复查): deadline, once per subject, scope, and the outcome.

Per 人社厅发〔2021〕18号 as quoted by provinces: apply within 30 days of publication (configurable:
an older Henan rule used 7), once per subject, and the re-checked score is final. The check covers
the sum of marks, what was entered, and 缺考/违纪/零分 anomalies; machine-marked (objective)
subjects are re-checked only for those anomalies (``shared/reference/exam_domain.md`` §1.9).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from exams.rules.score_model import ScoreStatus
from exams.rules.subjects import Subject
from xuehui.errors import Reason
from xuehui.vocabulary import Labelled


@dataclass(frozen=True, slots=True)
class RecheckPolicy:
    window_days: int = 30  # the last day to apply is publication date + window_days


class RecheckOutcome(Labelled, vocabulary="exams.recheck_outcome"):
    UNCHANGED = "unchanged", "维持原成绩", "score unchanged"
    CORRECTED = "corrected", "成绩更正", "score corrected"  # a sum or entry error
    STATUS_CORRECTED = "status_corrected", "考试状态更正", "status corrected"  # the absent/violation flag was wrong


@dataclass(frozen=True, slots=True)
class RecheckResult:
    outcome: RecheckOutcome
    old_score: Decimal | None
    new_score: Decimal | None
    old_status: ScoreStatus
    new_status: ScoreStatus


def last_day_to_apply(published_on: dt.date, policy: RecheckPolicy = RecheckPolicy()) -> dt.date:
    return published_on + dt.timedelta(days=policy.window_days)


def recheck_refusal(
    subject: Subject,
    status: ScoreStatus,
    score: Decimal | None,
    published_on: dt.date,
    requested_on: dt.date,
    earlier_requests: Iterable[str],
    policy: RecheckPolicy = RecheckPolicy(),
) -> Reason | None:
    """Why a re-check request is refused, or None when it can be accepted."""
    if requested_on < published_on:
        return Reason("recheck.not_published", "成绩尚未公布", "scores are not published yet", "subject")
    last = last_day_to_apply(published_on, policy)
    if requested_on > last:
        return Reason(
            "recheck.deadline",
            f"复查申请应在成绩公布后{policy.window_days}日内提出（截止{last}）",
            f"re-checks must be requested within {policy.window_days} days of publication (by {last})",
            "subject",
        )
    if subject.code in set(earlier_requests):
        return Reason(
            "recheck.once",
            f"科目{subject.code}已申请过复查，每科只能复查一次",
            f"subject {subject.code} has already been re-checked; each subject can be re-checked once",
            "subject",
        )
    anomaly = status is not ScoreStatus.PRESENT or score == 0
    if subject.objective and not anomaly:
        return Reason(
            "recheck.objective",
            "客观题科目由机器评分，仅对零分、缺考、违纪成绩复查",
            "machine-marked subjects are re-checked only for a zero, absent or violation result",
            "subject",
        )
    return None


def recheck_result(
    old_score: Decimal | None, old_status: ScoreStatus, new_score: Decimal | None, new_status: ScoreStatus
) -> RecheckResult:
    """Classify what the re-check found; the new score is final."""
    if new_status is not old_status:
        outcome = RecheckOutcome.STATUS_CORRECTED
    elif new_score != old_score:
        outcome = RecheckOutcome.CORRECTED
    else:
        outcome = RecheckOutcome.UNCHANGED
    return RecheckResult(outcome, old_score, new_score, old_status, new_status)
