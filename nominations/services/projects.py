"""Project nominations (项目推荐): drafts, the live check, submission, withdrawal, snapshots."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from nominations.rules import eligibility as rules
from nominations.rules.cycle import CATEGORY_NAMES, Category, CycleConfig
from nominations.schemas import NominationBody, NominationIn
from nominations.services._shared import EDITABLE, _not_found, _running_award_pilot
from nominations.services.cycles import cycle_config, cycle_row
from nominations.tables import AwardRecord, Nomination, NominationContributor, Quota, Recommendation
from societies import services as societies
from xuehui.clock import now, today
from xuehui.db import give_slot_back, is_unique_violation, json_value, take_slot, write_transaction
from xuehui.errors import Conflict, DomainError, Forbidden, InvalidInput, Reason
from xuehui.idcard import normalise
from xuehui.text import require_clean


def _view(row: dict[str, Any], year: int | None = None) -> dict[str, Any]:
    body = NominationBody.model_validate(json_value(row["body"]) or {})
    return {**row, "body": body, "cycle_year": year if year is not None else row.get("cycle.year")}


def _columns() -> list[Any]:
    return [*Nomination.all_columns(exclude=[Nomination.snapshot]), Nomination.cycle.year]


async def get_nomination(actor: Actor, nomination_id: int) -> dict[str, Any]:
    row = await Nomination.select(*_columns()).where(Nomination.id == nomination_id).first()
    if row is None or not actor.acts_for(row["society_id"]):
        raise _not_found()
    return _view(row)


async def list_nominations(
    actor: Actor,
    cycle_id: int | None = None,
    status: str = "",
    society_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    query = Nomination.select(*_columns()).order_by(Nomination.id, ascending=False)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    if not actor.is_admin:
        if actor.society_id is None or actor.role != "society":
            return []
        query = query.where(Nomination.society_id == actor.society_id)
    elif society_id is not None:
        query = query.where(Nomination.society_id == society_id)
    if cycle_id is not None:
        query = query.where(Nomination.cycle == cycle_id)
    if status:
        query = query.where(Nomination.status == status)
    return [_view(row) for row in await query]


def _headline_problems(data: NominationIn) -> list[Reason]:
    problems = []
    if not data.title.strip():
        problems.append(Reason("nomination.title", "请填写项目名称", "the title is required", "title"))
    if data.category not in set(Category):
        problems.append(Reason("nomination.category", "请选择奖励类别", "choose the award category", "category"))
    return problems


async def create_nomination(actor: Actor, cycle_id: int, data: NominationIn) -> int:
    require_clean(data)
    _society_id, pilot = await _running_award_pilot(actor, "nomination")
    if problems := _headline_problems(data):
        raise InvalidInput(problems)
    await cycle_row(cycle_id)
    async with write_transaction():
        moment = now()
        nomination = Nomination(
            cycle=cycle_id,
            society_id=actor.society_id,
            pilot_project_id=pilot["id"],
            status="draft",
            title=data.title.strip(),
            category=data.category,
            grade=data.grade,
            discipline_code=data.discipline_code.strip(),
            body=data.body.model_dump_json(),
            created_by=actor.user_id,
            created_at=moment,
            updated_at=moment,
        )
        await nomination.save()
        await audit(actor, "nomination.created", "nomination", nomination.id, {"title": data.title}, actor.society_id)
    return int(nomination.id)


async def update_nomination(actor: Actor, nomination_id: int, data: NominationIn) -> None:
    require_clean(data)
    current = await get_nomination(actor, nomination_id)
    if current["status"] not in EDITABLE:
        raise Conflict(
            Reason("nomination.locked", "已提交的推荐材料不能修改", "a submitted nomination cannot be changed")
        )
    if problems := _headline_problems(data):
        raise InvalidInput(problems)
    config = await cycle_config(current["cycle"])
    if current["status"] == "returned" and config.fixed_grade and data.grade != current["grade"]:
        raise InvalidInput(
            Reason(
                "nomination.fixed_grade",
                "提名等级提交后不能更改（定标定额）",
                "the nominated grade is fixed once submitted",
                "grade",
            )
        )
    async with write_transaction():
        done = (
            await Nomination.update(
                {
                    Nomination.title: data.title.strip(),
                    Nomination.category: data.category,
                    Nomination.grade: data.grade,
                    Nomination.discipline_code: data.discipline_code.strip(),
                    Nomination.body: data.body.model_dump_json(),
                    Nomination.updated_at: now(),
                }
            )
            .where((Nomination.id == nomination_id) & Nomination.status.is_in(list(EDITABLE)))
            .returning(Nomination.id)
        )
        if not done:
            raise Conflict(
                Reason("nomination.changed", "推荐状态已变化，请刷新", "the nomination changed meanwhile; reload it")
            )
        await audit(
            actor, "nomination.updated", "nomination", nomination_id, {"title": data.title}, current["society_id"]
        )


async def _context(
    cycle_id: int, society_id: int, data: NominationIn, own_id: int | None
) -> tuple[CycleConfig, rules.EligibilityContext]:
    """The cycle's rules and what they need from outside the nomination, read narrowly (only
    these people) and concurrently (on SQLite every query has its own connection)."""
    ids = [normalise(c.id_number) for c in data.body.contributors if c.id_number.strip()] or ["-"]
    config, claims, winners, past, quota, suspended = await asyncio.gather(
        cycle_config(cycle_id),
        NominationContributor.select(NominationContributor.id_number, NominationContributor.nomination).where(
            (NominationContributor.cycle_id == cycle_id) & NominationContributor.id_number.is_in(ids)
        ),
        AwardRecord.select(AwardRecord.id_number, AwardRecord.year).where(AwardRecord.id_number.is_in(ids)),
        Nomination.select(Nomination.id, Nomination.fingerprint, Nomination.cycle.year).where(
            (Nomination.society_id == society_id)
            & Nomination.status.is_in(["rejected", "not_awarded"])
            & (Nomination.cycle != cycle_id)
        ),
        Quota.select(Quota.quota)
        .where((Quota.cycle == cycle_id) & (Quota.society_id == society_id) & (Quota.category == data.category))
        .first(),
        societies.nominating_suspended(society_id, today()),
    )
    lookback = config.year - config.years_per_cycle * config.eligibility.repeat_lookback_cycles
    by_nomination: dict[str, list[str]] = {}
    for claim in claims:
        if claim["nomination"] != own_id:
            by_nomination.setdefault(str(claim["nomination"]), []).append(claim["id_number"])
    unsuccessful = []
    for row in past:
        if not lookback <= row["cycle.year"] < config.year:
            continue
        fp = json_value(row["fingerprint"]) or {}
        key = rules.MaterialFingerprint(fp.get("title_key", ""), frozenset(fp.get("material_keys", [])))
        unsuccessful.append(rules.PastUnsuccessful(str(row["id"]), row["cycle.year"], key))
    context = rules.build_context(
        society_allowed=bool(quota and quota["quota"] > 0),
        society_suspended=suspended,
        cycle_contributors=list(by_nomination.items()),
        past_winners=[(w["id_number"], w["year"]) for w in winners],
        past_unsuccessful=unsuccessful,
    )
    return config, context


async def check(actor: Actor, cycle_id: int, data: NominationIn, nomination_id: int | None = None) -> rules.DraftCheck:
    """Run every rule on what the form says now (live, while it is edited)."""
    society_id = actor.society_id
    if nomination_id is not None:
        society_id = (await get_nomination(actor, nomination_id))["society_id"]
    if society_id is None:
        raise Forbidden(
            Reason("nomination.society_only", "只有学会填报人可以推荐项目", "only society nominators nominate projects")
        )
    config, context = await _context(cycle_id, society_id, data, nomination_id)
    return rules.check_draft(data.facts(nomination_id), config, context)


def _as_input(view: dict[str, Any]) -> NominationIn:
    return NominationIn(
        title=view["title"],
        category=view["category"],
        grade=view["grade"],
        discipline_code=view["discipline_code"],
        body=view["body"],
    )


async def _settle_repeat(
    table: type[Nomination] | type[Recommendation], record_id: int, key: str | None, error: Exception, what: str
) -> str:
    """After a failed submission: when a concurrent request with the same key has meanwhile
    submitted this record, this one is its repeat and gets the same answer; when the key went to
    another record, the key was reused. Otherwise the original error stands."""
    if key is None or not (isinstance(error, DomainError) or is_unique_violation(error, "idempotency_key")):
        raise error
    owner = await table.select(table.id, table.status).where(table.idempotency_key == key).first()
    if owner is None:
        raise error
    if owner["id"] != record_id:
        reason = Reason(
            "idempotency.reused", "该提交编号已用于其他推荐", f"this idempotency key was used for another {what}"
        )
        raise Conflict(reason) from error
    return str(owner["status"])


async def submit(actor: Actor, nomination_id: int, idempotency_key: str = "") -> str:
    """Submit (or resubmit after correction): every rule must pass; a first submission takes a
    quota slot atomically. A repeated request with the same idempotency key changes nothing and
    gets the first request's answer, also when both arrive at once."""
    key = idempotency_key.strip()[:64] or None
    try:
        return await _submit(actor, nomination_id, key)
    except Exception as error:
        return await _settle_repeat(Nomination, nomination_id, key, error, "nomination")


