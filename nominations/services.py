"""Award-nomination use cases: cycles, quotas, nominations and their submission, formal
review, the eligibility adjustment, sanctions, public notices, objections and results.

Rules decide (nominations/rules); this module loads what they need, writes in one
transaction, keeps quotas exact with conditional updates, and audits every change.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
from collections import Counter
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from accounts.rules import Actor
from accounts.services import audit
from nominations.rules import eligibility as rules
from nominations.rules.cycle import CATEGORY_NAMES, Category, CycleConfig, Grade, default_cycle, load_cycle
from nominations.rules.notice import Objection as ObjectionFacts
from nominations.rules.notice import WorkingCalendar, add_working_days, check_objection
from nominations.rules.quota_adjustment import (
    AdjustmentPolicy,
    PilotEvaluation,
    SocietyStats,
    propose,
    validate_policy,
)
from nominations.rules.quota_adjustment import Sanction as SanctionFacts
from nominations.rules.results import NominationRecord, Outcome, check_outcomes, compute_kpis
from nominations.schemas import NominationBody, NominationIn
from nominations.tables import (
    AdjustmentOverride,
    AdjustmentRun,
    AwardCycle,
    AwardRecord,
    CycleVersion,
    Nomination,
    NominationContributor,
    Notice,
    Objection,
    ObjectionFile,
    Quota,
    ReviewStep,
)
from societies import services as societies
from xuehui.clock import now, today
from xuehui.db import give_slot_back, take_slot, write_transaction
from xuehui.errors import Conflict, Forbidden, InvalidInput, NotFound, Reason
from xuehui.idcard import normalise

EDITABLE = ("draft", "returned")
SUBMITTED = ("submitted", "passed", "rejected", "disqualified", "awarded", "not_awarded")
STATUS_NAMES: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "Draft"),
    "submitted": ("已提交，待形式审查", "Submitted, awaiting formal review"),
    "returned": ("退回修改", "Returned for correction"),
    "passed": ("形式审查通过", "Passed formal review"),
    "rejected": ("形式审查未通过", "Rejected at formal review"),
    "disqualified": ("取消资格", "Disqualified"),
    "withdrawn": ("已撤回", "Withdrawn"),
    "awarded": ("获奖", "Awarded"),
    "not_awarded": ("未获奖", "Not awarded"),
}


def _admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden(Reason("forbidden", "只有管理员可以执行此操作", "only administrators may do this"))


def _not_found() -> NotFound:
    return NotFound(
        Reason("nomination.not_found", "推荐项目不存在或无权查看", "nomination not found or not visible to you")
    )


def _json(raw: Any) -> Any:
    return json.loads(raw) if isinstance(raw, str) else raw


# --- cycles --------------------------------------------------------------------------------


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
    return AdjustmentPolicy.model_validate(_json((await cycle_row(cycle_id))["policy"]) or {})


async def latest_cycle_id() -> int | None:
    row = await AwardCycle.select(AwardCycle.id).order_by(AwardCycle.year, ascending=False).first()
    return int(row["id"]) if row else None


async def save_cycle(
    actor: Actor, cycle_id: int, config: dict[str, Any], policy: dict[str, Any] | None, note: str
) -> int:
    """Validate and save new settings as the next version; returns the version number."""
    _admin(actor)
    current = await cycle_row(cycle_id)
    loaded = load_cycle(config)
    if isinstance(loaded, list):
        raise InvalidInput(loaded)
    if loaded.year != current["year"]:
        raise InvalidInput(Reason("cycle.year", "不能修改评审年度的年份", "the year of a cycle cannot change", "year"))
    try:
        parsed_policy = AdjustmentPolicy.model_validate(policy if policy is not None else _json(current["policy"]))
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
        done = (
            await AwardCycle.update(
                {
                    AwardCycle.config: json.dumps(stored.to_dict()),
                    AwardCycle.policy: parsed_policy.model_dump_json(),
                    AwardCycle.version: version,
                    AwardCycle.updated_at: now(),
                }
            )
            .where((AwardCycle.id == cycle_id) & (AwardCycle.version == current["version"]))
            .returning(AwardCycle.id)
        )
        if not done:
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


# --- quotas --------------------------------------------------------------------------------


async def set_quota(actor: Actor, cycle_id: int, society_id: int, category: str, quota: int) -> None:
    """Set one quota by hand (the adjustment run sets them all at publication)."""
    _admin(actor)
    if category not in set(Category):
        raise InvalidInput(Reason("quota.category", "奖励类别无效", "unknown award category", "category"))
    if quota < 0:
        raise InvalidInput(Reason("quota.negative", "名额不能为负数", "a quota cannot be negative", "quota"))
    async with write_transaction():
        await _upsert_quota(cycle_id, society_id, category, quota)
        await audit(
            actor,
            "quota.set",
            "award_cycle",
            cycle_id,
            {"society": society_id, "category": category, "quota": quota},
            society_id,
        )


async def _upsert_quota(cycle_id: int, society_id: int, category: str, quota: int) -> None:
    where = (Quota.cycle == cycle_id) & (Quota.society_id == society_id) & (Quota.category == category)
    if not await Quota.update({Quota.quota: quota}).where(where).returning(Quota.id):
        await Quota.insert(Quota(cycle=cycle_id, society_id=society_id, category=category, quota=quota, used=0))


async def society_quotas(actor: Actor, cycle_id: int, society_id: int) -> list[dict[str, Any]]:
    if not actor.acts_for(society_id):
        raise NotFound(Reason("society.not_found", "学会不存在或无权查看", "society not found or not visible to you"))
    rows = await Quota.select(Quota.category, Quota.quota, Quota.used).where(
        (Quota.cycle == cycle_id) & (Quota.society_id == society_id)
    )
    by_category = {r["category"]: r for r in rows}
    return [by_category.get(c.value, {"category": c.value, "quota": 0, "used": 0}) for c in Category]


# --- nominations ---------------------------------------------------------------------------


def _view(row: dict[str, Any], year: int | None = None) -> dict[str, Any]:
    body = NominationBody.model_validate(_json(row["body"]) or {})
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
    if actor.role != "society" or actor.society_id is None:
        raise Forbidden(
            Reason("nomination.society_only", "只有学会填报人可以推荐项目", "only society nominators nominate projects")
        )
    pilot = await societies.active_pilot_of_type(actor.society_id, "award_nomination")
    if pilot is None:
        raise Conflict(
            Reason(
                "nomination.no_pilot",
                "本学会没有已签署、正在实施的科技奖励推荐试点项目，不能推荐",
                "your society has no signed, running pilot project for award nomination, so it cannot nominate",
            )
        )
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
    cycle_id: int, society_id: int, config: CycleConfig, data: NominationIn, own_id: int | None
) -> rules.EligibilityContext:
    """What the rules need from outside the nomination, read narrowly (only these people) and
    concurrently (on SQLite every query has its own connection, so they overlap)."""
    ids = [normalise(c.id_number) for c in data.body.contributors if c.id_number.strip()] or ["-"]
    lookback = config.year - config.years_per_cycle * config.eligibility.repeat_lookback_cycles
    claims, winners, past, quota, suspended = await asyncio.gather(
        NominationContributor.select(NominationContributor.id_number, NominationContributor.nomination).where(
            (NominationContributor.cycle_id == cycle_id) & NominationContributor.id_number.is_in(ids)
        ),
        AwardRecord.select(AwardRecord.id_number, AwardRecord.year).where(AwardRecord.id_number.is_in(ids)),
        Nomination.select(Nomination.id, Nomination.fingerprint, Nomination.cycle.year).where(
            (Nomination.society_id == society_id)
            & Nomination.status.is_in(["rejected", "not_awarded"])
            & (Nomination.cycle.year >= lookback)
            & (Nomination.cycle.year < config.year)
        ),
        Quota.select(Quota.quota)
        .where((Quota.cycle == cycle_id) & (Quota.society_id == society_id) & (Quota.category == data.category))
        .first(),
        societies.nominating_suspended(society_id, today()),
    )
    by_nomination: dict[str, list[str]] = {}
    for claim in claims:
        if claim["nomination"] != own_id:
            by_nomination.setdefault(str(claim["nomination"]), []).append(claim["id_number"])
    unsuccessful = []
    for row in past:
        fp = _json(row["fingerprint"]) or {}
        key = rules.MaterialFingerprint(fp.get("title_key", ""), frozenset(fp.get("material_keys", [])))
        unsuccessful.append(rules.PastUnsuccessful(str(row["id"]), row["cycle.year"], key))
    return rules.build_context(
        society_allowed=bool(quota and quota["quota"] > 0),
        society_suspended=suspended,
        cycle_contributors=list(by_nomination.items()),
        past_winners=[(w["id_number"], w["year"]) for w in winners],
        past_unsuccessful=unsuccessful,
    )


async def check(actor: Actor, cycle_id: int, data: NominationIn, nomination_id: int | None = None) -> rules.DraftCheck:
    """Run every rule on what the form says now (live, while it is edited)."""
    society_id = actor.society_id
    if nomination_id is not None:
        society_id = (await get_nomination(actor, nomination_id))["society_id"]
    if society_id is None:
        raise Forbidden(
            Reason("nomination.society_only", "只有学会填报人可以推荐项目", "only society nominators nominate projects")
        )
    config = await cycle_config(cycle_id)
    context = await _context(cycle_id, society_id, config, data, nomination_id)
    return rules.check_draft(data.facts(nomination_id), config, context)


def _as_input(view: dict[str, Any]) -> NominationIn:
    return NominationIn(
        title=view["title"],
        category=view["category"],
        grade=view["grade"],
        discipline_code=view["discipline_code"],
        body=view["body"],
    )


async def submit(actor: Actor, nomination_id: int, idempotency_key: str = "") -> str:
    """Submit (or resubmit after correction): every rule must pass; a first submission takes a
    quota slot atomically. A repeated request with the same idempotency key changes nothing."""
    key = idempotency_key.strip()[:64] or None
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
    context = await _context(current["cycle"], current["society_id"], config, data, nomination_id)
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
    return dict(_json(row["snapshot"]) or {}) if row else {}


# --- formal review -------------------------------------------------------------------------


async def formal_review(actor: Actor, nomination_id: int, decision: str, reasons: str) -> str:
    _admin(actor)
    current = await get_nomination(actor, nomination_id)
    if current["status"] != "submitted":
        raise Conflict(Reason("review.state", "只能审查已提交的推荐", "only submitted nominations are reviewed"))
    if decision not in ("pass", "return", "reject"):
        raise InvalidInput(Reason("review.decision", "请选择审查结论", "choose a decision", "decision"))
    if decision in ("return", "reject") and not reasons.strip():
        raise InvalidInput(
            Reason("review.reasons", "退回或不通过须写明理由", "give the reasons for returning or rejecting", "reasons")
        )
    config = await cycle_config(current["cycle"])
    status = {"pass": "passed", "return": "returned", "reject": "rejected"}[decision]
    values: dict[Any, Any] = {Nomination.status: status, Nomination.updated_at: now()}
    if decision == "return":
        deadline = add_working_days(
            WorkingCalendar.from_config(config.calendar), today(), config.correction_deadline_days
        )
        values[Nomination.return_reasons] = reasons.strip()
        values[Nomination.correction_deadline] = deadline
    async with write_transaction():
        done = (
            await Nomination.update(values)
            .where((Nomination.id == nomination_id) & (Nomination.status == "submitted"))
            .returning(Nomination.id)
        )
        if not done:
            raise Conflict(
                Reason("nomination.changed", "推荐状态已变化，请刷新", "the nomination changed meanwhile; reload it")
            )
        await ReviewStep.insert(
            ReviewStep(
                nomination=nomination_id,
                stage="formal_review",
                outcome=status,
                note=reasons.strip(),
                decided_by=actor.user_id,
                decided_at=now(),
            )
        )
        await audit(
            actor,
            f"nomination.formal_{decision}",
            "nomination",
            nomination_id,
            {"reasons": reasons},
            current["society_id"],
        )
    return status


async def review_steps(actor: Actor, nomination_id: int) -> list[dict[str, Any]]:
    await get_nomination(actor, nomination_id)
    return await ReviewStep.select().where(ReviewStep.nomination == nomination_id).order_by(ReviewStep.id)


# --- KPIs ----------------------------------------------------------------------------------


async def society_kpis(society_id: int) -> dict[str, Any]:
    """Nominations submitted, formal-review pass rate and award rate, live from the records."""
    rows = await Nomination.select(Nomination.id, Nomination.status).where(Nomination.society_id == society_id)
    records = [
        NominationRecord(
            nomination_id=str(r["id"]),
            society_id=str(society_id),
            submitted=r["status"] in SUBMITTED,
            formal_review="passed"
            if r["status"] in ("passed", "awarded", "not_awarded")
            else "failed"
            if r["status"] == "rejected"
            else "pending",
            awarded=r["status"] == "awarded",
        )
        for r in rows
    ]
    kpis = compute_kpis(records)
    return {
        "submitted": kpis.submitted,
        "pass_rate": kpis.pass_rate,
        "award_rate": kpis.award_rate,
        "awarded": kpis.awarded,
    }


# --- the dynamic eligibility adjustment (遴选和动态调整) ---------------------------------------


async def _society_stats(cycle_id: int, as_of: dt.date) -> list[SocietyStats]:
    year = (await cycle_row(cycle_id))["year"]
    society_ids = await societies.active_society_ids()
    previous = (
        await AwardCycle.select(AwardCycle.id)
        .where(AwardCycle.year < year)
        .order_by(AwardCycle.year, ascending=False)
        .first()
    )
    counts: dict[int, Counter[str]] = {sid: Counter() for sid in society_ids}
    if previous is not None:
        for row in await Nomination.select(Nomination.society_id, Nomination.status).where(
            Nomination.cycle == previous["id"]
        ):
            tally = counts.setdefault(row["society_id"], Counter())
            if row["status"] in SUBMITTED:
                tally["submitted"] += 1
            if row["status"] in ("passed", "awarded", "not_awarded"):
                tally["passed"] += 1
            if row["status"] == "awarded":
                tally["awarded"] += 1
    sanctions: dict[int, list[dict[str, Any]]] = {}
    for sanction in await societies.sanctions_of(society_ids):
        sanctions.setdefault(sanction["society"], []).append(sanction)
    evaluations = await societies.evaluation_history(society_ids)
    return [
        SocietyStats(
            society_id=str(sid),
            submitted=counts[sid]["submitted"],
            passed_formal_review=counts[sid]["passed"],
            awarded=counts[sid]["awarded"],
            violations=tuple(s["starts_on"] for s in sanctions.get(sid, [])),
            sanctions=tuple(SanctionFacts(s["kind"], s["starts_on"], s["ends_on"]) for s in sanctions.get(sid, [])),
            evaluations=tuple(PilotEvaluation(d, g) for d, g in evaluations.get(sid, [])),
        )
        for sid in society_ids
    ]


def _row_json(row: Any) -> dict[str, Any]:
    return {
        "society_id": int(row.society_id),
        "may_nominate": row.may_nominate,
        "quota": {str(k): v for k, v in row.quota.items()},
        "reasons": [{"code": r.code, "zh": r.zh, "en": r.en, "field": r.field} for r in row.reasons],
        "pass_rate": row.pass_rate,
        "award_rate": row.award_rate,
    }


async def run_adjustment(actor: Actor, cycle_id: int, as_of: dt.date | None = None) -> int:
    """Propose every society's right to nominate and quotas, keeping the inputs with the run."""
    _admin(actor)
    as_of = as_of or today()
    policy = await cycle_policy(cycle_id)
    stats = await _society_stats(cycle_id, as_of)
    rows = propose(policy, stats, as_of)
    inputs = [
        {
            "society_id": s.society_id,
            "submitted": s.submitted,
            "passed_formal_review": s.passed_formal_review,
            "awarded": s.awarded,
            "sanctions": [
                {"kind": x.kind, "starts": x.starts.isoformat(), "ends": x.ends.isoformat() if x.ends else None}
                for x in s.sanctions
            ],
            "evaluations": [{"on": e.evaluated_on.isoformat(), "grade": e.grade} for e in s.evaluations],
        }
        for s in stats
    ]
    async with write_transaction():
        run = AdjustmentRun(
            cycle=cycle_id,
            as_of=as_of,
            policy=policy.model_dump_json(),
            inputs=json.dumps(inputs, ensure_ascii=False),
            rows=json.dumps([_row_json(r) for r in rows], ensure_ascii=False),
            status="proposed",
            run_by=actor.user_id,
            run_at=now(),
        )
        await run.save()
        await audit(actor, "adjustment.run", "award_cycle", cycle_id, {"run": run.id, "societies": len(rows)})
    return int(run.id)


