"""Expert-pool use cases: the registry, conflicts, review batches and their assignment, the expert
portal (respond, review) and results. Services load rows, call `expert_pool.rules`, write in one
transaction with an audit entry, and raise domain errors with bilingual reasons.

Visibility, checked here for every object:

* admins see everything;
* an expert sees only their own assignments whose status is `assigned` or `accepted` and whose
  item has no potential or confirmed conflict with them: a new conflict hides the item at once,
  and a hidden object answers exactly like a missing one (404);
* nobody else reaches an expert-pool object; the results read by other packages
  (`batch_results`, `item_outcomes`) never name an expert.

Service API for other packages (see the module `expert_pool.schemas` for the inputs):

* `create_batch(actor, BatchIn) -> batch_id` - items, k, load, out-of-province share, mode, cap,
  deadline and review form; detects conflicts and records nominee exclusions;
* `check_batch(actor, batch_id) -> list[Reason]` - why the batch cannot be staffed (empty: it can);
* `run_assignment(actor, batch_id, mode=None, seed=None) -> RunOut` - solve and store, or raise
  `AssignmentInfeasible` with every reason and store nothing;
* `batch_results(actor, batch_id) -> list[ItemResultOut]` - raw and normalised means and ranks;
* `item_outcomes(actor, kind, external_ids) -> dict[external_id, ItemResultOut]` - the latest
  result per item of one kind, across batches;
* `create_panel(actor, batch_id, PanelIn) -> meeting_id`, `set_roll(actor, meeting_id, present)`,
  `cast_ballot(expert, meeting_id, item_id, vote)`, `close_panel(actor, meeting_id)` and
  `panel_results(actor, meeting_id) -> list[PanelOutcomeOut]` - a panel meeting with its roll,
  anonymous ballots (counters, never who voted how), quorum and an exact-fraction threshold.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import anyio.to_thread

from accounts import services as accounts
from accounts.rules import Actor
from accounts.services import audit
from accounts.tables import User
from expert_pool import disciplines
from expert_pool.rules import (
    AssignmentInfeasible,
    PoolExpert,
    build_problem,
    min_outside_for_share,
    reassign,
    solve,
)
from expert_pool.rules import (
    ReviewItem as SolverItem,
)
from expert_pool.rules.affinity import Profile, affinity_pairs
from expert_pool.rules.ballots import BallotRule, Tally, decide, quorum_reason
from expert_pool.rules.conflicts import (
    Collaboration,
    DeclaredRelation,
    ExpertRecord,
    ItemParties,
    Person,
    detect_conflicts,
)
from expert_pool.rules.problem import Problem
from expert_pool.rules.scores import (
    Criterion,
    ReviewForm,
    aggregate,
    rank_in_groups,
    validate_form,
    validate_review,
    weighted_total,
)
from expert_pool.rules.scores import Review as ScoredReview
from expert_pool.rules.solver import check_feasible
from expert_pool.rules.solver_random import cap_fraction
from expert_pool.rules.units import normalise_unit
from expert_pool.schemas import (
    BatchIn,
    ExpertIn,
    ItemResultOut,
    PanelIn,
    PanelOutcomeOut,
    ProfileIn,
    RelationIn,
    ReviewFormIn,
    ReviewIn,
    ReviewItemIn,
    RunOut,
)
from expert_pool.tables import (
    BallotReceipt,
    ConflictRecord,
    Expert,
    ExpertRelation,
    PanelMeeting,
    PanelMember,
    PanelTally,
    Reminder,
    Review,
    ReviewAssignment,
    ReviewBatch,
    ReviewItem,
    UnitAlias,
)
from xuehui import idcard
from xuehui.clock import now, today
from xuehui.db import write_transaction
from xuehui.errors import Conflict, Forbidden, InvalidInput, NotFound, Reason
from xuehui.text import line_problems

STATUSES = ("active", "suspended", "retired")
RANKS = ("senior", "associate_senior", "intermediate", "other")
ACTIVE = ("assigned", "accepted")  # assignment statuses that hold a place on an item
BLOCKING = ("potential", "confirmed")  # conflict statuses that bar the expert from the item
MAX_NOMINEE_EXCLUSIONS = 3
COLLABORATION_YEARS = 3
CHUNK = 500


def _admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden(Reason("forbidden", "只有管理员可以执行此操作", "only administrators may do this"))


def _expert_not_found() -> NotFound:
    return NotFound(Reason("expert.not_found", "专家不存在或无权查看", "expert not found or not visible to you"))


def _batch_not_found() -> NotFound:
    return NotFound(
        Reason("batch.not_found", "评审批次不存在或无权查看", "review batch not found or not visible to you")
    )


def _assignment_not_found() -> NotFound:
    return NotFound(
        Reason("assignment.not_found", "评审任务不存在或无权查看", "assignment not found or not visible to you")
    )


def _loads(raw: Any) -> Any:
    return json.loads(raw) if isinstance(raw, str) else raw


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


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


# --- registry ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanExpert:
    values: dict[str, Any]
    problems: list[Reason]


def clean_expert(data: ExpertIn | dict[str, Any]) -> CleanExpert:
    """Validate one registry record (form, API or one Excel row); problems carry field names."""
    raw = data.model_dump() if isinstance(data, ExpertIn) else data
    problems: list[Reason] = []
    name = str(raw.get("name", "")).strip()
    if not name:
        problems.append(Reason("expert.name", "请填写姓名", "the name is required", "name"))
    card = idcard.parse(str(raw.get("id_number", "")), "id_number")
    id_number = ""
    sex = str(raw.get("sex") or "").strip()
    birth_year = raw.get("birth_year")
    if isinstance(card, Reason):
        problems.append(card)
    else:
        id_number = card.number
        if sex and sex != card.sex:
            problems.append(
                Reason("expert.sex", "性别与身份证号码不一致", "the sex does not match the identity number", "sex")
            )
        if birth_year not in (None, "") and int(birth_year) != card.birth_date.year:
            problems.append(
                Reason(
                    "expert.birth_year",
                    "出生年份与身份证号码不一致",
                    "the birth year does not match the identity number",
                    "birth_year",
                )
            )
        sex, birth_year = card.sex, card.birth_date.year
    primary = disciplines.check_code(str(raw.get("primary_discipline", "")), "primary_discipline")
    if isinstance(primary, Reason):
        problems.append(primary)
    secondary: list[str] = []
    for code in raw.get("secondary_disciplines") or []:
        checked = disciplines.check_code(str(code), "secondary_disciplines")
        if isinstance(checked, Reason):
            problems.append(checked)
        elif checked != primary and checked not in secondary:
            secondary.append(checked)
    status = str(raw.get("status") or "active")
    if status not in STATUSES:
        problems.append(Reason("expert.status", "状态应为在库、暂停或退出", "unknown status", "status"))
    rank = str(raw.get("rank") or "")
    if rank and rank not in RANKS:
        problems.append(Reason("expert.rank", "职级无效", "unknown rank", "rank"))
    keywords = [str(k).strip() for k in raw.get("keywords") or [] if str(k).strip()]
    unit = str(raw.get("unit", "")).strip()
    # An Excel row has no schema: the same one-line and length rules as the form, by field.
    problems += line_problems(
        {
            "name": name,
            "title": str(raw.get("title", "")).strip(),
            "unit": unit,
            "phone": str(raw.get("phone", "")).strip(),
            "email": str(raw.get("email", "")).strip(),
            **{f"keywords.{i}": k for i, k in enumerate(keywords)},
        },
        max_length=200,
    )
    values = {
        "name": name,
        "sex": sex,
        "birth_year": birth_year,
        "id_number": id_number,
        "title": str(raw.get("title", "")).strip(),
        "rank": rank,
        "unit": unit,
        "in_province": bool(raw.get("in_province", True)),
        "primary_discipline": primary if isinstance(primary, str) else "",
        "secondary_disciplines": secondary,
        "keywords": list(dict.fromkeys(keywords)),
        "phone": str(raw.get("phone", "")).strip(),
        "email": str(raw.get("email", "")).strip(),
        "status": status,
    }
    return CleanExpert(values, problems)


async def unit_aliases() -> dict[str, str]:
    return {row["child"]: row["parent"] for row in await UnitAlias.select(UnitAlias.child, UnitAlias.parent)}


def _stored(values: dict[str, Any], aliases: dict[str, str]) -> dict[str, Any]:
    return {
        **values,
        "unit_normalised": normalise_unit(values["unit"], aliases) if values["unit"] else "",
        "secondary_disciplines": _dumps(values["secondary_disciplines"]),
        "keywords": _dumps(values["keywords"]),
    }


async def _account_for(actor: Actor, data: ExpertIn, display_name: str) -> int | None:
    """Link an existing expert account, or create one when a password is given."""
    username = data.username.strip()
    if not username:
        return None
    user = await User.select(User.id, User.role).where(User.username == username).first()
    if user is None:
        if not data.password:
            raise InvalidInput(
                Reason(
                    "expert.account_password",
                    "新建专家账号须设置初始密码",
                    "give an initial password to create the expert's account",
                    "password",
                )
            )
        return await accounts.create_user(
            actor, username=username, display_name=display_name, role="expert", password=data.password
        )
    if user["role"] != "expert":
        raise InvalidInput(
            Reason("expert.account_role", "该账号不是评审专家账号", "this account is not an expert account", "username")
        )
    if await Expert.exists().where(Expert.user == user["id"]):
        raise Conflict(
            Reason("expert.account_taken", "该账号已关联其他专家", "this account belongs to another expert", "username")
        )
    return int(user["id"])


async def register_expert(actor: Actor, data: ExpertIn) -> int:
    _admin(actor)
    clean = clean_expert(data)
    if clean.problems:
        raise InvalidInput(clean.problems)
    if await Expert.exists().where(Expert.id_number == clean.values["id_number"]):
        raise Conflict(
            Reason(
                "expert.exists", "该身份证号码的专家已在库中", "an expert with this identity number exists", "id_number"
            )
        )
    user_id = await _account_for(actor, data, clean.values["name"])
    aliases = await unit_aliases()
    async with write_transaction():
        moment = now()
        expert = Expert(**_stored(clean.values, aliases), user=user_id, created_at=moment, updated_at=moment)
        await expert.save()
        await audit(actor, "expert.registered", "expert", expert.id, {"name": clean.values["name"], "user": user_id})
    return int(expert.id)


async def update_expert(actor: Actor, expert_id: int, data: ExpertIn) -> None:
    _admin(actor)
    before = await Expert.select().where(Expert.id == expert_id).first()
    if before is None:
        raise _expert_not_found()
    clean = clean_expert(data)
    if clean.problems:
        raise InvalidInput(clean.problems)
    if clean.values["id_number"] != before["id_number"] and await Expert.exists().where(
        Expert.id_number == clean.values["id_number"]
    ):
        raise Conflict(
            Reason(
                "expert.exists", "该身份证号码的专家已在库中", "an expert with this identity number exists", "id_number"
            )
        )
    user_id = before["user"]
    if user_id is None and data.username.strip():
        user_id = await _account_for(actor, data, clean.values["name"])
    stored = _stored(clean.values, await unit_aliases())
    async with write_transaction():
        await Expert.update(
            {**{getattr(Expert, k): v for k, v in stored.items()}, Expert.user: user_id, Expert.updated_at: now()}
        ).where(Expert.id == expert_id)
        changes = {k: [before[k], v] for k, v in stored.items() if before[k] != v}
        await audit(actor, "expert.updated", "expert", expert_id, changes)


def expert_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: v for k, v in row.items() if not k.startswith("user.")},
        "user_id": row["user"],
        "username": row.get("user.username") or "",
        "secondary_disciplines": _loads(row["secondary_disciplines"]),
        "keywords": _loads(row["keywords"]),
    }


def _expert_columns() -> list[Any]:
    return [*Expert.all_columns(), Expert.user.username]


async def list_experts(actor: Actor, status: str = "", discipline: str = "", q: str = "") -> list[dict[str, Any]]:
    _admin(actor)
    query = Expert.select(*_expert_columns()).order_by(Expert.id)
    if status:
        query = query.where(Expert.status == status)
    if discipline:
        query = query.where(Expert.primary_discipline.like(f"{discipline}%"))
    if q:
        query = query.where(Expert.name.like(f"%{q}%") | Expert.unit.like(f"%{q}%"))
    return [expert_view(row) for row in await query]


async def get_expert(actor: Actor, expert_id: int) -> dict[str, Any]:
    row = await Expert.select(*_expert_columns()).where(Expert.id == expert_id).first()
    if row is None or not (actor.is_admin or (actor.role == "expert" and row["user"] == actor.user_id)):
        raise _expert_not_found()
    return expert_view(row)


async def my_expert(actor: Actor) -> dict[str, Any]:
    """The registry record of the signed-in expert."""
    row = await Expert.select(*_expert_columns()).where(Expert.user == actor.user_id).first()
    if row is None or actor.role != "expert":
        raise NotFound(
            Reason(
                "expert.no_record",
                "您的账号尚未关联专家库记录，请联系省科协",
                "your account is not linked to an expert record yet; contact the association",
            )
        )
    return expert_view(row)


async def update_profile(actor: Actor, data: ProfileIn) -> None:
    me = await my_expert(actor)
    merged = {**me, **data.model_dump(), "status": me["status"], "sex": me["sex"], "birth_year": me["birth_year"]}
    clean = clean_expert(merged)
    if clean.problems:
        raise InvalidInput(clean.problems)
    stored = _stored(clean.values, await unit_aliases())
    async with write_transaction():
        await Expert.update({**{getattr(Expert, k): v for k, v in stored.items()}, Expert.updated_at: now()}).where(
            Expert.id == me["id"]
        )
        await audit(actor, "expert.profile_updated", "expert", me["id"], data.model_dump())
    await detect_for_expert(me["id"])


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
    if data.relation == "collaborator" and data.ended_on is None and data.started_on is None:
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
        await audit(actor, "expert.relation_declared", "expert", me["id"], {"relation": data.relation})
    await detect_for_expert(me["id"])
    return int(relation.id)


async def list_relations(actor: Actor, expert_id: int) -> list[dict[str, Any]]:
    await get_expert(actor, expert_id)
    return await ExpertRelation.select().where(ExpertRelation.expert == expert_id).order_by(ExpertRelation.id)


async def add_unit_alias(actor: Actor, child: str, parent: str) -> None:
    _admin(actor)
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
        await audit(actor, "expert.unit_alias_added", "unit_alias", child.strip(), {"parent": parent.strip()})


async def list_unit_aliases(actor: Actor) -> list[dict[str, Any]]:
    _admin(actor)
    return await UnitAlias.select().order_by(UnitAlias.child)


async def save_imported(actor: Actor, rows: Sequence[dict[str, Any]], usernames: Sequence[str]) -> tuple[int, int]:
    """Commit validated import rows in one transaction: new identity numbers are added, known ones
    updated. Returns (added, updated)."""
    _admin(actor)
    aliases = await unit_aliases()
    existing = {r["id_number"]: r["id"] for r in await Expert.select(Expert.id, Expert.id_number)}
    users = {
        r["username"]: r["id"]
        for r in await User.select(User.id, User.username).where(
            (User.role == "expert") & User.username.is_in(list({u for u in usernames if u}) or [""])
        )
    }
    added = updated = 0
    async with write_transaction():
        moment = now()
        new_rows = []
        for values, username in zip(rows, usernames, strict=True):
            stored = _stored(values, aliases)
            if values["id_number"] in existing:
                changes: dict[Any, Any] = {getattr(Expert, k): v for k, v in stored.items()}
                if username:
                    changes[Expert.user] = users[username]
                await Expert.update({**changes, Expert.updated_at: moment}).where(
                    Expert.id == existing[values["id_number"]]
                )
                updated += 1
            else:
                new_rows.append(
                    Expert(
                        **stored, user=users.get(username) if username else None, created_at=moment, updated_at=moment
                    )
                )
                added += 1
        for start in range(0, len(new_rows), CHUNK):
            await Expert.insert(*new_rows[start : start + CHUNK])
        await audit(actor, "expert.imported", "expert", "", {"added": added, "updated": updated})
    return added, updated


# --- credibility ---------------------------------------------------------------------------


async def credibility(actor: Actor, expert_id: int) -> dict[str, Any]:
    """An expert's record: assignments, declines, on-time submissions, undeclared conflicts found."""
    _admin(actor)
    await get_expert(actor, expert_id)
    rows = await ReviewAssignment.select(
        ReviewAssignment.id,
        ReviewAssignment.status,
        ReviewAssignment.item.batch.deadline,  # type: ignore[union-attr]  # two-level join
    ).where(ReviewAssignment.expert == expert_id)
    reviews = {
        r["assignment"]: r
        for r in await Review.select(Review.assignment, Review.status, Review.submitted_at).where(
            Review.assignment.is_in([r["id"] for r in rows] or [0])
        )
    }
    submitted = on_time = 0
    for row in rows:
        review = reviews.get(row["id"])
        if review and review["status"] == "submitted":
            submitted += 1
            deadline = row["item.batch.deadline"]
            if deadline is None or review["submitted_at"].date() <= deadline:
                on_time += 1
    undeclared = await ConflictRecord.count().where(
        (ConflictRecord.expert == expert_id)
        & (ConflictRecord.status == "confirmed")
        & (ConflictRecord.source != "expert")
        & ConflictRecord.item.is_in(
            ReviewAssignment.select(ReviewAssignment.item).where(ReviewAssignment.expert == expert_id)
        )
    )
    return {
        "assignments": len(rows),
        "declined": sum(1 for r in rows if r["status"] == "declined"),
        "declared_conflicts": sum(1 for r in rows if r["status"] == "conflict"),
        "submitted": submitted,
        "on_time": on_time,
        "on_time_rate": Fraction(on_time, submitted) if submitted else None,
        "undeclared_conflicts": undeclared,
    }


