"""Award-nomination use cases: cycles, quotas, nominations and their submission, formal
review, the eligibility adjustment, sanctions, public notices, objections and results.

Rules decide (nominations/rules); this module loads what they need, writes in one
transaction, keeps quotas exact with conditional updates, and audits every change.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
import json
from collections import Counter
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from accounts.rules import Actor
from accounts.services import audit
from expert_pool.rules.ballots import BallotRule, Tally, rank_within_quota, tally_ballots
from nominations.rules import eligibility as rules
from nominations.rules.cycle import CATEGORY_NAMES, Category, CycleConfig, Grade, default_cycle, load_cycle
from nominations.rules.notice import Objection as ObjectionFacts
from nominations.rules.notice import WorkingCalendar, add_working_days, check_objection
from nominations.rules.programme import (
    Academy,
    DayKind,
    ExclusionCategory,
    Programme,
    ProgrammeKind,
    default_programme,
    programme_from_dict,
    programme_to_dict,
    validate_programme,
)
from nominations.rules.quota_adjustment import (
    AdjustmentPolicy,
    PilotEvaluation,
    SocietyStats,
    propose,
    validate_policy,
)
from nominations.rules.quota_adjustment import Sanction as SanctionFacts
from nominations.rules.results import NominationRecord, Outcome, check_outcomes, compute_kpis
from nominations.rules.talent import INCOMPLETE, REQUIRED, TalentContext, TalentPerson, check_person
from nominations.schemas import NominationBody, NominationIn, RecommendationIn
from nominations.tables import (
    AdjustmentOverride,
    AdjustmentRun,
    AwardCycle,
    AwardRecord,
    Ballot,
    CycleVersion,
    Nomination,
    NominationContributor,
    Notice,
    Objection,
    ObjectionFile,
    Quota,
    Recommendation,
    RecommendationFile,
    RecommendationStep,
    ReviewStep,
    TalentProgramme,
    TalentQuota,
)
from societies import services as societies
from societies.kpis import LiveKpi, percent
from xuehui.clock import now, today
from xuehui.db import give_slot_back, take_slot, write_transaction
from xuehui.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, Reason
from xuehui.idcard import normalise
from xuehui.text import free_text_problems, line_problems, require_clean

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


# What each kind of putting-forward is called in refusals: (code prefix, zh, en, en verb).
_PUTTING_FORWARD = {
    "nomination": ("nomination", "推荐项目", "nominate projects", "nominate"),
    "talent": ("talent", "推荐人选", "recommend people", "recommend"),
}


async def _running_award_pilot(actor: Actor, kind: str) -> tuple[int, dict[str, Any]]:
    """(society id, pilot) of a society nominator whose society runs a signed award pilot:
    projects and people are put forward only under one."""
    prefix, zh, en, verb = _PUTTING_FORWARD[kind]
    if actor.role != "society" or actor.society_id is None:
        raise Forbidden(Reason(f"{prefix}.society_only", f"只有学会填报人可以{zh}", f"only society nominators {en}"))
    pilot = await societies.active_pilot_of_type(actor.society_id, "award_nomination")
    if pilot is None:
        raise Conflict(
            Reason(
                f"{prefix}.no_pilot",
                "本学会没有已签署、正在实施的科技奖励推荐试点项目，不能推荐",
                f"your society has no signed, running pilot project for award nomination, so it cannot {verb}",
            )
        )
    return actor.society_id, pilot


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
        fp = _json(row["fingerprint"]) or {}
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


def _is_unique_violation(error: Exception, column: str) -> bool:
    """A unique index on `column` refused a write (asyncpg's UniqueViolationError, sqlite3's IntegrityError)."""
    return type(error).__name__ in ("UniqueViolationError", "IntegrityError") and column in str(error)


async def _settle_repeat(
    table: type[Nomination] | type[Recommendation], record_id: int, key: str | None, error: Exception, what: str
) -> str:
    """After a failed submission: when a concurrent request with the same key has meanwhile
    submitted this record, this one is its repeat and gets the same answer; when the key went to
    another record, the key was reused. Otherwise the original error stands."""
    if key is None or not (isinstance(error, DomainError) or _is_unique_violation(error, "idempotency_key")):
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
    return dict(_json(row["snapshot"]) or {}) if row else {}


# --- formal review -------------------------------------------------------------------------


async def formal_review(actor: Actor, nomination_id: int, decision: str, reasons: str) -> str:
    _admin(actor)
    if problems := free_text_problems({"reasons": reasons}):
        raise InvalidInput(problems)
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
    nomination_id: int | None,
    name: str,
    id_number: str,
    phone: str,
    unit: str,
    reasons: str,
    files: list[tuple[str, bytes]],
    recommendation_id: int | None = None,
) -> int:
    """An objection from the public against a nomination or a recommended person under notice:
    real identity required, only while the notice is open."""
    if problems := line_problems({"name": name, "id_number": id_number, "phone": phone, "unit": unit}, 200):
        raise InvalidInput(problems)
    if problems := free_text_problems({"reasons": reasons}):
        raise InvalidInput(problems)
    notice = await public_notice(notice_id)
    if recommendation_id is not None:
        if recommendation_id not in {e.get("recommendation_id") for e in notice["entries"]}:
            raise InvalidInput(
                Reason(
                    "objection.recommendation",
                    "该人选不在本次公示中",
                    "that candidate is not under this notice",
                    "recommendation_id",
                )
            )
        nomination_id = None
    elif nomination_id is None or nomination_id not in {e.get("nomination_id") for e in notice["entries"]}:
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
            recommendation=recommendation_id,
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
            None,
            "objection.received",
            "objection",
            objection.id,
            {"nomination": nomination_id, "recommendation": recommendation_id, "notice": notice_id},
        )
    return int(objection.id)


async def objections(
    actor: Actor, nomination_id: int | None = None, recommendation_id: int | None = None
) -> list[dict[str, Any]]:
    """Admins see objections with the objector's identity; a society sees those against its own
    nominations and recommendations without who filed them."""
    query = Objection.select(
        *Objection.all_columns(),
        Objection.nomination.title,
        Objection.nomination.society_id,
        Objection.recommendation.name,
        Objection.recommendation.society_id,
    ).order_by(Objection.id, ascending=False)
    if nomination_id is not None:
        query = query.where(Objection.nomination == nomination_id)
    if recommendation_id is not None:
        query = query.where(Objection.recommendation == recommendation_id)
    if not actor.is_admin:
        if actor.role != "society" or actor.society_id is None:
            return []
        query = query.where(
            (Objection.nomination.society_id == actor.society_id)
            | (Objection.recommendation.society_id == actor.society_id)
        )
    rows = await query
    for row in rows:
        # What the objection is against, for lists that show both kinds.
        row["item_title"] = row["nomination.title"] or row["recommendation.name"] or ""
        row["society_id"] = row["nomination.society_id"] or row["recommendation.society_id"]
    if not actor.is_admin:
        for row in rows:
            for secret in ("name", "id_number", "phone", "unit"):
                row[secret] = ""
    return rows


async def respond_to_objection(actor: Actor, objection_id: int, response: str) -> None:
    if problems := free_text_problems({"response": response}):
        raise InvalidInput(problems)
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
    if row["nomination"] is None:
        await _decide_talent_objection(actor, row, state, decision, outcome)
        return
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


async def _decide_talent_objection(actor: Actor, row: dict[str, Any], state: str, decision: str, outcome: str) -> None:
    """An objection against a recommended person: upheld, it disqualifies the recommendation or
    sends it back for correction (after which it goes through review and the vote again)."""
    recommendation = (
        await Recommendation.select(Recommendation.id, Recommendation.society_id)
        .where(Recommendation.id == row["recommendation"])
        .first()
    )
    assert recommendation is not None
    async with write_transaction():
        await Objection.update(
            {
                Objection.state: state,
                Objection.decision: decision.strip(),
                Objection.outcome: outcome if state == "upheld" else "",
                Objection.updated_at: now(),
            }
        ).where((Objection.id == row["id"]) & (Objection.state == row["state"]))
        if state == "upheld":
            values: dict[Any, Any] = {Recommendation.updated_at: now()}
            if outcome == "disqualify":
                values[Recommendation.status] = "disqualified"
            else:
                values[Recommendation.status] = "returned"
                values[Recommendation.return_reasons] = decision.strip()
                values[Recommendation.correction_deadline] = add_working_days(
                    WorkingCalendar(), today(), TALENT_CORRECTION_WORKING_DAYS
                )
            await Recommendation.update(values).where(Recommendation.id == recommendation["id"])
            await _talent_step(
                actor, recommendation["id"], "objection", values[Recommendation.status], decision.strip()
            )
        await audit(
            actor,
            f"objection.{state}",
            "objection",
            row["id"],
            {"outcome": outcome, "recommendation": recommendation["id"]},
            recommendation["society_id"],
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


async def pilot_kpis(society_id: int, function_type: str) -> list[LiveKpi]:
    """The award-nomination pilot's KPIs, computed live from the nomination records."""
    if function_type != "award_nomination":
        return []
    kpis = await society_kpis(society_id)

    def pct(value: float | None) -> str:
        return percent(None if value is None else round(value * 100))

    def rate(value: float | None) -> float | None:
        return None if value is None else round(value * 100, 1)

    talent = await talent_kpis(society_id)
    return [
        LiveKpi("submitted", "推荐项目数", "Nominations submitted", str(kpis["submitted"]), kpis["submitted"]),
        LiveKpi(
            "pass_rate", "形式审查通过率", "Formal-review pass rate", pct(kpis["pass_rate"]), rate(kpis["pass_rate"])
        ),
        LiveKpi("award_rate", "获奖率", "Award rate", pct(kpis["award_rate"]), rate(kpis["award_rate"])),
        LiveKpi(
            "people_recommended", "推荐人才数", "People recommended", str(talent["submitted"]), talent["submitted"]
        ),
        LiveKpi(
            "people_passed",
            "人才推荐形式审查通过数",
            "Recommendations past formal review",
            str(talent["passed"]),
            talent["passed"],
        ),
        LiveKpi("people_selected", "人才入选数", "People selected", str(talent["selected"]), talent["selected"]),
    ]