async def adjustment_table(run_id: int) -> dict[str, Any]:
    """A run with its rows, each row with any override applied (and the override's reason)."""
    run = await AdjustmentRun.select().where(AdjustmentRun.id == run_id).first()
    if run is None:
        raise NotFound(Reason("adjustment.not_found", "调整记录不存在", "adjustment run not found"))
    overrides = {
        o["society_id"]: o
        for o in await AdjustmentOverride.select()
        .where(AdjustmentOverride.run == run_id)
        .order_by(AdjustmentOverride.id)
    }
    names = await societies.society_names()
    rows = []
    for row in _json(run["rows"]):
        override = overrides.get(row["society_id"])
        final = {**row, "society": names.get(row["society_id"], str(row["society_id"])), "override": None}
        if override:
            final.update(
                may_nominate=override["may_nominate"], quota=_json(override["quotas"]), override=override["reason"]
            )
        rows.append(final)
    return {**run, "rows": rows}


async def override_row(
    actor: Actor, run_id: int, society_id: int, may_nominate: bool, quotas: dict[str, int], reason: str
) -> None:
    _admin(actor)
    run = await adjustment_table(run_id)
    if run["status"] != "proposed":
        raise Conflict(
            Reason("adjustment.published", "已发布的调整结果不能修改", "a published adjustment cannot be changed")
        )
    if not reason.strip():
        raise InvalidInput(
            Reason("adjustment.reason", "调整须写明理由", "give a written reason for the override", "reason")
        )
    clean: dict[str, int] = {}
    for category, value in quotas.items():
        if category not in set(Category) or value < 0:
            raise InvalidInput(
                Reason(
                    "adjustment.quota",
                    "名额须为非负整数",
                    "quotas must be whole numbers of zero or more",
                    f"quota.{category}",
                )
            )
        clean[category] = 0 if not may_nominate else value
    async with write_transaction():
        await AdjustmentOverride.insert(
            AdjustmentOverride(
                run=run_id,
                society_id=society_id,
                may_nominate=may_nominate,
                quotas=json.dumps(clean),
                reason=reason.strip(),
                by=actor.user_id,
                at=now(),
            )
        )
        await audit(
            actor,
            "adjustment.override",
            "adjustment_run",
            run_id,
            {"society": society_id, "quotas": clean},
            society_id,
            reason,
        )