# --- conflicts -----------------------------------------------------------------------------


def _people(raw: Any) -> tuple[Person, ...]:
    return tuple(Person(p["name"], p.get("id_number") or None) for p in _loads(raw) or [])


def _name_key(name: str) -> str:
    return "".join(name.split()).casefold()


async def _expert_records(expert_ids: Iterable[int] | None = None) -> dict[int, ExpertRecord]:
    """Experts as the conflict rules see them, with their dated collaborations (declared, and
    co-contributions found in the review items on record)."""
    query = Expert.select(Expert.id, Expert.name, Expert.id_number, Expert.unit)
    relation_query = ExpertRelation.select()
    if expert_ids is not None:
        wanted = list(expert_ids) or [0]
        query = query.where(Expert.id.is_in(wanted))
        relation_query = relation_query.where(ExpertRelation.expert.is_in(wanted))
    experts = await query
    collaborations: dict[int, list[Collaboration]] = defaultdict(list)
    for rel in await relation_query:
        if rel["relation"] == "collaborator":
            on = rel["ended_on"] or rel["started_on"]
            partner = Person(rel["person_name"], rel["person_id_number"] or None)
            collaborations[rel["expert"]].append(Collaboration(partner, on, rel["note"] or "collaboration"))
    by_id_number = {e["id_number"]: e["id"] for e in experts}
    for item in await ReviewItem.select(ReviewItem.people, ReviewItem.created_at, ReviewItem.title):
        people = _people(item["people"])
        hits = [by_id_number[p.id_number] for p in people if p.id_number and p.id_number in by_id_number]
        for expert_id in hits:
            for partner in people:
                if partner.id_number not in by_id_number or by_id_number[partner.id_number] != expert_id:
                    collaborations[expert_id].append(
                        Collaboration(partner, item["created_at"].date(), f"co-contributors: {item['title']}")
                    )
    return {
        e["id"]: ExpertRecord(
            id=str(e["id"]),
            person=Person(e["name"], e["id_number"]),
            unit=e["unit"] or None,
            collaborations=tuple(collaborations.get(e["id"], ())),
        )
        for e in experts
    }


