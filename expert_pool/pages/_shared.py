"""What every expert-pool page shares: the guards, the labelled vocabularies put into every
template, the page helper and the small form parsers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from litestar.response import Template
from pydantic import ValidationError

from expert_pool import disciplines
from expert_pool.rules.deadlines import Lateness
from expert_pool.rules.lifecycles import AssignmentStatus, BatchStatus, ConflictStatus, ExpertStatus, PanelStatus
from expert_pool.rules.vocabulary import (
    AssignMode,
    BallotBase,
    ConflictKind,
    ConflictSource,
    Rank,
    Recommendation,
    Relation,
    Stage,
    WithdrawReason,
)
from xuehui.errors import InvalidInput, Reason
from xuehui.i18n import current_language, pick
from xuehui.i18n import gettext as _
from xuehui.vocabulary import Labelled
from xuehui.web import requires_role

admin_only = [requires_role("admin")]
expert_only = [requires_role("expert")]

Labels = type[Labelled] | Mapping[str, tuple[str, str]]

# Whether yes votes must exceed the threshold ("1") or reach it ("0"), as the panel form offers it.
THRESHOLD_KINDS = {"1": ("超过", "More than"), "0": ("达到", "At least")}
NO_VALUE = ("—", "—")


def label(table: Labels, key: str | None) -> str:
    """The label of `key` in a vocabulary (a `Labelled` enum or a code -> (zh, en) mapping); a
    code no vocabulary knows is shown as it is, never hidden."""
    if isinstance(table, type):
        member = table.parse(key)
        return member.label() if member is not None else (key or "")
    zh, en = table.get(key or "", (key or "", key or ""))
    return pick(zh, en)


def choices(table: Labels) -> list[tuple[str, str]]:
    if isinstance(table, type):
        return table.choices()
    return [(key, pick(zh, en)) for key, (zh, en) in table.items()]


def notice(table: Mapping[str, tuple[str, str]], done: str) -> str:
    return label(table, done) if done in table else ""


def vocabulary() -> dict[str, Any]:
    return {
        "label": label,
        "STATUS_LABELS": ExpertStatus,
        "RANK_LABELS": Rank,
        "ASSIGNMENT_LABELS": AssignmentStatus,
        "CONFLICT_TYPES": ConflictKind,
        "SOURCES": ConflictSource,
        "CONFLICT_STATUSES": ConflictStatus,
        "RELATIONS": Relation,
        "MODES": AssignMode,
        "STAGES": Stage,
        "BATCH_STATUSES": BatchStatus,
        "PANEL_STATUSES": PanelStatus,
        "RECOMMENDATIONS": Recommendation,
        "WITHDRAW_REASONS": WithdrawReason,
        "LATENESS": Lateness,
        "THRESHOLD_KINDS": THRESHOLD_KINDS,
        "BASES": BallotBase,
        "status_choices": choices(ExpertStatus),
        "conflict_status_choices": choices(ConflictStatus),
        "rank_choices": [("", pick(*NO_VALUE)), *choices(Rank)],
        "relation_choices": choices(Relation),
        "mode_choices": choices(AssignMode),
        "stage_choices": choices(Stage),
        "threshold_choices": choices(THRESHOLD_KINDS),
        "base_choices": choices(BallotBase),
        "recommendation_choices": [("", "—"), *choices(Recommendation)],
        "region_choices": [("1", _("In the province")), ("0", _("Out of the province"))],
        "sex_choices": [("", "—"), ("male", _("Male")), ("female", _("Female"))],
        "discipline_name": lambda code: disciplines.discipline_name(code, current_language.get()),
        "discipline_choices": [
            (code, f"{code} {pick(zh, en)}") for code, (zh, en) in disciplines.disciplines().items()
        ],
        "criterion_name": lambda c: pick(c.name_zh, c.name_en),
    }


def template_name(template: str) -> str:
    return f"expert_pool/{template}"


def page(template: str, context: Mapping[str, Any], status_code: int = 200) -> Template:
    return Template(template_name(template), context={**context, **vocabulary()}, status_code=status_code)


def with_vocabulary(context: Mapping[str, Any]) -> dict[str, Any]:
    """The context of a form page re-rendered by `form_action`."""
    return {**context, **vocabulary()}


def pydantic_reasons(error: ValidationError) -> InvalidInput:
    return InvalidInput(
        [
            Reason(
                "invalid",
                f"字段 {'.'.join(str(p) for p in e['loc'])} 无效：{e['msg']}",
                f"field {'.'.join(str(p) for p in e['loc'])} is invalid: {e['msg']}",
                str(e["loc"][0]) if e["loc"] else None,
            )
            for e in error.errors()
        ]
    )


def parse_int(raw: str, field: str) -> int:
    if not raw.strip().isdigit():
        raise InvalidInput(Reason("form.integer", f"“{raw}”应为正整数", f"“{raw}” must be a whole number", field))
    return int(raw.strip())


def parse_date(raw: str, field: str) -> dt.date | None:
    if not raw.strip():
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(
            Reason("date.invalid", "日期格式应为YYYY-MM-DD", "dates are written YYYY-MM-DD", field)
        ) from None


def validated(build: Callable[[], Any]) -> Any:
    """`build()` with pydantic's refusal turned into a domain refusal by field."""
    try:
        return build()
    except ValidationError as error:
        raise pydantic_reasons(error) from None