async def publish_adjustment(actor: Actor, run_id: int) -> None:
    """Fix the quotas of the cycle from the run (overrides applied) and show them publicly."""
    _admin(actor)
    run = await adjustment_table(run_id)
    if run["status"] != "proposed":
        raise Conflict(Reason("adjustment.published", "该调整结果已发布", "this adjustment has been published"))
    async with write_transaction():
        for row in run["rows"]:
            for category in Category:
                await _upsert_quota(
                    run["cycle"], row["society_id"], category.value, int(row["quota"].get(category.value, 0))
                )
        await AdjustmentRun.update({AdjustmentRun.status: "superseded"}).where(
            (AdjustmentRun.cycle == run["cycle"]) & (AdjustmentRun.status == "published")
        )
        await AdjustmentRun.update(
            {
                AdjustmentRun.status: "published",
                AdjustmentRun.published_by: actor.user_id,
                AdjustmentRun.published_at: now(),
            }
        ).where(AdjustmentRun.id == run_id)
        await audit(actor, "adjustment.published", "adjustment_run", run_id, {"cycle": run["cycle"]})


async def adjustment_runs(cycle_id: int) -> list[dict[str, Any]]:
    return (
        await AdjustmentRun.select(
            AdjustmentRun.id,
            AdjustmentRun.as_of,
            AdjustmentRun.status,
            AdjustmentRun.run_at,
            AdjustmentRun.published_at,
        )
        .where(AdjustmentRun.cycle == cycle_id)
        .order_by(AdjustmentRun.id, ascending=False)
    )