async def _declared_relations(expert_ids: Iterable[int] | None) -> list[dict[str, Any]]:
    query = ExpertRelation.select().where(ExpertRelation.relation != "collaborator")
    if expert_ids is not None:
        query = query.where(ExpertRelation.expert.is_in(list(expert_ids) or [0]))
    return await query


def _item_parties(item: dict[str, Any], relations: list[dict[str, Any]]) -> ItemParties:
    people = _people(item["people"])
    names = {_name_key(p.name) for p in people}
    numbers = {idcard.normalise(p.id_number) for p in people if p.id_number}
    declared = tuple(
        DeclaredRelation(str(r["expert"]), r["relation"], r["person_name"])
        for r in relations
        if (r["person_id_number"] and r["person_id_number"] in numbers)
        or (not r["person_id_number"] and _name_key(r["person_name"]) in names)
    )
    return ItemParties(
        item_id=str(item["id"]),
        people=people,
        units=tuple(_loads(item["units"]) or ()),
        nominator_leaders=_people(item["leaders"]),
        declared=declared,
    )


def _suspects(parties: ItemParties, index: dict[str, set[int]], aliases: dict[str, str]) -> set[int]:
    """Experts that could conflict with the item, through an index instead of all experts."""
    found: set[int] = set()
    for person in (*parties.people, *parties.nominator_leaders):
        found |= index.get("N:" + _name_key(person.name), set())
        if person.id_number:
            found |= index.get("I:" + idcard.normalise(person.id_number), set())
    for unit in parties.units:
        found |= index.get("U:" + normalise_unit(unit, aliases), set())
    found |= {int(d.expert_id) for d in parties.declared}
    for person in parties.people:
        found |= index.get("C:" + _name_key(person.name), set())
    return found


def _conflict_index(records: dict[int, ExpertRecord], aliases: dict[str, str]) -> dict[str, set[int]]:
    index: dict[str, set[int]] = defaultdict(set)
    for expert_id, record in records.items():
        index["N:" + _name_key(record.person.name)].add(expert_id)
        if record.person.id_number:
            index["I:" + record.person.id_number].add(expert_id)
        if record.unit:
            index["U:" + normalise_unit(record.unit, aliases)].add(expert_id)
        for work in record.collaborations:
            index["C:" + _name_key(work.partner.name)].add(expert_id)
    return index


async def _detect(items: list[dict[str, Any]], expert_ids: Iterable[int] | None = None) -> int:
    """Record every newly found potential conflict (auto-detected) for `items`; returns how many."""
    if not items:
        return 0
    ids = list(expert_ids) if expert_ids is not None else None
    records = await _expert_records(ids)
    relations = await _declared_relations(ids)
    aliases = await unit_aliases()
    index = _conflict_index(records, aliases)
    society_leaders = await _society_leaders({i["society_id"] for i in items if i["society_id"]})
    found = []
    for item in items:
        parties = _item_parties(item, relations)
        leader = society_leaders.get(item["society_id"])
        if leader:
            parties = ItemParties(
                parties.item_id, parties.people, parties.units, (*parties.nominator_leaders, leader), parties.declared
            )
        suspects = [records[i] for i in sorted(_suspects(parties, index, aliases)) if i in records]
        found += detect_conflicts(
            parties, suspects, today=today(), collaboration_years=COLLABORATION_YEARS, aliases=aliases
        )
    if not found:
        return 0
    item_ids = sorted({int(c.item_id) for c in found})
    known = {
        (r["item"], r["expert"], r["type"])
        for r in await ConflictRecord.select(ConflictRecord.item, ConflictRecord.expert, ConflictRecord.type).where(
            ConflictRecord.item.is_in(item_ids)
        )
    }
    moment = now()
    fresh: dict[tuple[int, int, str], ConflictRecord] = {}
    for c in found:
        key = (int(c.item_id), int(c.expert_id), c.type.value)
        if key not in known and key not in fresh:
            fresh[key] = ConflictRecord(
                item=key[0],
                expert=key[1],
                type=key[2],
                source="auto",
                status="potential",
                evidence=c.evidence_zh,
                found_at=moment,
            )
    rows = list(fresh.values())
    async with write_transaction():
        for start in range(0, len(rows), CHUNK):
            await ConflictRecord.insert(*rows[start : start + CHUNK])
        if rows:
            await audit(
                None, "conflict.detected", "review_item", item_ids[0], {"count": len(rows), "items": item_ids[:50]}
            )
    return len(rows)


async def _society_leaders(society_ids: set[int]) -> dict[int, Person]:
    """The nominating society's secretary-general, a leader for the conflict rules."""
    if not society_ids:
        return {}
    from societies.tables import Society

    rows = await Society.select(Society.id, Society.secretary_general).where(Society.id.is_in(sorted(society_ids)))
    return {r["id"]: Person(r["secretary_general"]) for r in rows if r["secretary_general"]}


def _open_item_query() -> Any:
    return ReviewItem.select().where(ReviewItem.batch.status != "closed")


async def detect_for_expert(expert_id: int) -> int:
    """Re-check the open batches' items for one expert (after a profile change or a new relation)."""
    return await _detect(await _open_item_query(), [expert_id])


async def list_conflicts(actor: Actor, status: str = "potential", batch_id: int | None = None) -> list[dict[str, Any]]:
    _admin(actor)
    query = ConflictRecord.select(
        *ConflictRecord.all_columns(), ConflictRecord.item.title, ConflictRecord.item.batch, ConflictRecord.expert.name
    ).order_by(ConflictRecord.id)
    if status:
        query = query.where(ConflictRecord.status == status)
    if batch_id is not None:
        query = query.where(ConflictRecord.item.batch == batch_id)
    return [
        {
            **row,
            "item_id": row["item"],
            "expert_id": row["expert"],
            "item_title": row["item.title"],
            "batch_id": row["item.batch"],
            "expert_name": row["expert.name"],
        }
        for row in await query
    ]


async def decide_conflicts(actor: Actor, ids: Sequence[int], decision: str) -> int:
    """Confirm or dismiss potential conflicts in bulk; a confirmed one withdraws the expert's
    assignment on that item and replaces them. Returns the number decided."""
    _admin(actor)
    status = {"confirm": "confirmed", "dismiss": "dismissed"}.get(decision)
    if status is None:
        raise InvalidInput(Reason("conflict.decision", "请选择确认或排除", "choose confirm or dismiss", "decision"))
    async with write_transaction():
        done = await (
            ConflictRecord.update(
                {
                    ConflictRecord.status: status,
                    ConflictRecord.decided_by: actor.user_id,
                    ConflictRecord.decided_at: now(),
                }
            )
            .where(ConflictRecord.id.is_in(list(ids)) & (ConflictRecord.status == "potential"))
            .returning(ConflictRecord.id, ConflictRecord.item, ConflictRecord.expert)
        )
        for row in done:
            await audit(
                actor, f"conflict.{status}", "conflict", row["id"], {"item": row["item"], "expert": row["expert"]}
            )
    if status == "confirmed":
        for row in done:
            await _withdraw_for_conflict(actor, row["item"], row["expert"])
    return len(done)


async def pin_conflict(actor: Actor, item_id: int, expert_id: int, evidence: str) -> int:
    """An admin records a conflict directly (confirmed, source admin)."""
    _admin(actor)
    if not await ReviewItem.exists().where(ReviewItem.id == item_id) or not await Expert.exists().where(
        Expert.id == expert_id
    ):
        raise NotFound(Reason("conflict.target", "评审项目或专家不存在", "item or expert not found"))
    record_id = await _record_conflict(actor, item_id, expert_id, "admin_pinned", "admin", evidence)
    await _withdraw_for_conflict(actor, item_id, expert_id)
    return record_id