# --- talent programmes and person recommendations (人才推荐) ----------------------------------
#
# The same machinery as project nominations: a programme per edition holds the rules as data
# (nominations.rules.programme), a society's quota per programme is taken atomically on
# submission, the submission is frozen, the association reviews it for form and may return it,
# a selection committee votes by anonymous ballot (expert_pool.rules.ballots), the proposed list
# goes under public notice with the same Notice/Objection records, and the final list is fixed.
# Expert remote review through the expert pool is not wired yet: `ready_for_expert_review` is
# the boundary the expert-pool services will read.

TALENT_EDITABLE = ("draft", "returned")
TALENT_LIVE = ("submitted", "passed", "returned", "tied", "proposed", "not_selected", "selected")
TALENT_STATUS_NAMES: dict[str, tuple[str, str]] = {
    "draft": ("草稿", "Draft"),
    "submitted": ("已提交，待形式审查", "Submitted, awaiting formal review"),
    "returned": ("退回修改", "Returned for correction"),
    "passed": ("形式审查通过", "Passed formal review"),
    "rejected": ("形式审查未通过", "Rejected at formal review"),
    "tied": ("票数相同，待推选委员会决定", "Tied; the committee must decide"),
    "proposed": ("拟入选，公示中", "Proposed, under notice"),
    "not_selected": ("未入选", "Not selected"),
    "selected": ("入选", "Selected"),
    "disqualified": ("取消资格", "Disqualified"),
}
KIND_NAMES: dict[str, tuple[str, str]] = {
    ProgrammeKind.YOUTH_AWARD.value: ("青年科技奖", "Youth science and technology award"),
    ProgrammeKind.ACADEMICIAN.value: ("院士候选人推选", "Academician candidates"),
    ProgrammeKind.OUTSTANDING_WORKER.value: ("优秀科技工作者", "Outstanding science and technology workers"),
}
CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    ExclusionCategory.PARTY_STATE_ORGAN_STAFF.value: ("党政机关工作人员", "Staff of party or state organs"),
    ExclusionCategory.ASSOCIATION_SOCIETY_STAFF.value: (
        "科协、学会机关专职工作人员",
        "Full-time staff of an association or society office",
    ),
    ExclusionCategory.ENTERPRISE_ADMIN_STAFF.value: ("企业行政管理人员", "Enterprise administrative staff"),
}
MAX_MATERIAL_BYTES = 20_000_000
TALENT_CORRECTION_WORKING_DAYS = 5