async def published_adjustment(cycle_id: int) -> dict[str, Any] | None:
    row = (
        await AdjustmentRun.select(AdjustmentRun.id)
        .where((AdjustmentRun.cycle == cycle_id) & (AdjustmentRun.status == "published"))
        .first()
    )
    return await adjustment_table(row["id"]) if row else None


# --- sanctions -----------------------------------------------------------------------------


async def sanction_nomination(actor: Actor, nomination_id: int, kind: str, reason: str, months: int) -> None:
    """False material or lobbying: disqualify the nomination and suspend the society's
    nominating at once for the period (the sanction also feeds the next adjustment)."""
    _admin(actor)
    current = await get_nomination(actor, nomination_id)
    starts = today()
    ends = add_years_months(starts, months)
    async with write_transaction():
        await societies.record_sanction(
            actor, current["society_id"], kind, reason, starts, ends, f"nomination:{nomination_id}"
        )
        await Nomination.update({Nomination.status: "disqualified", Nomination.updated_at: now()}).where(
            Nomination.id == nomination_id
        )
        await NominationContributor.delete().where(NominationContributor.nomination == nomination_id)
        await audit(
            actor,
            "nomination.disqualified",
            "nomination",
            nomination_id,
            {"kind": kind, "until": ends},
            current["society_id"],
            reason,
        )


