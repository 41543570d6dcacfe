"""Talent programmes (人才推荐项目) and their per-society quotas."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.programme.defaults import default_programme
from nominations.rules.programme.model import Programme, ProgrammeKind
from nominations.rules.programme.storage import programme_from_dict, programme_to_dict
from nominations.rules.programme.validation import validate_programme
from nominations.tables import TalentProgramme, TalentQuota
from societies import services as societies
from xuehui.clock import now, today
from xuehui.db import update_if_version, write_transaction
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason


@lru_cache(maxsize=32)
def _parse_programme(raw: str) -> Programme:
    return programme_from_dict(json.loads(raw))


async def programme_row(programme_id: int) -> dict[str, Any]:
    row = await TalentProgramme.select().where(TalentProgramme.id == programme_id).first()
    if row is None:
        raise NotFound(Reason("programme.not_found", "人才项目不存在", "talent programme not found"))
    return row


async def programme_config(programme_id: int) -> Programme:
    raw = (await programme_row(programme_id))["config"]
    return _parse_programme(raw if isinstance(raw, str) else json.dumps(raw))


async def programmes() -> list[dict[str, Any]]:
    return await TalentProgramme.select(
        TalentProgramme.id, TalentProgramme.kind, TalentProgramme.edition_year, TalentProgramme.version
    ).order_by(TalentProgramme.edition_year, ascending=False)


async def open_programmes() -> list[dict[str, Any]]:
    """Programmes whose recommendation window includes today, with their rules."""
    found = []
    for row in await programmes():
        cfg = await programme_config(row["id"])
        if cfg.window_opens <= today() <= cfg.window_closes:
            found.append({**row, "config": cfg})
    return found


async def ensure_programme(actor: Actor, kind: str, edition_year: int, config: Programme | None = None) -> int:
    """The programme of `kind` and `edition_year`, created with the default rules (and a quota
    row per society) if missing."""
    require_admin(actor)
    try:
        programme_kind = ProgrammeKind(kind)
    except ValueError:
        raise InvalidInput(Reason("programme.kind", "人才项目类别无效", "unknown kind of programme", "kind")) from None
    row = (
        await TalentProgramme.select(TalentProgramme.id)
        .where((TalentProgramme.kind == kind) & (TalentProgramme.edition_year == edition_year))
        .first()
    )
    if row:
        return int(row["id"])
    cfg = config or default_programme(programme_kind, edition_year)
    if problems := validate_programme(cfg):
        raise InvalidInput(problems)
    society_ids = await societies.active_society_ids()
    async with write_transaction():
        programme = TalentProgramme(
            kind=kind,
            edition_year=edition_year,
            config=json.dumps(programme_to_dict(cfg), ensure_ascii=False),
            version=1,
            updated_at=now(),
        )
        await programme.save()
        for society_id in society_ids:
            await TalentQuota.insert(
                TalentQuota(programme=programme.id, society_id=society_id, quota=cfg.quota_per_society, used=0)
            )
        await audit(actor, "programme.created", "talent_programme", programme.id, {"kind": kind, "year": edition_year})
    return int(programme.id)


async def save_programme(actor: Actor, programme_id: int, config: dict[str, Any]) -> int:
    """Validate and store new programme settings; kind and edition cannot change. Returns the version."""
    require_admin(actor)
    current = await programme_row(programme_id)
    cfg = programme_from_dict(config)
    problems = validate_programme(cfg)
    if cfg.kind.value != current["kind"] or cfg.edition_year != current["edition_year"]:
        problems.append(
            Reason(
                "programme.identity",
                "不能修改人才项目的类别和届次年份",
                "the kind and edition year of a programme cannot change",
                "kind",
            )
        )
    if problems:
        raise InvalidInput(problems)
    version = int(current["version"]) + 1
    async with write_transaction():
        values = {
            TalentProgramme.config: json.dumps(programme_to_dict(cfg), ensure_ascii=False),
            TalentProgramme.updated_at: now(),
        }
        if not await update_if_version(TalentProgramme, programme_id, current["version"], values):
            raise Conflict(
                Reason("programme.changed", "设置已被他人修改，请刷新", "the settings changed meanwhile; reload them")
            )
        await audit(actor, "programme.saved", "talent_programme", programme_id, {"version": version})
    return version


async def set_talent_quota(actor: Actor, programme_id: int, society_id: int, quota: int) -> None:
    require_admin(actor)
    await programme_row(programme_id)
    if quota < 0:
        raise InvalidInput(Reason("quota.negative", "名额不能为负数", "a quota cannot be negative", "quota"))
    where = (TalentQuota.programme == programme_id) & (TalentQuota.society_id == society_id)
    async with write_transaction():
        if not await TalentQuota.update({TalentQuota.quota: quota}).where(where).returning(TalentQuota.id):
            await TalentQuota.insert(TalentQuota(programme=programme_id, society_id=society_id, quota=quota, used=0))
        await audit(
            actor,
            "talent_quota.set",
            "talent_programme",
            programme_id,
            {"society": society_id, "quota": quota},
            society_id,
        )


async def talent_quota(actor: Actor, programme_id: int, society_id: int) -> dict[str, int]:
    if not actor.acts_for(society_id):
        raise NotFound(Reason("society.not_found", "学会不存在或无权查看", "society not found or not visible to you"))
    row = (
        await TalentQuota.select(TalentQuota.quota, TalentQuota.used)
        .where((TalentQuota.programme == programme_id) & (TalentQuota.society_id == society_id))
        .first()
    )
    return {"quota": int(row["quota"]), "used": int(row["used"])} if row else {"quota": 0, "used": 0}


async def talent_quotas(programme_id: int) -> list[dict[str, Any]]:
    names = await societies.society_names()
    rows = await TalentQuota.select().where(TalentQuota.programme == programme_id).order_by(TalentQuota.society_id)
    return [{**r, "society": names.get(r["society_id"], str(r["society_id"]))} for r in rows]
