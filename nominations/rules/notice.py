"""Public notice windows in working days, and whether an objection may be accepted (F7, §1.6).

Notice periods are counted in working days (unit-level and nominating-body notices, 5 working
days: [S15][S8]) or calendar days (初评 list 10 days [S11], 建议授奖 30 days [S12]). Chinese
working days follow a yearly calendar: public holidays are days off, and some weekend days are
working days (调休); both sets are configuration (`cycle.HolidayCalendar`).

Objections must carry a real identity (written, real name: [S11]); anonymous or late objections
are refused ([S25]). We require the objector's name, a valid identity-card number, a phone number
and the reasons; an objection is accepted from the day the notice is posted to the last day of the
window inclusive.

Conventions: `add_working_days(d, n)` is the n-th working day after d (n may be negative);
`count_working_days(a, b)` counts working days in (a, b] (minus those in [b, a) when b < a), so
that ``count_working_days(d, add_working_days(d, n)) == n`` for every n. A window of N working days starting on
day s runs from s (moved to the next working day if s is not one) to its N-th working day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from nominations.rules.cycle.model import NoticeWindowConfig
from xuehui.errors import Reason
from xuehui.idcard import parse
from xuehui.workdays import WorkingCalendar, add_working_days, count_working_days

__all__ = ["WorkingCalendar", "add_working_days", "count_working_days"]

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class NoticeWindow:
    key: str
    starts: dt.date
    ends: dt.date  # inclusive
    # The day the notice went up, when its count starts on the next working day: objections are
    # taken from then (a notice posted on a Saturday can be objected to before Monday).
    posted: dt.date | None = None

    @property
    def opens(self) -> dt.date:
        """The first day objections are taken: the day posted, if before the count starts."""
        return min(self.starts, self.posted or self.starts)

    def is_open(self, on: dt.date) -> bool:
        return self.opens <= on <= self.ends


def notice_window(calendar: WorkingCalendar, config: NoticeWindowConfig) -> NoticeWindow:
    """The first and last day of a configured window."""
    if config.unit == "calendar_days":
        return NoticeWindow(config.key, config.starts, config.starts + (config.length - 1) * _DAY)
    first = calendar.next_working_day(config.starts)
    return NoticeWindow(config.key, first, add_working_days(calendar, first, config.length - 1), config.starts)


@dataclass(frozen=True, slots=True)
class Objection:
    name: str
    id_number: str
    phone: str
    reasons: str
    submitted_on: dt.date  # in the province's local time
    unit: str = ""


_PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,18}[0-9]$")


def _phone_is_valid(phone: str) -> bool:
    digits = re.sub(r"\D", "", phone)
    return bool(_PHONE.match(phone.strip())) and 7 <= len(digits) <= 15


def _anonymous(field_name: str, zh: str, en: str) -> Reason:
    return Reason(
        "objection.anonymous",
        f"异议须实名提出，请填写{zh}",
        f"objections must give a real identity: {en} is missing",
        field_name,
    )


def check_objection(objection: Objection, window: NoticeWindow) -> list[Reason]:
    """Every reason to refuse the objection; empty when it is accepted."""
    reasons = []
    if not objection.name.strip():
        reasons.append(_anonymous("name", "姓名", "the name"))
    if not objection.id_number.strip():
        reasons.append(_anonymous("id_number", "身份证号码", "the identity-card number"))
    else:
        card = parse(objection.id_number, "id_number")
        if isinstance(card, Reason):
            reasons.append(card)
    if not objection.phone.strip():
        reasons.append(_anonymous("phone", "联系电话", "the phone number"))
    elif not _phone_is_valid(objection.phone):
        reasons.append(
            Reason("objection.phone_invalid", "联系电话格式不正确", "the phone number is not valid", "phone")
        )
    if not objection.reasons.strip():
        reasons.append(
            Reason("objection.reasons_required", "请写明异议理由", "state the reasons for the objection", "reasons")
        )
    if objection.submitted_on > window.ends:
        reasons.append(
            Reason(
                "objection.late",
                f"公示期已于{window.ends}结束，逾期异议不予受理",
                f"the notice window closed on {window.ends}; late objections are not accepted",
                "submitted_on",
            )
        )
    elif objection.submitted_on < window.opens:
        opens = window.opens
        reasons.append(
            Reason(
                "objection.not_open",
                f"公示期自{opens}开始",
                f"the notice window opens on {opens}",
                "submitted_on",
            )
        )
    return reasons
