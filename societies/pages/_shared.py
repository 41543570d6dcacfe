"""What the societies pages share: the guards, the labelled vocabularies every template gets,
and the small parsers of form fields."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from accounts.rules import Actor
from societies import rules, services
from societies.forms import BLANK_ROWS
from xuehui.errors import InvalidInput, Reason
from xuehui.i18n import pick
from xuehui.vocabulary import Labelled
from xuehui.web import requires_role

admin_only = [requires_role("admin")]
society_staff = [requires_role("admin", "society", "exam_admin")]


def label(table: type[Labelled] | dict[str, tuple[str, str]], key: str | None) -> str:
    """The label of `key` in a vocabulary (or a (zh, en) table); an unknown code is shown as it is."""
    if key is None:
        return ""
    if isinstance(table, dict):
        zh, en = table.get(key, (key, key))
        return pick(zh, en)
    member = table.parse(key)
    return member.label() if member is not None else key


def vocabulary() -> dict[str, Any]:
    """The labelled vocabularies the templates show codes through."""
    return {
        "function_types": rules.FunctionType.choices(),
        "leader_ranks": rules.LeaderRank.choices(),
        "approving_bodies": rules.ApprovingBody.choices(),
        "stage_names": rules.Stage.choices(),
        "statuses": rules.PilotStatus.choices(),
        "grades": rules.EvaluationGrade.choices(),
        "report_kinds": rules.ReportKind.choices(),
        "label": label,
        "FUNCTION_TYPES": rules.FunctionType,
        "STATUSES": rules.PilotStatus,
        "STAGES": rules.Stage,
        "GRADES": rules.EvaluationGrade,
        "LEADER_RANKS": rules.LeaderRank,
        "APPROVING_BODIES": rules.ApprovingBody,
        "REPORT_KINDS": rules.ReportKind,
        "AMENDMENT_STATUSES": rules.AmendmentStatus,
        "SOCIETY_STATUSES": rules.SocietyStatus,
        "SANCTION_KINDS": rules.SanctionKind,
        "VIOLATION_KINDS": rules.IntegrityViolationKind,
        "violation_kinds": rules.IntegrityViolationKind.choices(),
        "ACTIONS": rules.PilotAction,
        "blank_rows": BLANK_ROWS,
    }


def required(values: dict[str, str], labels: dict[str, tuple[str, str]]) -> None:
    """Refuse at once every field of `labels` left empty."""
    missing = [
        Reason("form.required", f"请填写{zh}", f"{en} is required", key)
        for key, (zh, en) in labels.items()
        if not values.get(key, "").strip()
    ]
    if missing:
        raise InvalidInput(missing)


def decimal(raw: str, field: str) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except InvalidOperation as error:
        raise InvalidInput(Reason("form.number", f"“{raw}”不是有效数字", f"“{raw}” is not a number", field)) from error
    if not value.is_finite():
        raise InvalidInput(Reason("form.number", f"“{raw}”不是有效数字", f"“{raw}” is not a number", field))
    return value


async def form_context(actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """The context of the agreement form (new pilot, edit, amendment)."""
    societies = await services.list_societies(actor)
    return {"values": values, "societies": societies, **vocabulary()}


def pilot_row(p: dict[str, Any]) -> list[Any]:
    """One pilot project as a row of the exports, codes shown by their labels."""
    return [
        p["society_name"],
        p["title"],
        label(rules.FunctionType, p["function_type"]),
        p["department"],
        label(rules.PilotStatus, p["status"]),
        label(rules.Stage, p["current_stage"]),
    ]