async def _submit(actor: Actor, nomination_id: int, key: str | None) -> str:
    if key is not None:
        done_before = (
            await Nomination.select(Nomination.id, Nomination.status).where(Nomination.idempotency_key == key).first()
        )
        if done_before is not None:
            if done_before["id"] != nomination_id:
                raise Conflict(
                    Reason(
                        "idempotency.reused",
                        "该提交编号已用于其他推荐",
                        "this idempotency key was used for another nomination",
                    )
                )
            return str(done_before["status"])
    current = await get_nomination(actor, nomination_id)
    if current["status"] not in EDITABLE:
        raise Conflict(Reason("nomination.not_editable", "该推荐已提交", "this nomination has been submitted already"))
    if current["status"] == "returned" and current["correction_deadline"] and today() > current["correction_deadline"]:
        raise Conflict(
            Reason("nomination.correction_late", "已超过修改期限，不能再次提交", "the correction deadline has passed")
        )
    config = await cycle_config(current["cycle"])
    if current["status"] == "draft" and not (
        config.dates.nomination_opens <= today() <= config.dates.nomination_closes
    ):
        raise Conflict(
            Reason(
                "nomination.window_closed",
                f"推荐时间为{config.dates.nomination_opens}至{config.dates.nomination_closes}",
                f"nominations are accepted from {config.dates.nomination_opens} to {config.dates.nomination_closes}",
            )
        )
    data = _as_input(current)
    _, context = await _context(current["cycle"], current["society_id"], data, nomination_id)
    if problems := rules.check_nomination(data.facts(nomination_id), config, context):
        raise InvalidInput(problems)
    facts = data.facts(nomination_id)
    fp = rules.fingerprint(facts)
    snapshot = {"submitted_at": now().isoformat(), **data.model_dump(mode="json")}
    async with write_transaction():
        quota_id = current["quota"]
        if quota_id is None:
            row = (
                await Quota.select(Quota.id)
                .where(
                    (Quota.cycle == current["cycle"])
                    & (Quota.society_id == current["society_id"])
                    & (Quota.category == data.category)
                )
                .first()
            )
            if row is None or not await take_slot("xh_quota", row["id"]):
                raise Conflict(
                    Reason(
                        "quota.exhausted",
                        f"本学会{CATEGORY_NAMES[Category(data.category)][0]}推荐名额已用完",
                        f"your society's quota for {CATEGORY_NAMES[Category(data.category)][1]} is used up",
                        "category",
                    )
                )
            quota_id = row["id"]
        await NominationContributor.delete().where(NominationContributor.nomination == nomination_id)
        for contributor in facts.contributors:
            await NominationContributor.insert(
                NominationContributor(
                    nomination=nomination_id,
                    cycle_id=current["cycle"],
                    id_number=normalise(contributor.id_number),
                    name=contributor.name,
                )
            )
        done = (
            await Nomination.update(
                {
                    Nomination.status: "submitted",
                    Nomination.quota: quota_id,
                    Nomination.snapshot: json.dumps(snapshot, ensure_ascii=False),
                    Nomination.fingerprint: json.dumps(
                        {"title_key": fp.title_key, "material_keys": sorted(fp.material_keys)}
                    ),
                    Nomination.idempotency_key: key,
                    Nomination.submitted_at: now(),
                    Nomination.updated_at: now(),
                }
            )
            .where((Nomination.id == nomination_id) & (Nomination.status == current["status"]))
            .returning(Nomination.id)
        )
        if not done:
            raise Conflict(
                Reason("nomination.changed", "推荐状态已变化，请刷新", "the nomination changed meanwhile; reload it")
            )
        await audit(
            actor,
            "nomination.submitted",
            "nomination",
            nomination_id,
            {"category": data.category, "grade": data.grade},
            current["society_id"],
        )
    return "submitted"


