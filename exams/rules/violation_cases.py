"""Due process of a violation case (人社部令第31号 Art. 16-20): the candidate is told the facts,
reasons and basis (告知), may answer within a statement period (陈述申辩), the office decides in
writing (处理决定书) and serves the decision (送达); the candidate may then apply for
administrative review (行政复议) within the appeal window.

Periods (the reference gives the appeal window, not the statement period):
- the statement period is `STATEMENT_WORKING_DAYS` working days after the day of the notice
  (assumed 3; weekends are days off, no holiday calendar is configured for exams);
- the appeal window ends `APPEAL_DAYS` calendar days after service (行政复议法: 60 days).

A case is decided only once the candidate has stated or the statement period is over; its effects
(voided subjects or sitting, the integrity record, the closed commitment route) count from the
decision, never from the recording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from exams.rules.lifecycles import ViolationCaseState
from exams.rules.violations import SubjectResult, Violation, ViolationDecision, ViolationKind, decide
from xuehui.errors import Reason
from xuehui.workdays import WorkingCalendar, add_working_days

STATEMENT_WORKING_DAYS = 3
APPEAL_DAYS = 60
EXAM_CALENDAR = WorkingCalendar()


def statement_due(notified_on: dt.date, calendar: WorkingCalendar = EXAM_CALENDAR) -> dt.date:
    """The last day on which the candidate may submit a statement."""
    return add_working_days(calendar, notified_on, STATEMENT_WORKING_DAYS)


def appeal_until(served_on: dt.date) -> dt.date:
    """The last day to apply for administrative review of the served decision."""
    return served_on + dt.timedelta(days=APPEAL_DAYS)


def statement_refusal(due: dt.date | None, on: dt.date) -> Reason | None:
    """Why a statement cannot be submitted on `on`, or None while the period runs."""
    if due is not None and on > due:
        return Reason(
            "violation_case.statement_late",
            f"陈述申辩期已于{due.isoformat()}届满，不能再提交陈述申辩",
            f"the statement period ended on {due.isoformat()}; a statement can no longer be submitted",
            "statement",
        )
    return None


def decision_refusal(state: str, due: dt.date | None, on: dt.date) -> Reason | None:
    """Why the case cannot be decided yet: the candidate's statement period still runs."""
    if state == ViolationCaseState.NOTIFIED and due is not None and on <= due:
        return Reason(
            "violation_case.statement_pending",
            f"考生的陈述申辩期至{due.isoformat()}，考生陈述申辩或期满后方可作出决定",
            f"the candidate may still answer until {due.isoformat()}; decide after the statement or after that day",
        )
    return None


def service_refusal(decided_on: dt.date, served_on: dt.date, on: dt.date) -> Reason | None:
    """Why a service date is not possible: before the decision or in the future."""
    if served_on < decided_on or served_on > on:
        return Reason(
            "violation_case.served_on",
            f"送达日期应在{decided_on.isoformat()}至{on.isoformat()}之间",
            f"the service date must be between {decided_on.isoformat()} and {on.isoformat()}",
            "served_on",
        )
    return None


def notice_text(violation: Violation, due: dt.date) -> tuple[str, str]:
    """The notice (违纪违规行为处理告知书): facts, the intended handling and its basis, the right to answer."""
    kind_zh = "虚假承诺" if violation.kind is ViolationKind.FALSE_COMMITMENT else "违纪违规"
    zh = (
        f"经查，考生在{violation.sitting_id}考试{violation.subject_code}科目中{violation.facts}，"
        f"拟认定为{violation.level.zh}（{kind_zh}），依据《专业技术人员资格考试违纪违规行为处理规定》"
        f"{violation.article}处理。考生有权陈述和申辩，请于{due.isoformat()}前（含当日）提交。"
    )
    en = (
        f"In sitting {violation.sitting_id}, subject {violation.subject_code}, the candidate: {violation.facts}. "
        f"The office intends to treat this as a {violation.level.en} ({violation.kind.en}) under "
        f"{violation.article} of MOHRSS Order No. 31. You may submit a statement until {due.isoformat()} (inclusive)."
    )
    return zh, en


def written_decision(violation: Violation, results: Sequence[SubjectResult], note: str = "") -> ViolationDecision:
    """The decision as served: the effects (`violations.decide`) with the office's written reasons
    (how the statement was considered) placed before the appeal sentence."""
    decision = decide(violation, results)
    note = note.strip().rstrip("。.")
    if not note:
        return decision
    zh_body, _sep, zh_tail = decision.text_zh.rpartition("。如不服本决定")
    en_body, _sep2, en_tail = decision.text_en.rpartition(". You may apply")
    return replace(
        decision,
        text_zh=f"{zh_body}。处理理由：{note}。如不服本决定{zh_tail}",
        text_en=f"{en_body}. Reasons: {note}. You may apply{en_tail}",
    )
