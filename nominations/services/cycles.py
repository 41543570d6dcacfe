"""Award cycles (评审年度): their configuration, policy and versions."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.cycle.defaults import default_cycle
from nominations.rules.cycle.model import CycleConfig
from nominations.rules.cycle.validation import load_cycle
from nominations.rules.notice import WorkingCalendar
from nominations.rules.quota_adjustment import AdjustmentPolicy, validate_policy
from nominations.tables import AwardCycle, CycleVersion
from xuehui.clock import now
from xuehui.db import json_value, update_if_version, write_transaction
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason


async def ensure_cycle(actor: Actor | None, year: int) -> int:
    """The cycle of `year`, created with the default rules (2025 provincial rules) if missing."""
    row = await AwardCycle.select(AwardCycle.id).where(AwardCycle.year == year).first()
    if row:
        return int(row["id"])
    config = default_cycle(year)
    policy = AdjustmentPolicy()
    async with write_transaction():
        cycle = AwardCycle(
            year=year, version=1, config=json.dumps(config.to_dict()), policy=policy.model_dump_json(), updated_at=now()
        )
        await cycle.save()
        await CycleVersion.insert(
            CycleVersion(
                cycle=cycle.id,
                version=1,
                config=cycle.config,
                policy=cycle.policy,
                note="default",
                saved_by=actor.user_id if actor else 0,
                saved_at=now(),
            )
        )
        await audit(actor, "cycle.created", "award_cycle", cycle.id, {"year": year})
    return int(cycle.id)


async def find_cycle(year: int | None = None) -> int:
    """The cycle of `year` (or the latest); reading never creates one."""
    query = AwardCycle.select(AwardCycle.id).order_by(AwardCycle.year, ascending=False)
    if year:
        query = query.where(AwardCycle.year == year)
    row = await query.first()
    if row is None:
        raise NotFound(Reason("cycle.none", "尚未设置该年度的评审", "no award cycle has been set up for that year"))
    return int(row["id"])


async def cycles() -> list[dict[str, Any]]:
    return await AwardCycle.select(AwardCycle.id, AwardCycle.year, AwardCycle.version, AwardCycle.updated_at).order_by(
        AwardCycle.year, ascending=False
    )


async def cycle_row(cycle_id: int) -> dict[str, Any]:
    row = await AwardCycle.select().where(AwardCycle.id == cycle_id).first()
    if row is None:
        raise NotFound(Reason("cycle.not_found", "评审年度不存在", "award cycle not found"))
    return row


@lru_cache(maxsize=16)
def _parse_config(raw: str) -> CycleConfig:
    # Parsed settings are immutable (frozen models); the stored text is the cache key.
    return CycleConfig.from_dict(json.loads(raw))


async def cycle_config(cycle_id: int) -> CycleConfig:
    raw = (await cycle_row(cycle_id))["config"]
    return _parse_config(raw if isinstance(raw, str) else json.dumps(raw))


async def cycle_policy(cycle_id: int) -> AdjustmentPolicy:
    return AdjustmentPolicy.model_validate(json_value((await cycle_row(cycle_id))["policy"]) or {})


async def latest_cycle_id() -> int | None:
    row = await AwardCycle.select(AwardCycle.id).order_by(AwardCycle.year, ascending=False).first()
    return int(row["id"]) if row else None


async def save_cycle(
    actor: Actor, cycle_id: int, config: dict[str, Any], policy: dict[str, Any] | None, note: str
) -> int:
    """Validate and save new settings as the next version; returns the version number."""
    require_admin(actor)
    current = await cycle_row(cycle_id)
    loaded = load_cycle(config)
    if isinstance(loaded, list):
        raise InvalidInput(loaded)
    if loaded.year != current["year"]:
        raise InvalidInput(Reason("cycle.year", "不能修改评审年度的年份", "the year of a cycle cannot change", "year"))
    try:
        parsed_policy = AdjustmentPolicy.model_validate(policy if policy is not None else json_value(current["policy"]))
    except ValidationError as error:
        raise InvalidInput(
            [
                Reason(
                    "policy.invalid",
                    f"调整参数无效：{e['msg']}",
                    f"invalid adjustment parameter: {e['msg']}",
                    "policy." + ".".join(map(str, e["loc"])),
                )
                for e in error.errors()
            ]
        ) from error
    if problems := validate_policy(parsed_policy):
        raise InvalidInput(problems)
    version = int(current["version"]) + 1
    stored = loaded.model_copy(update={"version": version})
    async with write_transaction():
        values = {
            AwardCycle.config: json.dumps(stored.to_dict()),
            AwardCycle.policy: parsed_policy.model_dump_json(),
            AwardCycle.updated_at: now(),
        }
        if not await update_if_version(AwardCycle, cycle_id, current["version"], values):
            raise Conflict(
                Reason("cycle.changed", "设置已被他人修改，请刷新", "the settings changed meanwhile; reload them")
            )
        await CycleVersion.insert(
            CycleVersion(
                cycle=cycle_id,
                version=version,
                config=json.dumps(stored.to_dict()),
                policy=parsed_policy.model_dump_json(),
                note=note,
                saved_by=actor.user_id,
                saved_at=now(),
            )
        )
        await audit(actor, "cycle.saved", "award_cycle", cycle_id, {"version": version, "note": note})
    return version


async def cycle_versions(cycle_id: int) -> list[dict[str, Any]]:
    return (
        await CycleVersion.select(CycleVersion.version, CycleVersion.note, CycleVersion.saved_by, CycleVersion.saved_at)
        .where(CycleVersion.cycle == cycle_id)
        .order_by(CycleVersion.version, ascending=False)
    )


async def working_calendar(year: int) -> WorkingCalendar:
    """The holiday calendar of the award cycle of `year` (holidays and 调休 working days), which
    every working-day deadline of that year counts on; the default rules' calendar when no
    cycle of that year is set up yet."""
    row = await AwardCycle.select(AwardCycle.id).where(AwardCycle.year == year).first()
    config = await cycle_config(int(row["id"])) if row else default_cycle(year)
    return WorkingCalendar.from_config(config.calendar)