def _talent_not_found() -> NotFound:
    return NotFound(
        Reason("talent.not_found", "人才推荐不存在或无权查看", "recommendation not found or not visible to you")
    )


def _talent_changed() -> Conflict:
    return Conflict(
        Reason("talent.changed", "推荐状态已变化，请刷新", "the recommendation changed meanwhile; reload it")
    )


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
    _admin(actor)
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
    _admin(actor)
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
        done = (
            await TalentProgramme.update(
                {
                    TalentProgramme.config: json.dumps(programme_to_dict(cfg), ensure_ascii=False),
                    TalentProgramme.version: version,
                    TalentProgramme.updated_at: now(),
                }
            )
            .where((TalentProgramme.id == programme_id) & (TalentProgramme.version == current["version"]))
            .returning(TalentProgramme.id)
        )
        if not done:
            raise Conflict(
                Reason("programme.changed", "设置已被他人修改，请刷新", "the settings changed meanwhile; reload them")
            )
        await audit(actor, "programme.saved", "talent_programme", programme_id, {"version": version})
    return version


async def set_talent_quota(actor: Actor, programme_id: int, society_id: int, quota: int) -> None:
    _admin(actor)
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


# --- recommendations -----------------------------------------------------------------------


def _rec_columns() -> list[Any]:
    return [
        *Recommendation.all_columns(exclude=[Recommendation.snapshot]),
        Recommendation.programme.kind,
        Recommendation.programme.edition_year,
    ]


def _rec_view(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "body": RecommendationIn.model_validate(_json(row["body"]) or {})}


async def get_recommendation(actor: Actor, recommendation_id: int) -> dict[str, Any]:
    row = await Recommendation.select(*_rec_columns()).where(Recommendation.id == recommendation_id).first()
    if row is None or not actor.acts_for(row["society_id"]):
        raise _talent_not_found()
    return _rec_view(row)


async def list_recommendations(
    actor: Actor, programme_id: int | None = None, status: str = "", society_id: int | None = None
) -> list[dict[str, Any]]:
    query = Recommendation.select(*_rec_columns()).order_by(Recommendation.id, ascending=False)
    if not actor.is_admin:
        if actor.society_id is None or actor.role != "society":
            return []
        query = query.where(Recommendation.society_id == actor.society_id)
    elif society_id is not None:
        query = query.where(Recommendation.society_id == society_id)
    if programme_id is not None:
        query = query.where(Recommendation.programme == programme_id)
    if status:
        query = query.where(Recommendation.status == status)
    return [_rec_view(row) for row in await query]


def _person_headline(data: RecommendationIn) -> list[Reason]:
    if data.name.strip():
        return []
    return [Reason("talent.name", "请填写候选人姓名", "the candidate's name is required", "name")]


async def create_recommendation(actor: Actor, programme_id: int, data: RecommendationIn) -> int:
    require_clean(data)
    _society_id, pilot = await _running_award_pilot(actor, "talent")
    await programme_row(programme_id)
    if problems := _person_headline(data):
        raise InvalidInput(problems)
    async with write_transaction():
        moment = now()
        recommendation = Recommendation(
            programme=programme_id,
            society_id=actor.society_id,
            pilot_project_id=pilot["id"],
            status="draft",
            name=data.name.strip(),
            id_number=normalise(data.id_number)[:18],
            unit=data.unit.strip(),
            body=data.model_dump_json(),
            created_by=actor.user_id,
            created_at=moment,
            updated_at=moment,
        )
        await recommendation.save()
        await audit(actor, "talent.created", "recommendation", recommendation.id, {"name": data.name}, actor.society_id)
    return int(recommendation.id)


