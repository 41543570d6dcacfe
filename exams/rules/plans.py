"""A plan's dates against each other (`plan_dates`), and which of its settings may still change
once something depends on them (`edit_locks`, `locked_changes`).

Dates, all calendar days in China: registration opens on or before the day it closes; it closes
before the first exam day; scores are published after the last exam day (so never before the
exam). Without subjects yet, publication must still come after registration closes.

What locks what (a setting stays editable until the first thing that depends on it exists):
- the plan code, exam code and year never change: they are in every ticket and certificate number;
- the fee, the eligibility table, the cut-off date, counting after graduation and the
  exemptions, once anyone registered (their eligibility and fee were decided on them);
- the ticket template and the seating rules, once seats were allocated (tickets were printed);
- the subjects (marks and times), once scores were imported;
- the rolling windows and the publication date, once the scores were published;
- the certificate validity, once certificates were issued.
The name, the registration window, the commitment bar and, until publication, the publication date
stay editable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from xuehui.errors import Reason


@dataclass(frozen=True, slots=True)
class PlanDates:
    registration_opens: dt.date
    registration_closes: dt.date
    publication_date: dt.date
    exam_days: tuple[dt.date, ...] = ()  # every day a subject starts or ends


def plan_dates(dates: PlanDates) -> list[Reason]:
    """Every way the plan's dates contradict each other, each beside the field to correct."""
    problems = []
    if dates.registration_closes < dates.registration_opens:
        problems.append(
            Reason(
                "plan.window",
                "报名截止日期须不早于开始日期",
                "registration must close after it opens",
                "registration_closes",
            )
        )
    if dates.exam_days:
        first, last = min(dates.exam_days), max(dates.exam_days)
        if dates.registration_closes >= first:
            problems.append(
                Reason(
                    "plan.closes_before_exam",
                    f"报名须在考试开始（{first.isoformat()}）前截止",
                    f"registration must close before the exam starts ({first.isoformat()})",
                    "registration_closes",
                )
            )
        if dates.publication_date <= last:
            problems.append(
                Reason(
                    "plan.publication_after_exam",
                    f"成绩公布日期须晚于考试结束（{last.isoformat()}）",
                    f"scores are published after the exam ends ({last.isoformat()})",
                    "publication_date",
                )
            )
    elif dates.publication_date <= dates.registration_closes:
        problems.append(
            Reason(
                "plan.publication_after_registration",
                "成绩公布日期须晚于报名截止日期",
                "scores are published after registration closes",
                "publication_date",
            )
        )
    return problems


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """What already depends on the plan's settings."""

    registrations: bool = False
    seated: bool = False
    scores: bool = False
    published: bool = False
    certificates: bool = False


NEVER = ("code", "exam_code", "year")
_LOCKS: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    (
        "registrations",
        ("fee", "eligibility", "cutoff_date", "count_after_graduation_only", "exemptions"),
        "已有考生报名，不能再修改",
        "candidates have registered: this can no longer change",
    ),
    (
        "seated",
        ("ticket_template", "separate_employers", "one_group_per_room"),
        "已编排座位并生成准考证，不能再修改",
        "seats were allocated and tickets issued: this can no longer change",
    ),
    ("scores", ("subjects",), "已导入成绩，科目不能再修改", "scores were imported: subjects can no longer change"),
    (
        "published",
        ("rolling", "publication_date"),
        "成绩已公布，不能再修改",
        "the scores are published: this can no longer change",
    ),
    (
        "certificates",
        ("certificate_valid_years",),
        "已发放证书，不能再修改",
        "certificates were issued: this can no longer change",
    ),
)


def edit_locks(facts: PlanFacts) -> dict[str, Reason]:
    """Each locked setting with the reason it is locked (shown beside it on the edit form)."""
    locks = {
        field: Reason(
            "plan.locked",
            "计划代码、考试代码和年度用于准考证号和证书编号，不能修改",
            "the plan code, exam code and year are in ticket and certificate numbers and never change",
            field,
        )
        for field in NEVER
    }
    for fact, fields, zh, en in _LOCKS:
        if getattr(facts, fact):
            locks.update({field: Reason("plan.locked", zh, en, field) for field in fields if field not in locks})
    return locks


def locked_changes(
    current: Mapping[str, Any], proposed: Mapping[str, Any], locks: Mapping[str, Reason]
) -> list[Reason]:
    """The refusal of every locked setting the proposal changes."""
    return [locks[field] for field in sorted(locks) if field in proposed and proposed[field] != current.get(field)]


def changed_fields(current: Mapping[str, Any], proposed: Mapping[str, Any]) -> list[str]:
    return sorted(field for field, value in proposed.items() if current.get(field) != value)


def exam_days(times: Iterable[dt.date]) -> tuple[dt.date, ...]:
    return tuple(sorted(set(times)))
