"""Reading the task-agreement form of the pages into the API's document.

Plain HTML forms without JavaScript: repeating rows (milestones, KPIs, funding) are numbered
fields (`kpi_name_0`, `kpi_name_1`, ...); blank rows are ignored. Every value that cannot be
read (a malformed date or amount) becomes a Reason naming its field, so the page can show all
problems at once and keep what the user typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from societies import rules
from societies.schemas import AgreementDoc, FundingDoc, KpiDoc, LeaderDoc, MilestoneDoc, PilotIn, StageDoc
from xuehui.errors import Reason

# Empty rows offered below the filled ones of each list in the agreement form, and the most rows read.
BLANK_ROWS = 3
MAX_ROWS = 50
# Amounts and KPI values are kept to two decimals and below a trillion (the Numeric(14, 2) columns).
AMOUNT_STEP = Decimal("0.01")
AMOUNT_LIMIT = Decimal("1e12")


def _text(form: Mapping[str, Any], key: str) -> str:
    value = form.get(key, "")
    return str(value).strip() if value is not None else ""


def _date(form: Mapping[str, Any], key: str, problems: list[Reason]) -> dt.date | None:
    raw = _text(form, key)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        problems.append(
            Reason("form.date", f"日期“{raw}”格式不正确，应为YYYY-MM-DD", f"“{raw}” is not a date (YYYY-MM-DD)", key)
        )
        return None


def _amount(form: Mapping[str, Any], key: str, problems: list[Reason]) -> Decimal | None:
    raw = _text(form, key).replace(",", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        problems.append(Reason("form.number", f"“{raw}”不是有效数字", f"“{raw}” is not a number", key))
        return None
    if not value.is_finite() or abs(value) >= AMOUNT_LIMIT:
        problems.append(Reason("form.number", f"“{raw}”超出范围", f"“{raw}” is out of range", key))
        return None
    return value.quantize(AMOUNT_STEP)


def _rows(form: Mapping[str, Any], prefix: str) -> range:
    count = 0
    for key in form:
        if key.startswith(prefix):
            suffix = key.rsplit("_", 1)[-1]
            if suffix.isdigit():
                count = max(count, int(suffix) + 1)
    return range(min(count, MAX_ROWS))


def agreement_from_form(form: Mapping[str, Any]) -> tuple[AgreementDoc, list[Reason]]:
    problems: list[Reason] = []
    stages = [
        StageDoc(
            stage=key, start=_date(form, f"stage_{key}_start", problems), end=_date(form, f"stage_{key}_end", problems)
        )
        for key in [stage.value for stage in rules.Stage]
    ]
    milestones = []
    for i in _rows(form, "milestone_title_"):
        title, due = _text(form, f"milestone_title_{i}"), _date(form, f"milestone_due_{i}", problems)
        if title or due:
            milestones.append(MilestoneDoc(title=title[:200], due=due))
    kpis = []
    for i in _rows(form, "kpi_name_"):
        name, unit = _text(form, f"kpi_name_{i}"), _text(form, f"kpi_unit_{i}")
        target = _amount(form, f"kpi_target_{i}", problems)
        if name or unit or target is not None:
            kpis.append(KpiDoc(key=_text(form, f"kpi_key_{i}")[:60], name=name[:100], unit=unit[:20], target=target))
    funding = []
    for i in _rows(form, "funding_source_"):
        source, amount = _text(form, f"funding_source_{i}"), _amount(form, f"funding_amount_{i}", problems)
        if source or amount is not None:
            funding.append(FundingDoc(source=source[:100], amount=amount))
    team = [line.strip()[:100] for line in _text(form, "team").splitlines() if line.strip()][:MAX_ROWS]
    leader = LeaderDoc(
        name=_text(form, "leader_name")[:50],
        rank=_text(form, "leader_rank")[:40],
        approved_by=_text(form, "leader_approved_by")[:40],
        approval_date=_date(form, "leader_approval_date", problems),
        resolution_ref=_text(form, "leader_resolution_ref")[:100],
    )
    doc = AgreementDoc(
        goals=_text(form, "goals")[:5000],
        key_tasks=_text(form, "key_tasks")[:5000],
        quality_requirements=_text(form, "quality_requirements")[:5000],
        stages=stages,
        milestones=milestones,
        kpis=kpis,
        funding=funding,
        team=team,
        leader=leader,
    )
    return doc, problems


def pilot_from_form(form: Mapping[str, Any]) -> tuple[PilotIn | None, AgreementDoc, list[Reason]]:
    agreement, problems = agreement_from_form(form)
    society_raw = _text(form, "society_id")
    try:
        pilot = PilotIn(
            society_id=int(society_raw) if society_raw.isdigit() else None,
            title=_text(form, "title")[:200] or "-",
            function_type=_text(form, "function_type")[:40],
            department=_text(form, "department")[:100],
            agreement=agreement,
        )
    except ValidationError as error:  # pragma: no cover - every field is truncated to its limit above
        problems.append(
            Reason(
                "form.invalid",
                f"表单无效：{error.error_count()}处错误",
                f"the form is invalid ({error.error_count()} errors)",
            )
        )
        return None, agreement, problems
    if not _text(form, "title"):
        problems.append(Reason("pilot.title", "请填写项目名称", "the title is required", "title"))
    return pilot, agreement, problems


def form_values(pilot: dict[str, Any] | None) -> dict[str, Any]:
    """The flat field values that pre-fill the agreement form from a stored project."""
    if pilot is None:
        return {"agreement": AgreementDoc()}
    return {
        "title": pilot["title"],
        "function_type": pilot["function_type"],
        "department": pilot["department"],
        "society_id": pilot["society_id"],
        "agreement": pilot["agreement"],
    }