async def update_recommendation(actor: Actor, recommendation_id: int, data: RecommendationIn) -> None:
    require_clean(data)
    current = await get_recommendation(actor, recommendation_id)
    if current["status"] not in TALENT_EDITABLE:
        raise Conflict(
            Reason("talent.locked", "已提交的推荐材料不能修改", "a submitted recommendation cannot be changed")
        )
    if problems := _person_headline(data):
        raise InvalidInput(problems)
    async with write_transaction():
        done = (
            await Recommendation.update(
                {
                    Recommendation.name: data.name.strip(),
                    Recommendation.id_number: normalise(data.id_number)[:18],
                    Recommendation.unit: data.unit.strip(),
                    Recommendation.body: data.model_dump_json(),
                    Recommendation.updated_at: now(),
                }
            )
            .where((Recommendation.id == recommendation_id) & Recommendation.status.is_in(list(TALENT_EDITABLE)))
            .returning(Recommendation.id)
        )
        if not done:
            raise _talent_changed()
        await audit(actor, "talent.updated", "recommendation", recommendation_id, {}, current["society_id"])


async def add_material(actor: Actor, recommendation_id: int, material: str, filename: str, content: bytes) -> None:
    """Upload (or replace) one required material of an editable recommendation."""
    current = await get_recommendation(actor, recommendation_id)
    if current["status"] not in TALENT_EDITABLE:
        raise Conflict(
            Reason("talent.locked", "已提交的推荐材料不能修改", "a submitted recommendation cannot be changed")
        )
    cfg = await programme_config(current["programme"])
    if material not in cfg.materials:
        raise InvalidInput(
            Reason("talent.material", "本项目不需要该材料", "this programme does not ask for that material", material)
        )
    if not content or len(content) > MAX_MATERIAL_BYTES:
        raise InvalidInput(
            Reason(
                "talent.material_size",
                "材料文件为空或超过20MB",
                "the file is empty or larger than 20 MB",
                f"materials.{material}",
            )
        )
    async with write_transaction():
        await RecommendationFile.delete().where(
            (RecommendationFile.recommendation == recommendation_id) & (RecommendationFile.material == material)
        )
        await RecommendationFile.insert(
            RecommendationFile(
                recommendation=recommendation_id,
                material=material,
                filename=filename[:200],
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                content=content,
                uploaded_by=actor.user_id,
                uploaded_at=now(),
            )
        )
        await audit(
            actor, "talent.material", "recommendation", recommendation_id, {"material": material}, current["society_id"]
        )


async def recommendation_materials(actor: Actor, recommendation_id: int) -> list[dict[str, Any]]:
    await get_recommendation(actor, recommendation_id)
    return await RecommendationFile.select(
        RecommendationFile.material, RecommendationFile.filename, RecommendationFile.size, RecommendationFile.sha256
    ).where(RecommendationFile.recommendation == recommendation_id)


def _talent_person(data: RecommendationIn, materials: frozenset[str]) -> TalentPerson:
    academy = data.academy if data.academy in {a.value for a in Academy} else None
    categories = None
    if data.categories is not None:
        categories = frozenset(ExclusionCategory(c) for c in data.categories if c in CATEGORY_LABELS)
    return TalentPerson(
        name=data.name or None,
        id_number=data.id_number or None,
        sex="male" if data.sex == "male" else "female" if data.sex == "female" else None,
        birth_date=data.birth_date,
        materials=materials,
        academy=Academy(academy) if academy else None,
        academician_nominators=data.academician_nominators,
        same_division_nominators=data.same_division_nominators,
        unit=data.unit or None,
        categories=categories,
    )


async def _talent_context(
    programme_id: int, cfg: Programme, society_id: int, data: RecommendationIn, own_id: int | None, window: bool
) -> tuple[Programme, TalentContext]:
    """The programme as it applies to this society (its own quota) and what the rules need to
    know about everyone else, read narrowly: only this person and this unit."""
    number = normalise(data.id_number) or "-"
    live = (
        (Recommendation.programme == programme_id)
        & Recommendation.submitted_at.is_not_null()
        & Recommendation.status.is_in(list(TALENT_LIVE))
        & (Recommendation.id != (own_id or -1))
    )
    quota, society_used, same_person, same_unit, winners, earlier = await asyncio.gather(
        TalentQuota.select(TalentQuota.quota)
        .where((TalentQuota.programme == programme_id) & (TalentQuota.society_id == society_id))
        .first(),
        Recommendation.count().where(live & (Recommendation.society_id == society_id)),
        Recommendation.select(Recommendation.id_number).where(live & (Recommendation.id_number == number)),
        Recommendation.count().where(live & (Recommendation.unit == data.unit.strip())),
        AwardRecord.select(AwardRecord.id_number).where(
            (AwardRecord.id_number == number) & (AwardRecord.category == cfg.kind.value)
        ),
        Recommendation.select(Recommendation.id_number).where(
            (Recommendation.id_number == number)
            & (Recommendation.programme.kind == cfg.kind.value)
            & (Recommendation.programme.edition_year < cfg.edition_year)
            & Recommendation.submitted_at.is_not_null()
        ),
    )
    applied = dataclasses.replace(cfg, quota_per_society=int(quota["quota"]) if quota else 0)
    context = TalentContext(
        today=today() if window else None,
        society_used=int(society_used),
        other_recommendations=frozenset(r["id_number"] for r in same_person),
        earlier_winners=frozenset(r["id_number"] for r in winners),
        earlier_nominees=frozenset(r["id_number"] for r in earlier),
        unit_used={data.unit.strip(): int(same_unit)} if data.unit.strip() else {},
    )
    return applied, context


