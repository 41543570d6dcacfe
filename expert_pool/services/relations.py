"""What the conflict rules learn about experts beyond their record: the relations an expert
declares and the administrator's map of affiliated units to their parents."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from expert_pool.rules.units import normalise_unit
from expert_pool.rules.vocabulary import PoolAction, Relation
from expert_pool.schemas import RelationIn
from expert_pool.services._shared import unit_aliases
from expert_pool.services.conflict_detection import detect_for_expert
from expert_pool.services.registry import get_expert, my_expert
from expert_pool.tables import Expert, ExpertRelation, UnitAlias
from xuehui import idcard
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason


async def add_relation(actor: Actor, data: RelationIn) -> int:
    me = await my_expert(actor)
    problems = []
    id_number = ""
    if data.person_id_number.strip():
        card = idcard.parse(data.person_id_number, "person_id_number")
        if isinstance(card, Reason):
            problems.append(card)
        else:
            id_number = card.number
    if Relation.parse(data.relation) == Relation.COLLABORATOR and data.ended_on is None and data.started_on is None:
        problems.append(
            Reason("relation.dates", "合作关系须填写起止日期", "give the dates of the collaboration", "started_on")
        )
    if data.started_on and data.ended_on and data.started_on > data.ended_on:
        problems.append(
            Reason("relation.order", "开始日期不能晚于结束日期", "the start cannot be after the end", "ended_on")
        )
    if problems:
        raise InvalidInput(problems)
    async with write_transaction():
        relation = ExpertRelation(
            expert=me["id"],
            relation=data.relation,
            person_name=data.person_name.strip(),
            person_id_number=id_number,
            started_on=data.started_on,
            ended_on=data.ended_on,
            note=data.note.strip(),
            created_at=now(),
        )
        await relation.save()
        await audit(actor, PoolAction.EXPERT_RELATION_DECLARED, "expert", me["id"], {"relation": data.relation})
    await detect_for_expert(me["id"])
    return int(relation.id)


async def list_relations(actor: Actor, expert_id: int) -> list[dict[str, Any]]:
    await get_expert(actor, expert_id)
    return await ExpertRelation.select().where(ExpertRelation.expert == expert_id).order_by(ExpertRelation.id)


async def add_unit_alias(actor: Actor, child: str, parent: str) -> None:
    require_admin(actor)
    if not child.strip() or not parent.strip():
        raise InvalidInput(
            Reason(
                "alias.required", "请填写下属单位和上级单位", "give both the affiliated unit and its parent", "child"
            )
        )
    async with write_transaction():
        if await UnitAlias.exists().where(UnitAlias.child == child.strip()):
            raise Conflict(Reason("alias.exists", "该单位已有上级单位", "this unit is mapped already", "child"))
        await UnitAlias.insert(UnitAlias(child=child.strip(), parent=parent.strip(), created_at=now()))
        aliases = await unit_aliases()
        for row in await Expert.select(Expert.id, Expert.unit).where(Expert.unit != ""):
            await Expert.update({Expert.unit_normalised: normalise_unit(row["unit"], aliases)}).where(
                Expert.id == row["id"]
            )
        await audit(actor, PoolAction.EXPERT_UNIT_ALIAS_ADDED, "unit_alias", child.strip(), {"parent": parent.strip()})


async def list_unit_aliases(actor: Actor) -> list[dict[str, Any]]:
    require_admin(actor)
    return await UnitAlias.select().order_by(UnitAlias.child)