async def _record_conflict(
    actor: Actor | None, item_id: int, expert_id: int, kind: str, source: str, evidence: str
) -> int:
    async with write_transaction():
        existing = (
            await ConflictRecord.select(ConflictRecord.id)
            .where(
                (ConflictRecord.item == item_id) & (ConflictRecord.expert == expert_id) & (ConflictRecord.type == kind)
            )
            .first()
        )
        if existing:
            await ConflictRecord.update({ConflictRecord.status: "confirmed", ConflictRecord.evidence: evidence}).where(
                ConflictRecord.id == existing["id"]
            )
            record_id = int(existing["id"])
        else:
            record = ConflictRecord(
                item=item_id,
                expert=expert_id,
                type=kind,
                source=source,
                status="confirmed",
                evidence=evidence,
                found_at=now(),
                decided_by=actor.user_id if actor else None,
                decided_at=now(),
            )
            await record.save()
            record_id = int(record.id)
        await audit(actor, f"conflict.{source}_declared", "conflict", record_id, {"item": item_id, "expert": expert_id})
    return record_id


async def _withdraw_for_conflict(actor: Actor, item_id: int, expert_id: int) -> None:
    row = (
        await ReviewAssignment.select()
        .where(
            (ReviewAssignment.item == item_id)
            & (ReviewAssignment.expert == expert_id)
            & ReviewAssignment.status.is_in(list(ACTIVE))
        )
        .first()
    )
    if row is not None:
        await _withdraw_and_replace(actor, row, "conflict", "conflict confirmed")


# --- batches -------------------------------------------------------------------------------


def review_form(raw: Any) -> ReviewForm:
    data = _loads(raw) or {}
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


def _form_problems(form: ReviewFormIn) -> list[Reason]:
    rules_form = review_form(form.model_dump())
    return [Reason(r.code, r.zh, r.en, "form") for r in validate_form(rules_form)]


def _item_problems(items: Sequence[ReviewItemIn], offset: int = 0) -> list[Reason]:
    problems = []
    seen: set[tuple[str, str]] = set()
    for n, item in enumerate(items, start=offset + 1):
        key = (item.kind, item.external_id)
        if key in seen:
            problems.append(
                Reason(
                    "item.duplicate",
                    f"第{n}项重复：{item.external_id}",
                    f"item {n} repeats {item.external_id}",
                    "items",
                )
            )
        seen.add(key)
        for code in item.disciplines:
            checked = disciplines.check_code(code, "disciplines")
            if isinstance(checked, Reason):
                problems.append(
                    Reason(checked.code, f"第{n}项：{checked.zh}", f"item {n}: {checked.en}", "disciplines")
                )
        if len(set(item.excluded_expert_ids)) > MAX_NOMINEE_EXCLUSIONS:
            problems.append(
                Reason(
                    "item.too_many_exclusions",
                    f"第{n}项申请回避的专家超过{MAX_NOMINEE_EXCLUSIONS}名",
                    f"item {n} excludes more than {MAX_NOMINEE_EXCLUSIONS} experts",
                    "excluded_expert_ids",
                )
            )
        for person in item.people:
            if person.id_number and isinstance(idcard.parse(person.id_number), Reason):
                problems.append(
                    Reason(
                        "item.id_number",
                        f"第{n}项：{person.name} 的身份证号码无效",
                        f"item {n}: the identity number of {person.name} is invalid",
                        "people",
                    )
                )
    return problems


def _item_row(batch_id: int, item: ReviewItemIn, moment: dt.datetime) -> ReviewItem:
    return ReviewItem(
        batch=batch_id,
        kind=item.kind.strip(),
        external_id=item.external_id.strip(),
        title=item.title.strip(),
        disciplines=_dumps([disciplines.normalise_code(c) for c in item.disciplines]),
        keywords=_dumps([k.strip() for k in item.keywords if k.strip()]),
        people=_dumps([{"name": p.name.strip(), "id_number": idcard.normalise(p.id_number)} for p in item.people]),
        units=_dumps([u.strip() for u in item.units if u.strip()]),
        society_id=item.society_id,
        leaders=_dumps([{"name": p.name.strip(), "id_number": idcard.normalise(p.id_number)} for p in item.leaders]),
        category=item.category.strip(),
        grade=item.grade.strip(),
        material=item.material,
        links=_dumps(item.links),
        created_at=moment,
    )


async def _store_items(actor: Actor, batch_id: int, items: Sequence[ReviewItemIn]) -> list[int]:
    excluded = {e for item in items for e in item.excluded_expert_ids}
    if excluded:
        known = {r["id"] for r in await Expert.select(Expert.id).where(Expert.id.is_in(sorted(excluded)))}
        if missing := sorted(excluded - known):
            raise InvalidInput(
                Reason(
                    "item.excluded_unknown",
                    f"申请回避的专家不存在：{missing}",
                    f"unknown experts excluded: {missing}",
                    "excluded_expert_ids",
                )
            )
    moment = now()
    rows = [_item_row(batch_id, item, moment) for item in items]
    async with write_transaction():
        if await ReviewItem.exists().where(
            (ReviewItem.batch == batch_id) & ReviewItem.external_id.is_in([r.external_id for r in rows] or [""])
        ):
            taken = await ReviewItem.select(ReviewItem.kind, ReviewItem.external_id).where(ReviewItem.batch == batch_id)
            clash = {(r["kind"], r["external_id"]) for r in taken} & {(r.kind, r.external_id) for r in rows}
            if clash:
                raise Conflict(
                    Reason("item.exists", "该评审项目已在本批次中", "this item is in the batch already", "external_id")
                )
        ids: list[int] = []
        for start in range(0, len(rows), CHUNK):
            inserted = await ReviewItem.insert(*rows[start : start + CHUNK]).returning(ReviewItem.id)
            ids += [r["id"] for r in inserted]
        for item_id, item in zip(ids, items, strict=True):
            for expert_id in sorted(set(item.excluded_expert_ids)):
                await _record_conflict(actor, item_id, expert_id, "nominee_excluded", "nominee", "申请回避")
        await audit(actor, "review.items_added", "review_batch", batch_id, {"count": len(ids)})
    return ids


async def create_batch(actor: Actor, data: BatchIn) -> int:
    """Create a review batch with its items (see the module docstring)."""
    _admin(actor)
    problems = _form_problems(data.form) + _item_problems(data.items)
    try:
        parse_fraction(data.min_outside_share, "min_outside_share")
        cap_fraction(parse_fraction(data.cap, "cap"))
    except InvalidInput as error:
        problems += error.reasons
    if problems:
        raise InvalidInput(problems)
    async with write_transaction():
        batch = ReviewBatch(
            name=data.name.strip(),
            stage=data.stage,
            required=data.required,
            max_load=data.max_load,
            min_outside_share=str(parse_fraction(data.min_outside_share, "min_outside_share")),
            mode=data.mode,
            cap=str(parse_fraction(data.cap, "cap")),
            deadline=data.deadline,
            form=data.form.model_dump_json(),
            status="draft",
            created_by=actor.user_id,
            created_at=now(),
        )
        await batch.save()
        await audit(
            actor, "review.batch_created", "review_batch", batch.id, {"name": data.name, "items": len(data.items)}
        )
        if data.items:
            await _store_items(actor, int(batch.id), data.items)
    if data.items:
        await _detect(await ReviewItem.select().where(ReviewItem.batch == batch.id))
    return int(batch.id)


async def _draft_batch(actor: Actor, batch_id: int) -> dict[str, Any]:
    batch = await get_batch(actor, batch_id)
    if batch["status"] != "draft":
        raise Conflict(
            Reason("batch.not_draft", "批次已完成分配，不能再修改", "the batch has been assigned and cannot change")
        )
    return batch


async def add_items(actor: Actor, batch_id: int, items: Sequence[ReviewItemIn]) -> list[int]:
    await _draft_batch(actor, batch_id)
    count = await ReviewItem.count().where(ReviewItem.batch == batch_id)
    if problems := _item_problems(items, count):
        raise InvalidInput(problems)
    ids = await _store_items(actor, batch_id, items)
    await _detect(await ReviewItem.select().where(ReviewItem.id.is_in(ids)))
    return ids


async def get_batch(actor: Actor, batch_id: int) -> dict[str, Any]:
    _admin(actor)
    row = await ReviewBatch.select().where(ReviewBatch.id == batch_id).first()
    if row is None:
        raise _batch_not_found()
    row["items"] = await ReviewItem.count().where(ReviewItem.batch == batch_id)
    row["form_doc"] = review_form(row["form"])
    row["run_summary"] = _loads(row["run_summary"]) or {}
    return row


async def list_batches(actor: Actor) -> list[dict[str, Any]]:
    _admin(actor)
    rows = await ReviewBatch.select().order_by(ReviewBatch.id, ascending=False)
    counts: dict[int, int] = defaultdict(int)
    for r in await ReviewItem.select(ReviewItem.batch):
        counts[r["batch"]] += 1
    return [{**r, "items": counts[r["id"]]} for r in rows]


def item_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "disciplines": _loads(row["disciplines"]),
        "keywords": _loads(row["keywords"]),
        "people": _loads(row["people"]),
        "units": _loads(row["units"]),
        "leaders": _loads(row["leaders"]),
        "links": _loads(row["links"]),
    }


async def batch_items(actor: Actor, batch_id: int) -> list[dict[str, Any]]:
    await get_batch(actor, batch_id)
    return [item_view(r) for r in await ReviewItem.select().where(ReviewItem.batch == batch_id).order_by(ReviewItem.id)]


@dataclass(frozen=True)
class BatchProblem:
    problem: Problem
    affinity: dict[tuple[int, int], float]