async def check_recommendation(
    actor: Actor,
    programme_id: int,
    data: RecommendationIn,
    recommendation_id: int | None = None,
    *,
    draft: bool = True,
    chosen: frozenset[str] = frozenset(),
) -> list[Reason]:
    """Every failing rule for what the form says now (live while it is edited); `chosen` are
    materials picked in the form but not uploaded yet."""
    society_id = actor.society_id
    materials: frozenset[str] = chosen
    window = True
    if recommendation_id is not None:
        current = await get_recommendation(actor, recommendation_id)
        society_id, programme_id = current["society_id"], current["programme"]
        window = current["status"] == "draft"
        materials |= frozenset(m["material"] for m in await recommendation_materials(actor, recommendation_id))
    if society_id is None:
        raise Forbidden(
            Reason("talent.society_only", "只有学会填报人可以推荐人选", "only society nominators recommend people")
        )
    cfg = await programme_config(programme_id)
    applied, context = await _talent_context(programme_id, cfg, society_id, data, recommendation_id, window)
    reasons = check_person(_talent_person(data, materials), applied, context, draft=draft)
    if not data.integrity_statement:
        reasons.append(
            Reason(
                INCOMPLETE if draft else REQUIRED,
                "尚未签署诚信承诺",
                "the integrity statement is not signed",
                "integrity_statement",
            )
        )
    return reasons


def _unique_violation(error: Exception) -> bool:
    text = f"{type(error).__name__} {error}".lower()
    return "unique" in text or "integrity" in text


async def submit_recommendation(actor: Actor, recommendation_id: int, idempotency_key: str = "") -> str:
    """Submit (or resubmit after correction): every rule must pass; a first submission takes a
    slot of the society's quota atomically. The same idempotency key twice changes nothing and
    gets the first request's answer, also when both arrive at once."""
    key = idempotency_key.strip()[:64] or None
    try:
        return await _submit_recommendation(actor, recommendation_id, key)
    except Exception as error:
        return await _settle_repeat(Recommendation, recommendation_id, key, error, "recommendation")


async def _submit_recommendation(actor: Actor, recommendation_id: int, key: str | None) -> str:
    if key is not None:
        before = (
            await Recommendation.select(Recommendation.id, Recommendation.status)
            .where(Recommendation.idempotency_key == key)
            .first()
        )
        if before is not None:
            if before["id"] != recommendation_id:
                raise Conflict(
                    Reason(
                        "idempotency.reused",
                        "该提交编号已用于其他推荐",
                        "this idempotency key was used for another recommendation",
                    )
                )
            return str(before["status"])
    current = await get_recommendation(actor, recommendation_id)
    if current["status"] not in TALENT_EDITABLE:
        raise Conflict(Reason("talent.not_editable", "该推荐已提交", "this recommendation has been submitted already"))
    if current["status"] == "returned" and current["correction_deadline"] and today() > current["correction_deadline"]:
        raise Conflict(
            Reason("talent.correction_late", "已超过修改期限，不能再次提交", "the correction deadline has passed")
        )
    data: RecommendationIn = current["body"]
    if problems := await check_recommendation(actor, current["programme"], data, recommendation_id, draft=False):
        raise InvalidInput(problems)
    materials = await recommendation_materials(actor, recommendation_id)
    snapshot = {
        "submitted_at": now().isoformat(),
        **data.model_dump(mode="json"),
        "materials": [{k: m[k] for k in ("material", "filename", "size", "sha256")} for m in materials],
    }
    try:
        async with write_transaction():
            quota_id = current["quota"]
            if quota_id is None:
                row = (
                    await TalentQuota.select(TalentQuota.id)
                    .where(
                        (TalentQuota.programme == current["programme"])
                        & (TalentQuota.society_id == current["society_id"])
                    )
                    .first()
                )
                if row is None or not await take_slot("xh_talent_quota", row["id"]):
                    raise Conflict(
                        Reason(
                            "talent.quota_exhausted",
                            "本学会本项目推荐名额已用完",
                            "your society's quota for this programme is used up",
                        )
                    )
                quota_id = row["id"]
            done = (
                await Recommendation.update(
                    {
                        Recommendation.status: "submitted",
                        Recommendation.quota: quota_id,
                        Recommendation.snapshot: json.dumps(snapshot, ensure_ascii=False),
                        Recommendation.idempotency_key: key,
                        Recommendation.submitted_at: now(),
                        Recommendation.updated_at: now(),
                    }
                )
                .where((Recommendation.id == recommendation_id) & (Recommendation.status == current["status"]))
                .returning(Recommendation.id)
            )
            if not done:
                raise _talent_changed()
            await audit(actor, "talent.submitted", "recommendation", recommendation_id, {}, current["society_id"])
    except DomainError:
        raise
    except Exception as error:
        if _unique_violation(error):  # the same person submitted at the same moment by someone else
            raise Conflict(
                Reason(
                    "talent.duplicate_recommendation",
                    "此人本届已被推荐，每人每届只能推荐一次",
                    "this person is already recommended in this edition; one recommendation per person per edition",
                    "id_number",
                )
            ) from error
        raise
    return "submitted"