async def withdraw(actor: Actor, nomination_id: int) -> None:
    current = await get_nomination(actor, nomination_id)
    config = await cycle_config(current["cycle"])
    if current["status"] != "submitted" or not config.withdrawal_allowed:
        raise Conflict(
            Reason(
                "nomination.no_withdrawal",
                "本年度提交后不允许撤回",
                "this cycle does not allow withdrawal after submission",
            )
        )
    async with write_transaction():
        done = (
            await Nomination.update(
                {Nomination.status: "withdrawn", Nomination.quota: None, Nomination.updated_at: now()}
            )
            .where((Nomination.id == nomination_id) & (Nomination.status == "submitted"))
            .returning(Nomination.id)
        )
        if not done:
            raise Conflict(
                Reason("nomination.changed", "推荐状态已变化，请刷新", "the nomination changed meanwhile; reload it")
            )
        if current["quota"] is not None:
            await give_slot_back("xh_quota", current["quota"])
        await NominationContributor.delete().where(NominationContributor.nomination == nomination_id)
        await audit(actor, "nomination.withdrawn", "nomination", nomination_id, {}, current["society_id"])


async def snapshot(actor: Actor, nomination_id: int) -> dict[str, Any]:
    await get_nomination(actor, nomination_id)
    row = await Nomination.select(Nomination.snapshot).where(Nomination.id == nomination_id).first()
    return dict(json_value(row["snapshot"]) or {}) if row else {}