def add_years_months(start: dt.date, months: int) -> dt.date:
    year, month = divmod(start.month - 1 + months, 12)
    day = min(start.day, 28)
    return dt.date(start.year + year, month + 1, day)


# --- public notices and objections (公示 / 异议) ----------------------------------------------


def _entry(view: dict[str, Any], society: str) -> dict[str, Any]:
    return {
        "nomination_id": view["id"],
        "title": view["title"],
        "category": view["category"],
        "grade": view["grade"],
        "society": society,
        "contributors": [c.name for c in view["body"].contributors],
        "units": [u.name for u in view["body"].units],
    }


async def publish_notice(
    actor: Actor, cycle_id: int, kind: str, title: str, starts_on: dt.date, working_days: int
) -> int:
    _admin(actor)
    if kind not in ("acceptance", "results"):
        raise InvalidInput(Reason("notice.kind", "公示类型无效", "unknown notice kind", "kind"))
    config = await cycle_config(cycle_id)
    calendar = WorkingCalendar.from_config(config.calendar)
    start = starts_on if calendar.is_working_day(starts_on) else calendar.next_working_day(starts_on)
    ends_on = add_working_days(calendar, start, working_days - 1)
    statuses = ["passed"] if kind == "acceptance" else ["awarded"]
    views = [v for v in await list_nominations(actor, cycle_id=cycle_id) if v["status"] in statuses]
    if not views:
        raise Conflict(Reason("notice.empty", "没有可以公示的推荐项目", "there is nothing to put under notice"))
    names = await societies.society_names()
    entries = [_entry(v, names.get(v["society_id"], "")) for v in views]
    async with write_transaction():
        notice = Notice(
            cycle=cycle_id,
            kind=kind,
            title=title.strip(),
            starts_on=start,
            ends_on=ends_on,
            entries=json.dumps(entries, ensure_ascii=False),
            published_by=actor.user_id,
            published_at=now(),
        )
        await notice.save()
        await audit(
            actor, "notice.published", "notice", notice.id, {"kind": kind, "entries": len(entries), "ends_on": ends_on}
        )
    return int(notice.id)