async def _build(batch: dict[str, Any], pins: Sequence[tuple[int, int]] = ()) -> BatchProblem:
    """The batch as a solver instance: active experts with affinity > 0, every blocking conflict,
    every declined or conflicted assignment as a conflict, and the given pins."""
    items = await ReviewItem.select(ReviewItem.id, ReviewItem.disciplines, ReviewItem.keywords).where(
        ReviewItem.batch == batch["id"]
    )
    item_ids = [r["id"] for r in items]
    assignments = await ReviewAssignment.select(
        ReviewAssignment.item, ReviewAssignment.expert, ReviewAssignment.status
    ).where(ReviewAssignment.item.is_in(item_ids or [0]))
    holding = {r["expert"] for r in assignments if r["status"] in ACTIVE}
    experts = await Expert.select(
        Expert.id,
        Expert.primary_discipline,
        Expert.secondary_disciplines,
        Expert.keywords,
        Expert.unit_normalised,
        Expert.in_province,
        Expert.status,
    ).where((Expert.status == "active") | Expert.id.is_in(sorted(holding) or [0]))
    load: dict[int, int] = defaultdict(int)
    for r in assignments:
        if r["status"] in ACTIVE:
            load[r["expert"]] += 1
    k, max_load = int(batch["required"]), int(batch["max_load"])
    share = Fraction(batch["min_outside_share"])
    solver_items = [SolverItem(str(r["id"]), k, min_outside=min_outside_for_share(k, share)) for r in items]
    pool = [
        PoolExpert(
            str(e["id"]),
            max_load if e["status"] == "active" else min(max_load, load[e["id"]]),  # suspended: never drawn anew
            e["unit_normalised"] or None,
            bool(e["in_province"]),
        )
        for e in experts
    ]
    item_profiles = []
    for r in items:
        codes = _loads(r["disciplines"]) or []
        item_profiles.append(
            Profile(str(r["id"]), tuple(codes[:1]), tuple(codes[1:]), tuple(_loads(r["keywords"]) or ()))
        )
    expert_profiles = [
        Profile(
            str(e["id"]),
            (e["primary_discipline"],),
            tuple(_loads(e["secondary_disciplines"]) or ()),
            tuple(_loads(e["keywords"]) or ()),
        )
        for e in experts
    ]
    pairs = affinity_pairs(item_profiles, expert_profiles)
    known_experts = {e["id"] for e in experts}
    blocking = await ConflictRecord.select(ConflictRecord.item, ConflictRecord.expert).where(
        ConflictRecord.item.is_in(item_ids or [0]) & ConflictRecord.status.is_in(list(BLOCKING))
    )
    conflicts = {(r["item"], r["expert"]) for r in blocking}
    conflicts |= {(r["item"], r["expert"]) for r in assignments if r["status"] in ("declined", "conflict")}
    problem = build_problem(
        solver_items,
        pool,
        pairs,
        conflicts=[(str(i), str(e)) for i, e in sorted(conflicts) if e in known_experts],
        pinned=[(str(i), str(e)) for i, e in pins],
    )
    return BatchProblem(problem, {(int(i), int(e)): a for i, e, a in pairs})


async def check_batch(actor: Actor, batch_id: int) -> list[Reason]:
    """Every reason the batch cannot be staffed; empty when an assignment exists."""
    batch = await get_batch(actor, batch_id)
    built = await _build(batch)
    return await anyio.to_thread.run_sync(check_feasible, built.problem)


@dataclass(frozen=True)
class Solved:
    """What a solve returns to the service, as plain data (it crosses a process boundary)."""

    rows: list[tuple[str, str, float]]
    seed: int | None
    total_affinity: float
    weakest_affinity: float
    refusal: list[tuple[str, str, str, str | None]] | None = None  # the solver's reasons, if infeasible


def solve_rows(problem: Problem, mode: str, cap: Fraction, seed: int | None) -> Solved:
    """Top-level and picklable: run the solver (in a thread or a worker process)."""
    try:
        result = solve(problem, mode, cap=cap, seed=seed)  # type: ignore[arg-type]
    except AssignmentInfeasible as refused:
        return Solved([], None, 0.0, 0.0, [(r.code, r.zh, r.en, r.field) for r in refused.reasons])
    return Solved(result.rows(), result.seed, result.total_affinity, result.weakest_affinity)


@dataclass(frozen=True)
class PreparedRun:
    problem: Problem
    mode: str
    cap: Fraction
    seed: int | None
    pins: tuple[tuple[int, int], ...]


async def _prepare_run(
    actor: Actor, batch_id: int, mode: str | None, seed: int | None, pins: Sequence[tuple[int, int]]
) -> PreparedRun:
    batch = await _draft_batch(actor, batch_id)
    if batch["items"] == 0:
        raise Conflict(Reason("batch.empty", "批次中还没有评审项目", "the batch has no items yet"))
    await _detect(await ReviewItem.select().where(ReviewItem.batch == batch_id))
    chosen = mode or batch["mode"]
    if chosen not in ("optimal", "fair", "random"):
        raise InvalidInput(Reason("batch.mode", "分配方式无效", "unknown assignment mode", "mode"))
    built = await _build(batch, pins)
    return PreparedRun(built.problem, chosen, Fraction(batch["cap"]), seed, tuple(pins))


async def _store_run(actor: Actor, batch_id: int, run: PreparedRun, solved: Solved) -> RunOut:
    """Save a solve in one transaction, or raise its refusal (nothing saved)."""
    if solved.refusal is not None:
        raise AssignmentInfeasible([Reason(code, zh, en, field) for code, zh, en, field in solved.refusal])
    moment = now()
    pinned = {(str(i), str(e)) for i, e in run.pins}
    # Stored in (item, expert) order, not the solver's: the rows (and their ids) are then the same
    # for the same assignment however the solver happened to visit the items.
    rows = [
        ReviewAssignment(
            item=int(i), expert=int(e), status="assigned", pinned=(i, e) in pinned, affinity=a, assigned_at=moment
        )
        for i, e, a in sorted(solved.rows, key=lambda row: (int(row[0]), int(row[1])))
    ]
    summary = {
        "mode": run.mode,
        "seed": solved.seed,
        "pairs": len(rows),
        "total_affinity": round(solved.total_affinity, 6),
        "weakest_affinity": round(solved.weakest_affinity, 6),
    }
    async with write_transaction():
        done = await (
            ReviewBatch.update(
                {
                    ReviewBatch.status: "assigned",
                    ReviewBatch.mode: run.mode,
                    ReviewBatch.seed: solved.seed,
                    ReviewBatch.run_at: moment,
                    ReviewBatch.run_summary: _dumps(summary),
                }
            )
            .where((ReviewBatch.id == batch_id) & (ReviewBatch.status == "draft"))
            .returning(ReviewBatch.id)
        )
        if not done:
            raise Conflict(Reason("batch.changed", "批次状态已变化，请刷新", "the batch changed meanwhile; reload it"))
        for start in range(0, len(rows), CHUNK):
            await ReviewAssignment.insert(*rows[start : start + CHUNK])
        await audit(actor, "review.assigned", "review_batch", batch_id, summary)
    return RunOut(batch_id=batch_id, **summary)


async def run_assignment(
    actor: Actor,
    batch_id: int,
    mode: str | None = None,
    seed: int | None = None,
    pins: Sequence[tuple[int, int]] = (),
) -> RunOut:
    """Assign experts to a draft batch and wait for it. Refuses with every reason (and stores
    nothing) when the batch cannot be staffed; random draws record their seed so the draw can be
    replayed. The solver runs in a worker thread, so the event loop keeps serving; for long runs
    use `start_assignment_job`."""
    run = await _prepare_run(actor, batch_id, mode, seed, pins)
    solved = await anyio.to_thread.run_sync(solve_rows, run.problem, run.mode, run.cap, run.seed)
    return await _store_run(actor, batch_id, run, solved)


async def start_assignment_job(
    actor: Actor, batch_id: int, mode: str | None = None, seed: int | None = None, pins: Sequence[tuple[int, int]] = ()
) -> int:
    """The same as `run_assignment` as a background job (xuehui.jobs): the solve runs in the process
    pool, the assignments and the job's success are committed together, and an infeasible batch
    fails the job with every reason. The job id is recorded on the batch; returns it."""
    from xuehui import jobs

    run = await _prepare_run(actor, batch_id, mode, seed, pins)

    async def commit(solved: Solved) -> dict[str, Any]:
        return (await _store_run(actor, batch_id, run, solved)).model_dump()

    job_id = await jobs.start_job(
        actor, "expert_pool.assign", solve_rows, run.problem, run.mode, run.cap, run.seed, commit=commit
    )
    async with write_transaction():
        await ReviewBatch.update({ReviewBatch.assign_job: job_id}).where(ReviewBatch.id == batch_id)
        await audit(actor, "review.assign_job_started", "review_batch", batch_id, {"job": job_id})
    return job_id


# --- replacement ---------------------------------------------------------------------------