async def recommendation_snapshot(actor: Actor, recommendation_id: int) -> dict[str, Any]:
    await get_recommendation(actor, recommendation_id)
    row = await Recommendation.select(Recommendation.snapshot).where(Recommendation.id == recommendation_id).first()
    return dict(_json(row["snapshot"]) or {}) if row else {}


async def _talent_step(actor: Actor, recommendation_id: int, stage: str, outcome: str, note: str = "") -> None:
    await RecommendationStep.insert(
        RecommendationStep(
            recommendation=recommendation_id,
            stage=stage,
            outcome=outcome,
            note=note,
            decided_by=actor.user_id,
            decided_at=now(),
        )
    )


async def review_recommendation(actor: Actor, recommendation_id: int, decision: str, reasons: str) -> str:
    """Formal review: pass, return for correction (with a deadline), or reject."""
    _admin(actor)
    current = await get_recommendation(actor, recommendation_id)
    if current["status"] != "submitted":
        raise Conflict(Reason("review.state", "只能审查已提交的推荐", "only submitted recommendations are reviewed"))
    if decision not in ("pass", "return", "reject"):
        raise InvalidInput(Reason("review.decision", "请选择审查结论", "choose a decision", "decision"))
    if decision in ("return", "reject") and not reasons.strip():
        raise InvalidInput(
            Reason("review.reasons", "退回或不通过须写明理由", "give the reasons for returning or rejecting", "reasons")
        )
    status = {"pass": "passed", "return": "returned", "reject": "rejected"}[decision]
    values: dict[Any, Any] = {Recommendation.status: status, Recommendation.updated_at: now()}
    if decision == "return":
        values[Recommendation.return_reasons] = reasons.strip()
        values[Recommendation.correction_deadline] = add_working_days(
            WorkingCalendar(), today(), TALENT_CORRECTION_WORKING_DAYS
        )
    async with write_transaction():
        done = (
            await Recommendation.update(values)
            .where((Recommendation.id == recommendation_id) & (Recommendation.status == "submitted"))
            .returning(Recommendation.id)
        )
        if not done:
            raise _talent_changed()
        await _talent_step(actor, recommendation_id, "formal_review", status, reasons.strip())
        await audit(
            actor,
            f"talent.formal_{decision}",
            "recommendation",
            recommendation_id,
            {"reasons": reasons},
            current["society_id"],
        )
    return status


async def recommendation_steps(actor: Actor, recommendation_id: int) -> list[dict[str, Any]]:
    await get_recommendation(actor, recommendation_id)
    return (
        await RecommendationStep.select()
        .where(RecommendationStep.recommendation == recommendation_id)
        .order_by(RecommendationStep.id)
    )


async def ready_for_expert_review(actor: Actor, programme_id: int) -> list[dict[str, Any]]:
    """The boundary to expert remote review (not wired yet: the expert-pool services are being
    written): the recommendations that passed formal review, with the people and units an
    assignment must avoid (the candidate, the candidate's unit, the recommending society)."""
    _admin(actor)
    names = await societies.society_names()
    return [
        {
            "item_id": f"recommendation:{r['id']}",
            "recommendation_id": r["id"],
            "name": r["name"],
            "id_number": r["id_number"],
            "unit": r["unit"],
            "discipline": r["body"].discipline,
            "society": names.get(r["society_id"], ""),
            "people": [r["name"]],
            "units": [u for u in (r["unit"], names.get(r["society_id"], "")) if u],
        }
        for r in await list_recommendations(actor, programme_id=programme_id, status="passed")
    ]


# --- the selection committee's anonymous ballot ---------------------------------------------


def ballot_rule(cfg: Programme) -> BallotRule:
    """The committee-vote stage of the programme as a ballot rule (share of those voting)."""
    for stage in cfg.stages:
        if stage.name == "committee_vote" and stage.approval is not None:
            return BallotRule(threshold=stage.approval, strict=stage.approval_strict, base="voting")
    return BallotRule()