async def public_notices(current_only: bool = False) -> list[dict[str, Any]]:
    rows = await Notice.select().order_by(Notice.starts_on, ascending=False)
    found = []
    for row in rows:
        if current_only and not (row["starts_on"] <= today() <= row["ends_on"]):
            continue
        found.append({**row, "entries": _json(row["entries"]), "open": row["starts_on"] <= today() <= row["ends_on"]})
    return found


async def public_notice(notice_id: int) -> dict[str, Any]:
    row = await Notice.select().where(Notice.id == notice_id).first()
    if row is None:
        raise NotFound(Reason("notice.not_found", "公示不存在", "notice not found"))
    return {**row, "entries": _json(row["entries"]), "open": row["starts_on"] <= today() <= row["ends_on"]}


MAX_EVIDENCE_BYTES = 10_000_000


async def file_objection(
    notice_id: int,
    nomination_id: int,
    name: str,
    id_number: str,
    phone: str,
    unit: str,
    reasons: str,
    files: list[tuple[str, bytes]],
) -> int:
    """An objection from the public: real identity required, only while the notice is open."""
    notice = await public_notice(notice_id)
    if nomination_id not in {e["nomination_id"] for e in notice["entries"]}:
        raise InvalidInput(
            Reason(
                "objection.nomination",
                "该项目不在本次公示中",
                "that nomination is not under this notice",
                "nomination_id",
            )
        )
    from nominations.rules.notice import NoticeWindow

    window = NoticeWindow(key=notice["kind"], starts=notice["starts_on"], ends=notice["ends_on"])
    facts = ObjectionFacts(
        name=name, id_number=id_number, phone=phone, reasons=reasons, submitted_on=today(), unit=unit
    )
    problems = check_objection(facts, window)
    for filename, content in files:
        if len(content) > MAX_EVIDENCE_BYTES:
            problems.append(
                Reason(
                    "objection.file_too_large",
                    f"证明材料“{filename}”超过10MB",
                    f"evidence file “{filename}” is larger than 10 MB",
                    "evidence",
                )
            )
    if problems:
        raise InvalidInput(problems)
    async with write_transaction():
        objection = Objection(
            notice=notice_id,
            nomination=nomination_id,
            name=name.strip(),
            id_number=normalise(id_number),
            phone=phone.strip(),
            unit=unit.strip(),
            reasons=reasons.strip(),
            evidence=json.dumps(
                [{"filename": f, "size": len(c), "sha256": hashlib.sha256(c).hexdigest()} for f, c in files]
            ),
            state="received",
            submitted_on=today(),
            created_at=now(),
            updated_at=now(),
        )
        await objection.save()
        for filename, content in files:
            await ObjectionFile.insert(
                ObjectionFile(
                    objection=objection.id,
                    filename=filename[:200],
                    sha256=hashlib.sha256(content).hexdigest(),
                    size=len(content),
                    content=content,
                )
            )
        await audit(
            None, "objection.received", "objection", objection.id, {"nomination": nomination_id, "notice": notice_id}
        )
    return int(objection.id)