async def _withdraw_and_replace(actor: Actor, row: dict[str, Any], status: str, reason: str) -> list[Reason]:
    """Mark an assignment declined or conflicted and replace the expert, keeping every accepted
    assignment. Returns the reasons when no replacement exists (the item stays short)."""
    async with write_transaction():
        done = await (
            ReviewAssignment.update(
                {ReviewAssignment.status: status, ReviewAssignment.reason: reason, ReviewAssignment.responded_at: now()}
            )
            .where((ReviewAssignment.id == row["id"]) & ReviewAssignment.status.is_in(list(ACTIVE)))
            .returning(ReviewAssignment.id)
        )
        if not done:
            raise Conflict(
                Reason(
                    "assignment.changed", "评审任务状态已变化，请刷新", "the assignment changed meanwhile; reload it"
                )
            )
        await audit(actor, f"review.assignment_{status}", "review_assignment", row["id"], {"reason": reason})
    item = await ReviewItem.select(ReviewItem.batch).where(ReviewItem.id == row["item"]).first()
    assert item is not None
    batch = await ReviewBatch.select().where(ReviewBatch.id == item["batch"]).first()
    assert batch is not None
    built = await _build(batch)
    current_rows = await ReviewAssignment.select(
        ReviewAssignment.id, ReviewAssignment.item, ReviewAssignment.expert, ReviewAssignment.status
    ).where(ReviewAssignment.item.batch == batch["id"])
    active = [r for r in current_rows if r["status"] in ACTIVE]
    current = [(str(r["item"]), str(r["expert"])) for r in active] + [(str(row["item"]), str(row["expert"]))]
    accepted = [(str(r["item"]), str(r["expert"])) for r in active if r["status"] == "accepted"]
    try:
        change = await anyio.to_thread.run_sync(
            lambda: reassign(built.problem, current, accepted, (str(row["item"]), str(row["expert"])))
        )
    except AssignmentInfeasible as refused:
        async with write_transaction():
            await audit(
                actor,
                "review.replacement_failed",
                "review_batch",
                batch["id"],
                {"item": row["item"], "reasons": [r.code for r in refused.reasons]},
            )
        return refused.reasons
    by_pair = {(r["item"], r["expert"]): r for r in current_rows}
    moment = now()
    async with write_transaction():
        for item_id, expert_id in change.removed[1:]:
            await ReviewAssignment.update({ReviewAssignment.status: "replaced"}).where(
                (ReviewAssignment.item == int(item_id))
                & (ReviewAssignment.expert == int(expert_id))
                & (ReviewAssignment.status == "assigned")
            )
        for item_id, expert_id in change.added:
            key = (int(item_id), int(expert_id))
            affinity = built.affinity.get(key, 0.0)
            if key in by_pair:
                await ReviewAssignment.update(
                    {
                        ReviewAssignment.status: "assigned",
                        ReviewAssignment.assigned_at: moment,
                        ReviewAssignment.affinity: affinity,
                    }
                ).where(ReviewAssignment.id == by_pair[key]["id"])
            else:
                await ReviewAssignment.insert(
                    ReviewAssignment(
                        item=key[0], expert=key[1], status="assigned", affinity=affinity, assigned_at=moment
                    )
                )
        await audit(
            actor,
            "review.replaced",
            "review_batch",
            batch["id"],
            {"withdrawn": [row["item"], row["expert"]], "added": change.added, "moved": change.removed[1:]},
        )
    return []


# --- the expert portal ---------------------------------------------------------------------


def _visible_to(expert_id: int) -> Any:
    """Own assignments that still hold a place and whose item has no blocking conflict with them."""
    blocked = ConflictRecord.select(ConflictRecord.item).where(
        (ConflictRecord.expert == expert_id) & ConflictRecord.status.is_in(list(BLOCKING))
    )
    return (
        (ReviewAssignment.expert == expert_id)
        & ReviewAssignment.status.is_in(list(ACTIVE))
        & ReviewAssignment.item.not_in(blocked)
    )


async def my_assignments(actor: Actor) -> list[dict[str, Any]]:
    me = await my_expert(actor)
    rows = await (
        ReviewAssignment.select(
            ReviewAssignment.id,
            ReviewAssignment.status,
            ReviewAssignment.item,
            ReviewAssignment.item.kind,
            ReviewAssignment.item.title,
            ReviewAssignment.item.batch.name,  # type: ignore[union-attr]  # two-level join
            ReviewAssignment.item.batch.deadline,  # type: ignore[union-attr]  # two-level join
        )
        .where(_visible_to(me["id"]))
        .order_by(ReviewAssignment.id)
    )
    reviews = {
        r["assignment"]: r["status"]
        for r in await Review.select(Review.assignment, Review.status).where(
            Review.assignment.is_in([r["id"] for r in rows] or [0])
        )
    }
    return [
        {
            "id": r["id"],
            "status": r["status"],
            "kind": r["item.kind"],
            "title": r["item.title"],
            "batch_name": r["item.batch.name"],
            "deadline": r["item.batch.deadline"],
            "review_status": reviews.get(r["id"], ""),
        }
        for r in rows
    ]


async def my_reminders(actor: Actor) -> list[dict[str, Any]]:
    me = await my_expert(actor)
    rows = await (
        Reminder.select(Reminder.id, Reminder.message, Reminder.sent_at, Reminder.batch.name)
        .where(Reminder.expert == me["id"])
        .order_by(Reminder.id, ascending=False)
    )
    return [{**r, "batch_name": r["batch.name"]} for r in rows]


async def my_assignment(actor: Actor, assignment_id: int) -> dict[str, Any]:
    """One own, visible assignment with the item's material, the review form and the own review."""
    me = await my_expert(actor)
    row = await (
        ReviewAssignment.select(
            ReviewAssignment.id, ReviewAssignment.status, ReviewAssignment.item, ReviewAssignment.expert
        )
        .where((ReviewAssignment.id == assignment_id) & _visible_to(me["id"]))
        .first()
    )
    if row is None:
        raise _assignment_not_found()
    item = await ReviewItem.select().where(ReviewItem.id == row["item"]).first()
    assert item is not None
    batch = await ReviewBatch.select().where(ReviewBatch.id == item["batch"]).first()
    assert batch is not None
    review = await Review.select().where(Review.assignment == assignment_id).first()
    if review:
        review["scores"] = _loads(review["scores"]) or {}
    return {
        "assignment": row,
        # The material shown to the expert: names of the people involved, never identity numbers.
        "item": {
            **{k: v for k, v in item_view(item).items() if k not in ("people", "leaders")},
            "people": [p["name"] for p in _loads(item["people"]) or []],
        },
        "batch": {"id": batch["id"], "name": batch["name"], "deadline": batch["deadline"], "stage": batch["stage"]},
        "form": review_form(batch["form"]),
        "review": review,
    }


async def respond(actor: Actor, assignment_id: int, action: str, reason: str = "") -> list[Reason]:
    """Accept, decline (with a reason) or declare a conflict; the last two replace the expert at
    once. Returns the reasons when no replacement could be found (the admin sees the item short)."""
    view = await my_assignment(actor, assignment_id)
    row = view["assignment"]
    if action == "accept":
        if row["status"] != "assigned":
            raise Conflict(Reason("assignment.accepted", "您已接受该评审任务", "you accepted this assignment already"))
        async with write_transaction():
            done = await (
                ReviewAssignment.update({ReviewAssignment.status: "accepted", ReviewAssignment.responded_at: now()})
                .where((ReviewAssignment.id == assignment_id) & (ReviewAssignment.status == "assigned"))
                .returning(ReviewAssignment.id)
            )
            if not done:
                raise Conflict(
                    Reason(
                        "assignment.changed",
                        "评审任务状态已变化，请刷新",
                        "the assignment changed meanwhile; reload it",
                    )
                )
            await audit(actor, "review.assignment_accepted", "review_assignment", assignment_id)
        return []
    if not reason.strip():
        raise InvalidInput(Reason("assignment.reason", "请说明理由", "give a reason", "reason"))
    if await Review.exists().where((Review.assignment == assignment_id) & (Review.status == "submitted")):
        raise Conflict(Reason("review.locked", "评审意见已提交，不能再更改", "the review is submitted and locked"))
    if action == "decline":
        return await _withdraw_and_replace(actor, row, "declined", reason.strip())
    if action == "conflict":
        await _record_conflict(actor, row["item"], row["expert"], "expert_declared", "expert", reason.strip())
        return await _withdraw_and_replace(actor, row, "conflict", reason.strip())
    raise InvalidInput(Reason("assignment.action", "操作无效", "unknown action", "action"))


async def save_review(actor: Actor, assignment_id: int, data: ReviewIn) -> str:
    """Save a draft, or submit (every criterion valid); a submitted review is locked. Returns the status."""
    view = await my_assignment(actor, assignment_id)
    if view["assignment"]["status"] != "accepted":
        raise Conflict(Reason("review.not_accepted", "请先接受评审任务", "accept the assignment first"))
    existing = view["review"]
    if existing and existing["status"] == "submitted":
        raise Conflict(Reason("review.locked", "评审意见已提交，不能再更改", "the review is submitted and locked"))
    form: ReviewForm = view["form"]
    known = {c.code for c in form.criteria}
    scores = {k: v for k, v in data.scores.items() if k in known}
    if data.recommendation and data.recommendation not in RECOMMENDATIONS:
        raise InvalidInput(Reason("review.recommendation", "推荐意见无效", "unknown recommendation", "recommendation"))
    total = None
    if data.submit:
        problems = validate_review(form, data.scores)
        if not data.recommendation:
            problems.append(
                Reason("review.recommendation", "请选择推荐意见", "choose a recommendation", "recommendation")
            )
        if problems:
            raise InvalidInput(problems)
        total = weighted_total(form, scores)
    else:
        bad = [r for r in validate_review(form, scores) if r.code != "score_missing"]
        if bad:
            raise InvalidInput(bad)
    status = "submitted" if data.submit else "draft"
    moment = now()
    values: dict[Any, Any] = {
        Review.scores: _dumps(scores),
        Review.comment: data.comment.strip(),
        Review.recommendation: data.recommendation,
        Review.total: total,
        Review.status: status,
        Review.updated_at: moment,
        Review.submitted_at: moment if data.submit else None,
    }
    async with write_transaction():
        if existing:
            done = await (
                Review.update(values)
                .where((Review.id == existing["id"]) & (Review.status == "draft"))
                .returning(Review.id)
            )
            if not done:
                raise Conflict(
                    Reason("review.locked", "评审意见已提交，不能再更改", "the review is submitted and locked")
                )
        else:
            fields: dict[str, Any] = {column._meta.name: value for column, value in values.items()}
            await Review.insert(Review(assignment=assignment_id, **fields))
        await audit(actor, f"review.{status}", "review_assignment", assignment_id, {"total": total})
    return status


