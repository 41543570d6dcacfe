"""The register of societies: register, change, suspend and reactivate a society, and the
plain look-ups other packages read societies through (names, leaders, profiles)."""

from __future__ import annotations

import json
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from societies.rules import SOCIETY_LIFECYCLE, SocietiesAudit, SocietiesObject, SocietyStatus
from societies.schemas import SocietyIn
from societies.services._shared import society_not_found
from societies.tables import Society
from xuehui.clock import now
from xuehui.db import json_value, write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason
from xuehui.text import require_clean

# The plain facts of a society other packages may read (never its table).
PROFILE_COLUMNS = (
    Society.id,
    Society.code,
    Society.name_zh,
    Society.name_en,
    Society.discipline_field,
    Society.secretary_general,
    Society.status,
)


def _society_problems(data: SocietyIn) -> list[Reason]:
    problems = []
    if not data.code.strip().replace("-", "").replace("_", "").isalnum():
        problems.append(
            Reason(
                "society.code",
                "学会代码只能包含字母、数字、-和_",
                "the code may contain letters, digits, - and _",
                "code",
            )
        )
    if not data.name_zh.strip():
        problems.append(Reason("society.name", "请填写学会中文名称", "the Chinese name is required", "name_zh"))
    return problems


def _stored(data: SocietyIn, code: str) -> dict[str, Any]:
    """The columns of a society as written: the code in capitals, each vice-president once."""
    vice_presidents = list(dict.fromkeys(name.strip() for name in data.vice_presidents if name.strip()))
    return {**data.model_dump(), "code": code, "president": data.president.strip(), "vice_presidents": vice_presidents}


def _society_view(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "vice_presidents": json_value(row["vice_presidents"]) or []}


def _code_taken() -> Conflict:
    return Conflict(Reason("society.code_taken", "学会代码已存在", "this society code exists already", "code"))


async def create_society(actor: Actor | None, data: SocietyIn) -> int:
    """Register a society (`actor` None: the command line)."""
    require_clean(data)
    if actor is not None:
        require_admin(actor)
    if problems := _society_problems(data):
        raise InvalidInput(problems)
    code = data.code.strip().upper()
    async with write_transaction():
        if await Society.exists().where(Society.code == code):
            raise _code_taken()
        values = _stored(data, code)
        society = Society(
            **{**values, "vice_presidents": json.dumps(values["vice_presidents"], ensure_ascii=False)},
            status=SOCIETY_LIFECYCLE.initial.value,
            created_at=now(),
        )
        await society.save()
        await audit(
            actor,
            SocietiesAudit.SOCIETY_CREATED,
            SocietiesObject.SOCIETY,
            society.id,
            {"code": code, "name": data.name_zh},
            society.id,
        )
    return int(society.id)


async def update_society(actor: Actor, society_id: int, data: SocietyIn) -> None:
    require_clean(data)
    require_admin(actor)
    if problems := _society_problems(data):
        raise InvalidInput(problems)
    async with write_transaction():
        row = await Society.select().where(Society.id == society_id).first()
        if row is None:
            raise society_not_found()
        before = _society_view(row)
        code = data.code.strip().upper()
        if code != before["code"] and await Society.exists().where(Society.code == code):
            raise _code_taken()
        after = _stored(data, code)
        written = {**after, "vice_presidents": json.dumps(after["vice_presidents"], ensure_ascii=False)}
        await Society.update({getattr(Society, k): v for k, v in written.items()}).where(Society.id == society_id)
        changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
        await audit(actor, SocietiesAudit.SOCIETY_UPDATED, SocietiesObject.SOCIETY, society_id, changes, society_id)


async def set_society_status(actor: Actor, society_id: int, status: str, reason: str) -> None:
    """Suspend or reactivate a society (a suspension needs a reason)."""
    require_admin(actor)
    target = SocietyStatus.parse(status)
    if target is None:
        raise InvalidInput(Reason("society.status", "状态无效", "unknown status", "status"))
    if target == SocietyStatus.SUSPENDED and not reason.strip():
        raise InvalidInput(
            Reason("society.suspend_reason", "暂停学会须填写理由", "give a reason for suspending a society", "reason")
        )
    async with write_transaction():
        current = await Society.select(Society.status).where(Society.id == society_id).first()
        if current is None:
            raise society_not_found()
        if current["status"] != target:
            SOCIETY_LIFECYCLE.move(current["status"], target, actor.role)
        await Society.update({Society.status: target.value}).where(Society.id == society_id)
        action = SocietiesAudit(f"society.{target.value}")
        summary = {"reason": reason}
        await audit(actor, action, SocietiesObject.SOCIETY, society_id, summary, society_id, note=reason)


async def list_societies(actor: Actor) -> list[dict[str, Any]]:
    query = Society.select().order_by(Society.code)
    if not actor.is_admin:
        if actor.society_id is None:
            return []
        query = query.where(Society.id == actor.society_id)
    return [_society_view(row) for row in await query]


async def get_society(actor: Actor, society_id: int) -> dict[str, Any]:
    if not actor.acts_for(society_id):
        raise society_not_found()
    row = await Society.select().where(Society.id == society_id).first()
    if row is None:
        raise society_not_found()
    return _society_view(row)


async def society_choices() -> list[tuple[int, str]]:
    rows = await Society.select(Society.id, Society.name_zh).order_by(Society.code)
    return [(r["id"], r["name_zh"]) for r in rows]


async def society_names(society_ids: list[int] | None = None) -> dict[int, str]:
    query = Society.select(Society.id, Society.name_zh)
    if society_ids is not None:
        query = query.where(Society.id.is_in(society_ids or [-1]))
    return {row["id"]: row["name_zh"] for row in await query}


async def active_society_ids() -> list[int]:
    """The societies not suspended, in register order."""
    query = Society.select(Society.id).where(Society.status == SocietyStatus.ACTIVE).order_by(Society.code)
    return [row["id"] for row in await query]


async def society_profiles(society_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The plain facts of each society by id (code, both names, field, secretary-general,
    status); ids that do not exist are left out."""
    rows = await Society.select(*PROFILE_COLUMNS).where(Society.id.is_in(society_ids or [-1]))
    return {row["id"]: row for row in rows}


async def society_profile(society_id: int) -> dict[str, Any] | None:
    return (await society_profiles([society_id])).get(society_id)


async def leaders_of_societies(society_ids: list[int]) -> dict[int, list[str]]:
    """Each society's leaders as recorded (president, vice-presidents, secretary-general: the
    people the society-leadership conflict is about), each name once, by id; a society with none
    recorded maps to an empty list."""
    rows = await Society.select(
        Society.id, Society.president, Society.vice_presidents, Society.secretary_general
    ).where(Society.id.is_in(society_ids or [-1]))
    leaders = {}
    for row in rows:
        names = [row["president"], *(json_value(row["vice_presidents"]) or []), row["secretary_general"]]
        leaders[row["id"]] = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    return leaders


async def society_leaders(society_id: int) -> list[str]:
    """The society's leaders as recorded (president, vice-presidents, secretary-general)."""
    return (await leaders_of_societies([society_id])).get(society_id, [])