async def objections(actor: Actor, nomination_id: int | None = None) -> list[dict[str, Any]]:
    """Admins see objections with the objector's identity; a society sees those against its own
    nominations without who filed them."""
    query = Objection.select(
        *Objection.all_columns(), Objection.nomination.title, Objection.nomination.society_id
    ).order_by(Objection.id, ascending=False)
    if nomination_id is not None:
        query = query.where(Objection.nomination == nomination_id)
    if not actor.is_admin:
        if actor.role != "society" or actor.society_id is None:
            return []
        query = query.where(Objection.nomination.society_id == actor.society_id)
    rows = await query
    if not actor.is_admin:
        for row in rows:
            for secret in ("name", "id_number", "phone", "unit"):
                row[secret] = ""
    return rows


async def respond_to_objection(actor: Actor, objection_id: int, response: str) -> None:
    rows = [r for r in await objections(actor) if r["id"] == objection_id]
    if not rows or actor.is_admin:
        raise NotFound(
            Reason("objection.not_found", "异议不存在或无权查看", "objection not found or not visible to you")
        )
    if not response.strip():
        raise InvalidInput(Reason("objection.response", "请填写答复", "write the response", "response"))
    async with write_transaction():
        await Objection.update({Objection.nominator_response: response.strip(), Objection.updated_at: now()}).where(
            Objection.id == objection_id
        )
        await audit(actor, "objection.answered", "objection", objection_id, {}, actor.society_id)


async def decide_objection(actor: Actor, objection_id: int, state: str, decision: str, outcome: str) -> None:
    """received → investigating → upheld or dismissed. An upheld objection disqualifies the
    nomination or sends it back for correction (then it goes under notice again)."""
    _admin(actor)
    row = await Objection.select().where(Objection.id == objection_id).first()
    if row is None:
        raise NotFound(Reason("objection.not_found", "异议不存在", "objection not found"))
    allowed = {"received": ("investigating", "upheld", "dismissed"), "investigating": ("upheld", "dismissed")}
    if state not in allowed.get(row["state"], ()):
        raise Conflict(
            Reason("objection.state", "异议当前状态不能进行此操作", "the objection cannot move to that state now")
        )
    if state in ("upheld", "dismissed") and not decision.strip():
        raise InvalidInput(Reason("objection.decision", "请写明处理结论", "write the decision", "decision"))
    if state == "upheld" and outcome not in ("disqualify", "send_back"):
        raise InvalidInput(
            Reason(
                "objection.outcome", "请选择异议成立后的处理方式", "choose what happens to the nomination", "outcome"
            )
        )
    nomination = (
        await Nomination.select(Nomination.id, Nomination.society_id, Nomination.status)
        .where(Nomination.id == row["nomination"])
        .first()
    )
    assert nomination is not None
    async with write_transaction():
        await Objection.update(
            {
                Objection.state: state,
                Objection.decision: decision.strip(),
                Objection.outcome: outcome if state == "upheld" else "",
                Objection.updated_at: now(),
            }
        ).where((Objection.id == objection_id) & (Objection.state == row["state"]))
        if state == "upheld":
            if outcome == "disqualify":
                await Nomination.update({Nomination.status: "disqualified", Nomination.updated_at: now()}).where(
                    Nomination.id == nomination["id"]
                )
                await NominationContributor.delete().where(NominationContributor.nomination == nomination["id"])
            else:
                config = await cycle_config(
                    (await Nomination.select(Nomination.cycle).where(Nomination.id == nomination["id"]).first() or {})[
                        "cycle"
                    ]
                )
                deadline = add_working_days(
                    WorkingCalendar.from_config(config.calendar), today(), config.correction_deadline_days
                )
                await Nomination.update(
                    {
                        Nomination.status: "returned",
                        Nomination.return_reasons: decision.strip(),
                        Nomination.correction_deadline: deadline,
                        Nomination.updated_at: now(),
                    }
                ).where(Nomination.id == nomination["id"])
        await audit(
            actor,
            f"objection.{state}",
            "objection",
            objection_id,
            {"outcome": outcome, "nomination": nomination["id"]},
            nomination["society_id"],
            decision,
        )