RECOMMENDATIONS: dict[str, tuple[str, str]] = {
    "recommend": ("推荐", "Recommend"),
    "neutral": ("可推荐", "Acceptable"),
    "not_recommend": ("不推荐", "Do not recommend"),
}


# --- progress, reminders, results -----------------------------------------------------------


async def batch_progress(actor: Actor, batch_id: int) -> dict[str, Any]:
    """Per expert and per item: places, acceptances, declines, submitted reviews, reminders."""
    batch = await get_batch(actor, batch_id)
    rows = (
        await ReviewAssignment.select(
            ReviewAssignment.id,
            ReviewAssignment.item,
            ReviewAssignment.expert,
            ReviewAssignment.status,
            ReviewAssignment.affinity,
            ReviewAssignment.reason,
            ReviewAssignment.item.title,
            ReviewAssignment.expert.name,
        )
        .where(ReviewAssignment.item.batch == batch_id)
        .order_by(ReviewAssignment.id)
    )
    reviews = {
        r["assignment"]: r
        for r in await Review.select(Review.assignment, Review.status, Review.total).where(
            Review.assignment.is_in([r["id"] for r in rows] or [0])
        )
    }
    reminders: dict[int, int] = defaultdict(int)
    for r in await Reminder.select(Reminder.expert).where(Reminder.batch == batch_id):
        reminders[r["expert"]] += 1
    experts: dict[int, dict[str, Any]] = {}
    items: dict[int, dict[str, Any]] = {}
    for item in (
        await ReviewItem.select(ReviewItem.id, ReviewItem.title)
        .where(ReviewItem.batch == batch_id)
        .order_by(ReviewItem.id)
    ):
        items[item["id"]] = {"id": item["id"], "title": item["title"], "active": 0, "submitted": 0}
    for r in rows:
        review = reviews.get(r["id"])
        e = experts.setdefault(
            r["expert"],
            {
                "id": r["expert"],
                "name": r["expert.name"],
                "assigned": 0,
                "accepted": 0,
                "declined": 0,
                "conflict": 0,
                "submitted": 0,
                "reminders": reminders[r["expert"]],
            },
        )
        if r["status"] in ACTIVE:
            e["assigned"] += 1
            items[r["item"]]["active"] += 1
        if r["status"] == "accepted":
            e["accepted"] += 1
        if r["status"] in ("declined", "conflict"):
            e[r["status"]] += 1
        if review and review["status"] == "submitted" and r["status"] == "accepted":
            e["submitted"] += 1
            items[r["item"]]["submitted"] += 1
        r["review_status"] = review["status"] if review else ""
        r["total"] = review["total"] if review else None
    short = [i for i in items.values() if batch["status"] != "draft" and i["active"] < batch["required"]]
    return {
        "batch": batch,
        "experts": list(experts.values()),
        "items": list(items.values()),
        "short": short,
        "assignments": rows,
    }


async def send_reminder(actor: Actor, batch_id: int, expert_id: int, message: str) -> int:
    await get_batch(actor, batch_id)
    if not message.strip():
        raise InvalidInput(Reason("reminder.message", "请填写提醒内容", "write the reminder", "message"))
    if not await ReviewAssignment.exists().where(
        (ReviewAssignment.expert == expert_id) & (ReviewAssignment.item.batch == batch_id)
    ):
        raise InvalidInput(
            Reason("reminder.expert", "该专家不在本批次中", "this expert has no assignment in the batch", "expert_id")
        )
    async with write_transaction():
        reminder = Reminder(
            batch=batch_id, expert=expert_id, message=message.strip(), sent_by=actor.user_id, sent_at=now()
        )
        await reminder.save()
        await audit(actor, "review.reminder_sent", "review_batch", batch_id, {"expert": expert_id})
    return int(reminder.id)


