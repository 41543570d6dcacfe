"""What several rooms of the expert-pool services share: limits, refusals, JSON and fraction
helpers, the unit-alias map, the review form and the item view."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

from expert_pool.rules.lifecycles import BLOCKING, HOLDING
from expert_pool.rules.scores import Criterion, ReviewForm
from expert_pool.tables import UnitAlias
from xuehui.db import json_value
from xuehui.errors import InvalidInput, NotFound, Reason

# Rows per INSERT statement: well under SQLite's bound-parameter limit for the widest table.
CHUNK = 500
# A nominee may ask that at most this many experts stay away from their item (回避申请).
MAX_NOMINEE_EXCLUSIONS = 3
# A joint work with an item's person within this many years is a recent collaboration.
COLLABORATION_YEARS = 3
# Batches with at least this many items are assigned as a background job with progress
# (xuehui.jobs), for the pages and the API alike; smaller ones are solved while the caller waits.
JOB_THRESHOLD_ITEMS = 200
# The audit entry of a detection lists at most this many item ids (the count is always exact).
AUDIT_ITEM_IDS = 50

# Code lists for `WHERE status IN (...)`.
HOLDING_CODES = sorted(HOLDING)
BLOCKING_CODES = sorted(BLOCKING)


def loads(raw: Any) -> Any:
    return json_value(raw)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def expert_not_found() -> NotFound:
    return NotFound(Reason("expert.not_found", "专家不存在或无权查看", "expert not found or not visible to you"))


def batch_not_found() -> NotFound:
    return NotFound(
        Reason("batch.not_found", "评审批次不存在或无权查看", "review batch not found or not visible to you")
    )


def assignment_not_found() -> NotFound:
    return NotFound(
        Reason("assignment.not_found", "评审任务不存在或无权查看", "assignment not found or not visible to you")
    )


def panel_not_found() -> NotFound:
    return NotFound(Reason("panel.not_found", "会评不存在或无权查看", "panel meeting not found or not visible to you"))


def conflict_target_not_found() -> NotFound:
    return NotFound(Reason("conflict.target", "评审项目或专家不存在", "item or expert not found"))


def parse_fraction(raw: str, field: str, low: Fraction = Fraction(0), high: Fraction = Fraction(1)) -> Fraction:
    """An exact fraction typed as "1/3", "0.25" or "0"; refused outside [low, high]."""
    try:
        value = Fraction(raw.strip() or "0")
    except (ValueError, ZeroDivisionError):
        value = None
    if value is None or not low <= value <= high:
        raise InvalidInput(
            Reason(
                "fraction.invalid",
                f"“{raw}”应为 {low} 到 {high} 之间的分数或小数，如 1/3",
                f"“{raw}” must be a fraction or decimal between {low} and {high}, e.g. 1/3",
                field,
            )
        )
    return value


async def unit_aliases() -> dict[str, str]:
    return {row["child"]: row["parent"] for row in await UnitAlias.select(UnitAlias.child, UnitAlias.parent)}


def review_form(raw: Any) -> ReviewForm:
    data = loads(raw) or {}
    return ReviewForm(
        tuple(
            Criterion(
                c["code"],
                c["name_zh"],
                c.get("name_en") or c["name_zh"],
                float(c["weight"]),
                float(c["min_score"]),
                float(c["max_score"]),
                c.get("step"),
            )
            for c in data.get("criteria", [])
        )
    )


def item_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "disciplines": loads(row["disciplines"]),
        "keywords": loads(row["keywords"]),
        "people": loads(row["people"]),
        "units": loads(row["units"]),
        "leaders": loads(row["leaders"]),
        "links": loads(row["links"]),
    }
