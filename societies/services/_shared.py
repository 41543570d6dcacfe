"""What the societies use cases share: the refusals for what an actor may not see, the pilot
row as the pages and API read it, and the date parser of the forms."""

from __future__ import annotations

import datetime as dt
from typing import Any

from societies import rules
from societies.schemas import AgreementDoc
from societies.tables import PilotProject
from xuehui.clock import today
from xuehui.db import json_value
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason


def society_not_found() -> NotFound:
    return NotFound(Reason("society.not_found", "学会不存在或无权查看", "society not found or not visible to you"))


def pilot_not_found() -> NotFound:
    return NotFound(
        Reason("pilot.not_found", "试点项目不存在或无权查看", "pilot project not found or not visible to you")
    )


def changed_meanwhile() -> Conflict:
    return Conflict(Reason("pilot.changed", "项目状态已变化，请刷新", "the project changed meanwhile; reload it"))


def load_agreement(raw: Any) -> AgreementDoc:
    return AgreementDoc.model_validate(json_value(raw) or {})


def dump_agreement(doc: AgreementDoc) -> str:
    return doc.model_dump_json()


def signed_parties(row: dict[str, Any]) -> frozenset[str]:
    return frozenset(p for p in rules.SIGNING_PARTIES if row[f"signed_{p}_on"] is not None)


def pilot_view(row: dict[str, Any]) -> dict[str, Any]:
    agreement = load_agreement(row["agreement"])
    return {
        **{k: v for k, v in row.items() if not k.startswith("society.")},
        "society_id": row["society"],
        "society_name": row.get("society.name_zh", ""),
        "agreement": agreement,
        "current_stage": rules.current_stage(agreement.to_rules().stages, today()),
        "signed": signed_parties(row),
    }


def pilot_columns() -> list[Any]:
    return [*PilotProject.all_columns(), PilotProject.society.name_zh]


async def pilot_row(project_id: int) -> dict[str, Any] | None:
    return await PilotProject.select(*pilot_columns()).where(PilotProject.id == project_id).first()


def as_date(value: str, field: str) -> dt.date | None:
    """A form's date (YYYY-MM-DD) or None when left empty; anything else is refused."""
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as error:
        raise InvalidInput(
            Reason("date.invalid", "日期格式应为YYYY-MM-DD", "dates are written YYYY-MM-DD", field)
        ) from error