async def _scored_reviews(batch_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Submitted reviews of accepted assignments whose expert has no blocking conflict on the item."""
    blocked = {
        (r["item"], r["expert"])
        for r in await ConflictRecord.select(ConflictRecord.item, ConflictRecord.expert).where(
            ConflictRecord.status.is_in(list(BLOCKING)) & ConflictRecord.item.batch.is_in(list(batch_ids) or [0])
        )
    }
    rows = await Review.select(
        Review.total,
        Review.assignment.item,
        Review.assignment.expert,
        Review.assignment.expert.name,  # type: ignore[union-attr]  # two-level join
        Review.recommendation,
    ).where(
        (Review.status == "submitted")
        & (Review.assignment.status == "accepted")
        & Review.assignment.item.batch.is_in(list(batch_ids) or [0])  # type: ignore[union-attr]  # two-level join
    )
    return [r for r in rows if (r["assignment.item"], r["assignment.expert"]) not in blocked]


async def _results(batch_ids: Sequence[int]) -> list[dict[str, Any]]:
    items = (
        await ReviewItem.select(
            ReviewItem.id,
            ReviewItem.kind,
            ReviewItem.external_id,
            ReviewItem.title,
            ReviewItem.category,
            ReviewItem.grade,
            ReviewItem.batch.required,
        )
        .where(ReviewItem.batch.is_in(list(batch_ids) or [0]))
        .order_by(ReviewItem.id)
    )
    reviews = await _scored_reviews(batch_ids)
    scores = aggregate(
        [ScoredReview(str(r["assignment.item"]), str(r["assignment.expert"]), float(r["total"])) for r in reviews]
    )
    groups = {str(i["id"]): (i["category"], i["grade"]) for i in items}
    ranked = {r.item_id: r for r in rank_in_groups(scores, groups)}
    titles = {str(i["id"]): i["external_id"] for i in items}
    out = []
    for item in items:
        key = str(item["id"])
        score = scores.get(key)
        rank = ranked.get(key)
        out.append(
            {
                "item_id": item["id"],
                "kind": item["kind"],
                "external_id": item["external_id"],
                "title": item["title"],
                "category": item["category"],
                "grade": item["grade"],
                "required": item["batch.required"],
                "reviews": score.reviews if score else 0,
                "raw_mean": score.raw_mean if score else None,
                "normalised_mean": score.normalised_mean if score else None,
                "normalised_on_raw_scale": score.normalised_on_raw_scale if score else None,
                "rank": rank.rank if rank else None,
                "tied_with": [titles[t] for t in rank.tied_with] if rank else [],
            }
        )
    out.sort(key=lambda r: (r["category"], r["grade"], r["rank"] if r["rank"] is not None else 10**9, r["item_id"]))
    return out


async def batch_results(actor: Actor, batch_id: int) -> list[ItemResultOut]:
    """Per item: raw mean, normalised mean (per-expert z-scores) and rank within (category, grade).
    Names no expert."""
    await get_batch(actor, batch_id)
    return [ItemResultOut(**r) for r in await _results([batch_id])]


async def batch_scores(actor: Actor, batch_id: int) -> list[dict[str, Any]]:
    """Admin only: every counted review with its expert and total."""
    await get_batch(actor, batch_id)
    return await _scored_reviews([batch_id])


async def item_outcomes(actor: Actor | None, kind: str, external_ids: Sequence[str]) -> dict[str, ItemResultOut]:
    """The latest batch's result for each (kind, external id), for the package that owns the items.
    Names no expert, so it is safe to pass on to the nominating side. `actor` None is the owning
    package reading on its own authority (it decides what its users may see); otherwise an admin."""
    if actor is not None:
        _admin(actor)
    rows = await ReviewItem.select(ReviewItem.id, ReviewItem.batch, ReviewItem.external_id).where(
        (ReviewItem.kind == kind) & ReviewItem.external_id.is_in(list(external_ids) or [""])
    )
    latest: dict[str, tuple[int, int]] = {}
    for r in rows:
        latest[r["external_id"]] = max(latest.get(r["external_id"], (0, 0)), (r["batch"], r["id"]))
    wanted = {item_id for _, item_id in latest.values()}
    results = await _results(sorted({batch for batch, _ in latest.values()}))
    return {r["external_id"]: ItemResultOut(**r) for r in results if r["item_id"] in wanted}


# --- panel meetings and anonymous ballots ----------------------------------------------------


def _panel_not_found() -> NotFound:
    return NotFound(Reason("panel.not_found", "会评不存在或无权查看", "panel meeting not found or not visible to you"))


async def create_panel(actor: Actor, batch_id: int, data: PanelIn) -> int:
    """A panel meeting voting on the items of `batch_id`, with its members (experts of the pool)."""
    await get_batch(actor, batch_id)
    quorum = parse_fraction(data.quorum, "quorum", Fraction(0), Fraction(1))
    threshold = parse_fraction(data.threshold, "threshold", Fraction(0), Fraction(1))
    members = sorted(set(data.expert_ids))
    known = {r["id"] for r in await Expert.select(Expert.id).where(Expert.id.is_in(members))}
    if missing := [m for m in members if m not in known]:
        raise InvalidInput(
            Reason("panel.members", f"专家不存在：{missing}", f"unknown experts: {missing}", "expert_ids")
        )
    items = await ReviewItem.select(ReviewItem.id).where(ReviewItem.batch == batch_id)
    async with write_transaction():
        meeting = PanelMeeting(
            batch=batch_id,
            name=data.name.strip(),
            held_on=data.held_on,
            quorum=str(quorum),
            threshold=str(threshold),
            strict=data.strict,
            base=data.base,
            status="open",
            created_by=actor.user_id,
            created_at=now(),
        )
        await meeting.save()
        await PanelMember.insert(*[PanelMember(meeting=meeting.id, expert=m, present=False) for m in members])
        if items:
            await PanelTally.insert(*[PanelTally(meeting=meeting.id, item=i["id"]) for i in items])
        await audit(actor, "panel.created", "panel_meeting", meeting.id, {"batch": batch_id, "members": members})
    return int(meeting.id)


async def get_panel(actor: Actor, meeting_id: int) -> dict[str, Any]:
    _admin(actor)
    row = await PanelMeeting.select().where(PanelMeeting.id == meeting_id).first()
    if row is None:
        raise _panel_not_found()
    row["members"] = await (
        PanelMember.select(PanelMember.id, PanelMember.expert, PanelMember.present, PanelMember.expert.name)
        .where(PanelMember.meeting == meeting_id)
        .order_by(PanelMember.id)
    )
    row["results"] = _loads(row["results"]) or []
    row["voted"] = await BallotReceipt.count().where(BallotReceipt.meeting == meeting_id)
    return row


async def list_panels(actor: Actor, batch_id: int) -> list[dict[str, Any]]:
    _admin(actor)
    return await PanelMeeting.select().where(PanelMeeting.batch == batch_id).order_by(PanelMeeting.id)


async def set_roll(actor: Actor, meeting_id: int, present_expert_ids: Sequence[int]) -> int:
    """Record the roll call: who of the members is present. Returns the number present."""
    meeting = await get_panel(actor, meeting_id)
    if meeting["status"] != "open":
        raise Conflict(Reason("panel.closed", "会评已结束", "the panel meeting is closed"))
    present = set(present_expert_ids)
    async with write_transaction():
        for member in meeting["members"]:
            await PanelMember.update({PanelMember.present: member["expert"] in present}).where(
                PanelMember.id == member["id"]
            )
        count = sum(1 for m in meeting["members"] if m["expert"] in present)
        await audit(
            actor, "panel.roll", "panel_meeting", meeting_id, {"present": count, "roll": len(meeting["members"])}
        )
    return count


async def _blocked_items(expert_id: int, item_ids: Sequence[int]) -> set[int]:
    rows = await ConflictRecord.select(ConflictRecord.item).where(
        (ConflictRecord.expert == expert_id)
        & ConflictRecord.status.is_in(list(BLOCKING))
        & ConflictRecord.item.is_in(list(item_ids) or [0])
    )
    return {r["item"] for r in rows}


async def my_panels(actor: Actor) -> list[dict[str, Any]]:
    """Open meetings where the expert is present, with the items they may still vote on (never a
    conflicted one)."""
    me = await my_expert(actor)
    meetings = await PanelMeeting.select().where(
        (PanelMeeting.status == "open")
        & PanelMeeting.id.is_in(
            PanelMember.select(PanelMember.meeting).where(
                (PanelMember.expert == me["id"]) & (PanelMember.present == True)  # noqa: E712 - Piccolo expression
            )
        )
    )
    out = []
    for meeting in meetings:
        items = (
            await ReviewItem.select(ReviewItem.id, ReviewItem.title, ReviewItem.kind)
            .where(ReviewItem.batch == meeting["batch"])
            .order_by(ReviewItem.id)
        )
        blocked = await _blocked_items(me["id"], [i["id"] for i in items])
        voted = {
            r["item"]
            for r in await BallotReceipt.select(BallotReceipt.item).where(
                (BallotReceipt.meeting == meeting["id"]) & (BallotReceipt.expert == me["id"])
            )
        }
        visible = [{**i, "voted": i["id"] in voted} for i in items if i["id"] not in blocked]
        out.append({"id": meeting["id"], "name": meeting["name"], "held_on": meeting["held_on"], "items": visible})
    return out


async def cast_ballot(actor: Actor, meeting_id: int, item_id: int, vote: str) -> None:
    """An anonymous ballot: the tally grows by one and a receipt records only that the member voted."""
    if vote not in ("yes", "no", "abstain"):
        raise InvalidInput(Reason("ballot.vote", "请选择赞成、反对或弃权", "vote yes, no or abstain", "vote"))
    me = await my_expert(actor)
    meeting = await PanelMeeting.select().where(PanelMeeting.id == meeting_id).first()
    member = (
        await PanelMember.select().where((PanelMember.meeting == meeting_id) & (PanelMember.expert == me["id"])).first()
    )
    item = await ReviewItem.select(ReviewItem.id, ReviewItem.batch).where(ReviewItem.id == item_id).first()
    if meeting is None or member is None or item is None or item["batch"] != meeting["batch"]:
        raise _panel_not_found()
    if await _blocked_items(me["id"], [item_id]):
        raise _panel_not_found()
    if meeting["status"] != "open" or not member["present"]:
        raise Conflict(
            Reason(
                "ballot.not_open",
                "只有出席的委员在会评进行中才能投票",
                "only members present may vote while the meeting is open",
            )
        )
    column = {"yes": PanelTally.yes, "no": PanelTally.no, "abstain": PanelTally.abstain}[vote]
    async with write_transaction():
        if await BallotReceipt.exists().where(
            (BallotReceipt.meeting == meeting_id) & (BallotReceipt.item == item_id) & (BallotReceipt.expert == me["id"])
        ):
            raise Conflict(Reason("ballot.cast", "您已对该项目投票", "you have voted on this item already"))
        await BallotReceipt.insert(BallotReceipt(meeting=meeting_id, item=item_id, expert=me["id"]))
        await PanelTally.update({column: column + 1}).where(
            (PanelTally.meeting == meeting_id) & (PanelTally.item == item_id)
        )
        await audit(actor, "panel.ballot_cast", "panel_meeting", meeting_id, {"item": item_id})


async def close_panel(actor: Actor, meeting_id: int) -> list[PanelOutcomeOut]:
    """Close the vote and record the results: refused (and left open) without a quorum. A member
    conflicted with an item is not counted on that item's roll."""
    meeting = await get_panel(actor, meeting_id)
    if meeting["status"] != "open":
        raise Conflict(Reason("panel.closed", "会评已结束", "the panel meeting is closed"))
    rule = BallotRule(
        quorum=Fraction(meeting["quorum"]),
        threshold=Fraction(meeting["threshold"]),
        strict=bool(meeting["strict"]),
        base=meeting["base"],
    )
    members = meeting["members"]
    refusal = quorum_reason(len(members), sum(1 for m in members if m["present"]), rule)
    if refusal is not None:
        raise Conflict(refusal)
    tallies = (
        await PanelTally.select(
            PanelTally.item,
            PanelTally.yes,
            PanelTally.no,
            PanelTally.abstain,
            PanelTally.item.kind,
            PanelTally.item.external_id,
            PanelTally.item.title,
        )
        .where(PanelTally.meeting == meeting_id)
        .order_by(PanelTally.item)
    )
    blocked = {
        (r["item"], r["expert"])
        for r in await ConflictRecord.select(ConflictRecord.item, ConflictRecord.expert).where(
            ConflictRecord.status.is_in(list(BLOCKING)) & (ConflictRecord.item.batch == meeting["batch"])
        )
    }
    results = []
    for t in tallies:
        eligible = [m for m in members if (t["item"], m["expert"]) not in blocked]
        present = sum(1 for m in eligible if m["present"])
        outcome = decide(str(t["item"]), Tally(t["yes"], t["no"], t["abstain"]), len(eligible), present, rule)
        results.append(
            PanelOutcomeOut(
                item_id=t["item"],
                kind=t["item.kind"],
                external_id=t["item.external_id"],
                title=t["item.title"],
                passed=outcome.passed,
                yes=t["yes"],
                no=t["no"],
                abstain=t["abstain"],
                share=str(outcome.share),
                reasons=[r.as_dict() for r in outcome.reasons],
            )
        )
    async with write_transaction():
        done = await (
            PanelMeeting.update(
                {
                    PanelMeeting.status: "closed",
                    PanelMeeting.closed_at: now(),
                    PanelMeeting.results: _dumps([r.model_dump() for r in results]),
                }
            )
            .where((PanelMeeting.id == meeting_id) & (PanelMeeting.status == "open"))
            .returning(PanelMeeting.id)
        )
        if not done:
            raise Conflict(Reason("panel.closed", "会评已结束", "the panel meeting is closed"))
        await audit(
            actor, "panel.closed", "panel_meeting", meeting_id, {"passed": [r.external_id for r in results if r.passed]}
        )
    return results


async def panel_results(actor: Actor, meeting_id: int) -> list[PanelOutcomeOut]:
    """The recorded results of a closed meeting (empty while it is open). Names no member."""
    meeting = await get_panel(actor, meeting_id)
    return [PanelOutcomeOut(**r) for r in meeting["results"]]