# --- results ---------------------------------------------------------------------------------

STAGES = ("remote_review", "panel_review", "award_committee")


async def record_stage(actor: Actor, nomination_id: int, stage: str, outcome: str, grade: str, note: str) -> None:
    """Record a later stage's outcome. The award committee's grades respect the caps per
    category and grade and the fixed nominated grade (定标定额)."""
    _admin(actor)
    current = await get_nomination(actor, nomination_id)
    if stage not in STAGES:
        raise InvalidInput(Reason("stage.unknown", "评审阶段无效", "unknown review stage", "stage"))
    if current["status"] != "passed":
        raise Conflict(
            Reason(
                "stage.state",
                "只有通过形式审查的推荐才能进入后续评审",
                "only nominations that passed formal review go on",
            )
        )
    if outcome not in ("passed", "failed", "awarded", "not_awarded"):
        raise InvalidInput(Reason("stage.outcome", "评审结果无效", "unknown outcome", "outcome"))
    status: str | None = None
    if stage == "award_committee":
        config = await cycle_config(current["cycle"])
        awarded = await Nomination.select(Nomination.id, Nomination.category, Nomination.grade).where(
            (Nomination.cycle == current["cycle"]) & (Nomination.status == "awarded")
        )
        outcomes = [
            Outcome(str(a["id"]), Category(a["category"]), Grade(a["grade"]), Grade(a["grade"])) for a in awarded
        ]
        if outcome == "awarded":
            outcomes.append(
                Outcome(
                    str(nomination_id),
                    Category(current["category"]),
                    Grade(current["grade"]),
                    Grade(grade or current["grade"]),
                )
            )
            if problems := check_outcomes(outcomes, config):
                raise Conflict(problems)
        status = "awarded" if outcome == "awarded" else "not_awarded"
    elif outcome == "failed":
        status = "not_awarded"
    async with write_transaction():
        await ReviewStep.insert(
            ReviewStep(
                nomination=nomination_id,
                stage=stage,
                outcome=outcome,
                grade=grade or "",
                note=note.strip(),
                decided_by=actor.user_id,
                decided_at=now(),
            )
        )
        if status:
            await Nomination.update({Nomination.status: status, Nomination.updated_at: now()}).where(
                Nomination.id == nomination_id
            )
        await audit(
            actor,
            f"nomination.{stage}",
            "nomination",
            nomination_id,
            {"outcome": outcome, "grade": grade},
            current["society_id"],
        )


async def record_winners(actor: Actor, cycle_id: int) -> int:
    """Enter the cycle's winners in the register that bars recent winners; returns how many people."""
    _admin(actor)
    year = (await cycle_row(cycle_id))["year"]
    winners = await Nomination.select(Nomination.id, Nomination.body, Nomination.category, Nomination.grade).where(
        (Nomination.cycle == cycle_id) & (Nomination.status == "awarded")
    )
    count = 0
    async with write_transaction():
        await AwardRecord.delete().where((AwardRecord.year == year) & AwardRecord.nomination_ref.like("nomination:%"))
        for row in winners:
            body = NominationBody.model_validate(_json(row["body"]))
            for person in body.contributors:
                await AwardRecord.insert(
                    AwardRecord(
                        year=year,
                        id_number=normalise(person.id_number),
                        name=person.name,
                        nomination_ref=f"nomination:{row['id']}",
                        category=row["category"],
                        grade=row["grade"],
                        recorded_at=now(),
                    )
                )
                count += 1
        await audit(actor, "results.winners_recorded", "award_cycle", cycle_id, {"people": count})
    return count


async def pilot_kpis(society_id: int, function_type: str) -> list[dict[str, Any]]:
    """The award-nomination pilot's KPIs, computed live from the nomination records."""
    if function_type != "award_nomination":
        return []
    kpis = await society_kpis(society_id)

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value * 100:.0f}%"

    return [
        {"zh": "推荐项目数", "en": "Nominations submitted", "value": str(kpis["submitted"])},
        {"zh": "形式审查通过率", "en": "Formal-review pass rate", "value": pct(kpis["pass_rate"])},
        {"zh": "获奖率", "en": "Award rate", "value": pct(kpis["award_rate"])},
    ]