async def record_ballot(
    actor: Actor, programme_id: int, roll: int, present: int, places: int, tallies: dict[int, Tally]
) -> dict[str, Any]:
    """Record one anonymous ballot of the selection committee (counts only, never who voted how)
    over the recommendations that passed formal review (or tied at an earlier ballot); those
    passing the threshold are ranked by votes within `places`. A tie at the boundary is
    reported and those tied stay open for another ballot; nothing is broken silently."""
    _admin(actor)
    cfg = await programme_config(programme_id)
    candidates = {
        r["id"]: r
        for r in await list_recommendations(actor, programme_id=programme_id)
        if r["status"] in ("passed", "tied")
    }
    if not tallies:
        raise InvalidInput(Reason("ballot.empty", "没有可以表决的人选", "there is no one to vote on", "tallies"))
    if unknown := sorted(set(tallies) - set(candidates)):
        raise InvalidInput(
            Reason(
                "ballot.candidate",
                "只能对通过形式审查的人选表决",
                "only recommendations that passed formal review can be voted on",
                f"yes_{unknown[0]}",
            )
        )
    if places < 1:
        raise InvalidInput(Reason("ballot.places", "拟入选名额至少为1", "at least one place must be filled", "places"))
    rule = ballot_rule(cfg)
    outcomes, refusal = tally_ballots({str(k): v for k, v in tallies.items()}, roll, present, rule)
    if refusal is not None:
        raise Conflict(Reason(refusal.code, refusal.zh, refusal.en, "present"))
    bad = [r for o in outcomes for r in o.reasons if r.code == "ballots_exceed_present"]
    if bad:
        raise InvalidInput(bad)
    ranked = rank_within_quota(outcomes, places)
    status_of: dict[str, str] = dict.fromkeys((str(k) for k in tallies), "not_selected")
    status_of.update(dict.fromkeys(ranked.selected, "proposed"))
    status_of.update(dict.fromkeys(ranked.tied_at_boundary, "tied"))
    result = {
        "outcomes": [
            {
                "recommendation_id": int(o.item_id),
                "name": candidates[int(o.item_id)]["name"],
                "yes": o.yes,
                "share": str(o.share),
                "passed": o.passed,
                "status": status_of[o.item_id],
            }
            for o in outcomes
        ],
        "selected": [int(i) for i in ranked.selected],
        "tied": [int(i) for i in ranked.tied_at_boundary],
        "open_places": ranked.open_places,
        "threshold": str(rule.threshold),
        "strict": rule.strict,
    }
    async with write_transaction():
        ballot = Ballot(
            programme=programme_id,
            roll=roll,
            present=present,
            places=places,
            tallies=json.dumps({str(k): dataclasses.asdict(v) for k, v in tallies.items()}),
            result=json.dumps(result, ensure_ascii=False),
            recorded_by=actor.user_id,
            recorded_at=now(),
        )
        await ballot.save()
        for item, status in status_of.items():
            await Recommendation.update(
                {
                    Recommendation.status: status,
                    Recommendation.votes: tallies[int(item)].yes,
                    Recommendation.updated_at: now(),
                }
            ).where(Recommendation.id == int(item))
            await _talent_step(actor, int(item), "committee_vote", status, f"{tallies[int(item)].yes}/{present}")
        await audit(
            actor,
            "talent.ballot",
            "talent_programme",
            programme_id,
            {"ballot": ballot.id, "selected": result["selected"], "tied": result["tied"]},
        )
    return {**result, "id": int(ballot.id)}


async def ballots(programme_id: int) -> list[dict[str, Any]]:
    rows = await Ballot.select().where(Ballot.programme == programme_id).order_by(Ballot.id, ascending=False)
    return [{**r, "result": _json(r["result"]), "tallies": _json(r["tallies"])} for r in rows]


# --- notice of the proposed list, the final list -------------------------------------------


def _talent_entry(view: dict[str, Any], society: str) -> dict[str, Any]:
    body: RecommendationIn = view["body"]
    return {
        "recommendation_id": view["id"],
        "name": view["name"],
        "sex": body.sex,
        "unit": view["unit"],
        "title": body.title,
        "discipline": body.discipline,
        "kind": view["programme.kind"],
        "society": society,
    }


