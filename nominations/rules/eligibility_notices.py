"""Rules on the notices and the selection before a nomination is forwarded: every completer
publicised in their own unit for at least N working days (Jinan 2019 [S15]), and the society's
own selection: an internal expert review and its own notice of at least N working days ([S8];
CAST asks the forwarding unit to document both). Notices must be over before submission.
"""

from __future__ import annotations

import datetime as dt

from nominations.rules.cycle.model import CycleConfig
from nominations.rules.eligibility_facts import EligibilityContext, NominationFacts, Period, missing
from nominations.rules.notice import WorkingCalendar, count_working_days
from xuehui.errors import Reason


def working_days_in(calendar: WorkingCalendar, period: Period) -> int:
    """Working days from the first to the last day of `period`, both counted."""
    assert period.starts is not None and period.ends is not None
    return count_working_days(calendar, period.starts - dt.timedelta(days=1), period.ends)


def _notice(
    period: Period, prefix: str, names: tuple[str, str], minimum: int, cycle: CycleConfig, ctx: EligibilityContext
) -> list[Reason]:
    zh, en = names
    if period.starts is None or period.ends is None:
        reasons = []
        if period.starts is None:
            reasons.append(missing(f"{prefix}_starts", f"{zh}的开始日期", f"the first day of {en}"))
        if period.ends is None:
            reasons.append(missing(f"{prefix}_ends", f"{zh}的结束日期", f"the last day of {en}"))
        return reasons
    if period.ends < period.starts:
        return [
            Reason(
                "eligibility.notice_dates",
                f"{zh}的结束日期早于开始日期",
                f"{en} ends before it starts",
                f"{prefix}_ends",
            )
        ]
    days = working_days_in(WorkingCalendar.from_config(cycle.calendar), period)
    reasons = []
    if days < minimum:
        reasons.append(
            Reason(
                "eligibility.notice_too_short",
                f"{zh}应不少于{minimum}个工作日，{period.starts}至{period.ends}只有{days}个工作日",
                f"{en} must last at least {minimum} working days; {period.starts} to {period.ends} has {days}",
                f"{prefix}_ends",
            )
        )
    if ctx.today is not None and period.ends >= ctx.today:
        reasons.append(
            Reason(
                "eligibility.notice_not_over",
                f"{zh}须在提交前结束（至{period.ends}）",
                f"{en} must be over before submission (it runs to {period.ends})",
                f"{prefix}_ends",
            )
        )
    return reasons


def rule_unit_notice(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    minimum = cycle.eligibility.unit_notice_working_days
    if minimum == 0:
        return []  # 0 switches the rule off
    names = ("完成人所在单位公示", "the notice of the completers in their units")
    return _notice(facts.unit_notice, "unit_notice", names, minimum, cycle, ctx)


def rule_society_selection(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    params = cycle.eligibility
    selection = facts.society_selection
    reasons = []
    if selection.review_on is None:
        reasons.append(missing("society_review_on", "学会内部专家评审日期", "the date of the society's expert review"))
    elif ctx.today is not None and selection.review_on > ctx.today:
        reasons.append(
            Reason(
                "eligibility.society_review_ahead",
                "学会内部专家评审日期不能晚于今天",
                "the society's expert review cannot be after today",
                "society_review_on",
            )
        )
    if selection.experts is None:
        reasons.append(missing("society_review_experts", "参加评审的专家人数", "the number of experts in the review"))
    elif selection.experts < params.society_review_min_experts:
        reasons.append(
            Reason(
                "eligibility.society_review_experts",
                f"学会内部评审专家应不少于{params.society_review_min_experts}人，现为{selection.experts}人",
                f"the society's review needs at least {params.society_review_min_experts} experts, "
                f"not {selection.experts}",
                "society_review_experts",
            )
        )
    if not selection.result.strip():
        reasons.append(missing("society_review_result", "学会内部评审结果", "the result of the society's review"))
    names = ("学会公示", "the society's own notice")
    reasons += _notice(selection.notice, "society_notice", names, params.society_notice_working_days, cycle, ctx)
    notice_starts = selection.notice.starts
    if selection.review_on is not None and notice_starts is not None and notice_starts < selection.review_on:
        reasons.append(
            Reason(
                "eligibility.society_notice_before_review",
                "学会公示应在内部专家评审之后",
                "the society's notice comes after its expert review",
                "society_notice_starts",
            )
        )
    return reasons