def notice_end(cfg: Programme, starts_on: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the programme's notice starting on `starts_on` (days counted inclusive)."""
    if cfg.notice.day_kind is DayKind.WORKING:
        calendar = WorkingCalendar()
        start = calendar.next_working_day(starts_on)
        return start, add_working_days(calendar, start, cfg.notice.days - 1)
    return starts_on, starts_on + dt.timedelta(days=cfg.notice.days - 1)


async def publish_talent_notice(actor: Actor, programme_id: int, title: str, starts_on: dt.date) -> int:
    """Put the proposed list under public notice for the programme's window (youth award 7
    days, academician 5): the same Notice records and objection form as nominations."""
    _admin(actor)
    cfg = await programme_config(programme_id)
    if not title.strip():
        raise InvalidInput(Reason("notice.title", "请填写公示标题", "give the notice a title", "title"))
    views = await list_recommendations(actor, programme_id=programme_id, status="proposed")
    if not views:
        raise Conflict(
            Reason("notice.empty", "没有拟入选人选可以公示", "there is no proposed candidate to put under notice")
        )
    if any(r["status"] == "tied" for r in await list_recommendations(actor, programme_id=programme_id)):
        raise Conflict(
            Reason(
                "notice.tied",
                "仍有票数相同的人选待推选委员会决定",
                "some candidates are still tied; the committee must decide first",
            )
        )
    names = await societies.society_names()
    entries = [_talent_entry(v, names.get(v["society_id"], "")) for v in views]
    start, ends = notice_end(cfg, starts_on)
    async with write_transaction():
        notice = Notice(
            cycle=None,
            programme=programme_id,
            kind="talent",
            title=title.strip(),
            starts_on=start,
            ends_on=ends,
            entries=json.dumps(entries, ensure_ascii=False),
            published_by=actor.user_id,
            published_at=now(),
        )
        await notice.save()
        await audit(
            actor, "notice.published", "notice", notice.id, {"programme": programme_id, "entries": len(entries)}
        )
    return int(notice.id)


async def finalise_list(actor: Actor, programme_id: int) -> int:
    """After the notice has ended with every objection decided, the proposed become selected and
    enter the register of winners (which bars a second youth award or worker title)."""
    _admin(actor)
    row = await programme_row(programme_id)
    notices = await Notice.select(Notice.id, Notice.ends_on).where(Notice.programme == programme_id)
    if not notices or today() <= max(n["ends_on"] for n in notices):
        raise Conflict(
            Reason(
                "final.notice_open",
                "公示期结束后才能确定最终名单",
                "the final list is fixed only after the notice period",
            )
        )
    pending = await Objection.count().where(
        (Objection.recommendation.programme == programme_id) & Objection.state.is_in(["received", "investigating"])
    )
    if pending:
        raise Conflict(
            Reason(
                "final.objections_pending",
                f"尚有{pending}件异议未处理完毕",
                f"{pending} objections are still being handled",
            )
        )
    proposed = await list_recommendations(actor, programme_id=programme_id, status="proposed")
    async with write_transaction():
        for view in proposed:
            await Recommendation.update({Recommendation.status: "selected", Recommendation.updated_at: now()}).where(
                Recommendation.id == view["id"]
            )
            await _talent_step(actor, view["id"], "final_list", "selected")
            await AwardRecord.delete().where(AwardRecord.nomination_ref == f"recommendation:{view['id']}")
            await AwardRecord.insert(
                AwardRecord(
                    year=row["edition_year"],
                    id_number=view["id_number"],
                    name=view["name"],
                    nomination_ref=f"recommendation:{view['id']}",
                    category=row["kind"],
                    grade="",
                    recorded_at=now(),
                )
            )
        await audit(actor, "talent.final_list", "talent_programme", programme_id, {"selected": len(proposed)})
    return len(proposed)


async def final_list(actor: Actor, programme_id: int) -> list[dict[str, Any]]:
    _admin(actor)
    names = await societies.society_names()
    rows = await list_recommendations(actor, programme_id=programme_id, status="selected")
    return [
        {**_talent_entry(r, names.get(r["society_id"], "")), "votes": r["votes"]}
        for r in sorted(rows, key=lambda r: (-(r["votes"] or 0), r["id"]))
    ]


async def talent_kpis(society_id: int) -> dict[str, int]:
    """The society's recommendations and their outcomes, live from the records."""
    rows = await Recommendation.select(Recommendation.status).where(
        (Recommendation.society_id == society_id) & Recommendation.submitted_at.is_not_null()
    )
    statuses = Counter(r["status"] for r in rows)
    return {
        "submitted": len(rows),
        "passed": sum(statuses[s] for s in ("passed", "tied", "proposed", "not_selected", "selected")),
        "selected": statuses["selected"],
    }


# --- remote review through the expert pool ---------------------------------------------------

REMOTE_REVIEW_FORM = [
    ("innovation", "创新程度", "Innovation", 0.4),
    ("technical_level", "技术水平", "Technical level", 0.3),
    ("benefits", "应用效益", "Application and benefits", 0.3),
]


async def send_to_remote_review(actor: Actor, cycle_id: int, name: str, required: int, max_load: int) -> int:
    """Create an expert-pool review batch from every nomination that passed formal review.

    The pool receives generic items (people, units, society, leadership for conflict
    detection; the material experts read); it never learns what a nomination is.
    """
    _admin(actor)
    from expert_pool import services as pool
    from expert_pool.schemas import BatchIn, CriterionIn, PersonIn, ReviewFormIn, ReviewItemIn

    passed = await list_nominations(actor, cycle_id=cycle_id, status="passed")
    if not passed:
        raise Conflict(Reason("review.nothing", "没有通过形式审查的推荐项目", "no nomination has passed formal review"))
    secretaries = {s["id"]: s["secretary_general"] for s in await societies.list_societies(actor)}
    items = []
    for view in passed:
        body = view["body"]
        material = "\n\n".join(
            part for part in (view["title"], body.summary, body.innovations, body.application_benefits) if part
        )
        leader = secretaries.get(view["society_id"], "")
        items.append(
            ReviewItemIn(
                kind="nomination",
                external_id=str(view["id"]),
                title=view["title"],
                disciplines=[view["discipline_code"] or "000"],
                people=[PersonIn(name=c.name, id_number=c.id_number) for c in body.contributors if c.name],
                units=[u.name for u in body.units if u.name],
                society_id=view["society_id"],
                leaders=[PersonIn(name=leader)] if leader else [],
                category=view["category"],
                grade=view["grade"],
                material=material[:100_000],
            )
        )
    form = ReviewFormIn(
        criteria=[
            CriterionIn(code=code, name_zh=zh, name_en=en, weight=weight) for code, zh, en, weight in REMOTE_REVIEW_FORM
        ]
    )
    batch = BatchIn(
        name=name.strip() or "remote review",
        stage="remote",
        required=required,
        max_load=max_load,
        form=form,
        items=items,
    )
    batch_id = await pool.create_batch(actor, batch)
    async with write_transaction():
        await audit(
            actor, "nomination.sent_to_review", "award_cycle", cycle_id, {"batch": batch_id, "items": len(items)}
        )
    return batch_id


async def remote_review_scores(actor: Actor, nomination_ids: list[int]) -> dict[int, Any]:
    """Aggregated remote-review scores per nomination; never names an expert, so a society
    may see its own nominations' scores."""
    from expert_pool import services as pool

    visible = {row["id"] for row in await list_nominations(actor)}
    wanted = [str(i) for i in nomination_ids if i in visible]
    outcomes = await pool.item_outcomes(None, "nomination", wanted)
    return {int(key): value for key, value in outcomes.items()}
