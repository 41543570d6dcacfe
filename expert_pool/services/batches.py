"""Review batches: create one with its items (validated, stored, nominee exclusions recorded by
expert id or by name and unit, conflicts detected), add items while it is a draft, and read
batches and items."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from expert_pool import disciplines
from expert_pool.rules.lifecycles import BATCH_LIFECYCLE, BatchStatus
from expert_pool.rules.scores import validate_form
from expert_pool.rules.solver_random import cap_fraction
from expert_pool.rules.units import normalise_unit
from expert_pool.rules.vocabulary import ConflictKind, ConflictSource, PoolAction
from expert_pool.schemas import BatchIn, ReviewFormIn, ReviewItemIn
from expert_pool.services._shared import (
    CHUNK,
    MAX_NOMINEE_EXCLUSIONS,
    batch_not_found,
    dumps,
    item_view,
    loads,
    parse_fraction,
    review_form,
    unit_aliases,
)
from expert_pool.services.conflict_detection import detect, name_key
from expert_pool.services.conflicts import record_conflict
from expert_pool.tables import Expert, ReviewBatch, ReviewItem
from xuehui import idcard
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason

# The evidence recorded on a nominee's exclusion of an expert.
NOMINEE_EVIDENCE = "申请回避"


def _leaders(item: ReviewItemIn) -> list[dict[str, str]]:
    """The nominating body's leadership as the conflict rules see it: the given leaders and the
    nominating society's leaders (names only), each once."""
    people = [{"name": p.name.strip(), "id_number": idcard.normalise(p.id_number)} for p in item.leaders]
    known = {name_key(p["name"]) for p in people}
    for name in item.society_leaders:
        if name.strip() and name_key(name) not in known:
            known.add(name_key(name))
            people.append({"name": name.strip(), "id_number": ""})
    return people


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
        if len(set(item.excluded_expert_ids)) + len(item.excluded_experts) > MAX_NOMINEE_EXCLUSIONS:
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
        disciplines=dumps([disciplines.normalise_code(c) for c in item.disciplines]),
        keywords=dumps([k.strip() for k in item.keywords if k.strip()]),
        people=dumps([{"name": p.name.strip(), "id_number": idcard.normalise(p.id_number)} for p in item.people]),
        units=dumps([u.strip() for u in item.units if u.strip()]),
        society_id=item.society_id,
        leaders=dumps(_leaders(item)),
        category=item.category.strip(),
        grade=item.grade.strip(),
        material=item.material,
        links=dumps(item.links),
        created_at=moment,
    )


async def _named_exclusions(items: Sequence[ReviewItemIn]) -> list[list[tuple[int, str]]]:
    """Per item, the experts its nominee excluded by name (and unit, when given: the expert's
    unit or the unit change awaiting confirmation, compared normalised), with the evidence to
    record. A named person who is not in the pool has nothing to avoid."""
    if not any(item.excluded_experts for item in items):
        return [[] for _ in items]
    names = sorted({name_key(e.name) for item in items for e in item.excluded_experts})
    aliases = await unit_aliases()
    by_name: dict[str, list[tuple[int, set[str]]]] = defaultdict(list)
    for row in await Expert.select(Expert.id, Expert.name, Expert.unit, Expert.pending_unit):
        if name_key(row["name"]) in names:
            units = {normalise_unit(u, aliases) for u in (row["unit"], row["pending_unit"]) if u}
            by_name[name_key(row["name"])].append((row["id"], units))
    found = []
    for item in items:
        matches = []
        for excluded in item.excluded_experts:
            wanted = normalise_unit(excluded.unit, aliases) if excluded.unit.strip() else ""
            evidence = f"{NOMINEE_EVIDENCE}：{excluded.reason.strip()}" if excluded.reason.strip() else NOMINEE_EVIDENCE
            for expert_id, units in by_name.get(name_key(excluded.name), []):
                if not wanted or wanted in units:
                    matches.append((expert_id, evidence))
        found.append(matches)
    return found


async def _store_items(actor: Actor, batch_id: int, items: Sequence[ReviewItemIn]) -> list[int]:
    named = await _named_exclusions(items)
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
        for item_id, item, by_name in zip(ids, items, named, strict=True):
            exclusions = dict.fromkeys(item.excluded_expert_ids, NOMINEE_EVIDENCE)
            exclusions.update(dict(by_name))
            for expert_id, evidence in sorted(exclusions.items()):
                await record_conflict(
                    actor, item_id, expert_id, ConflictKind.NOMINEE_EXCLUDED, ConflictSource.NOMINEE, evidence
                )
        await audit(actor, PoolAction.ITEMS_ADDED, "review_batch", batch_id, {"count": len(ids)})
    return ids


async def create_batch(actor: Actor, data: BatchIn) -> int:
    """Create a review batch with its items (see the module docstring)."""
    require_admin(actor)
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
            status=BATCH_LIFECYCLE.initial,
            created_by=actor.user_id,
            created_at=now(),
        )
        await batch.save()
        await audit(
            actor, PoolAction.BATCH_CREATED, "review_batch", batch.id, {"name": data.name, "items": len(data.items)}
        )
        if data.items:
            await _store_items(actor, int(batch.id), data.items)
    if data.items:
        await detect(await ReviewItem.select().where(ReviewItem.batch == batch.id))
    return int(batch.id)


async def draft_batch(actor: Actor, batch_id: int) -> dict[str, Any]:
    batch = await get_batch(actor, batch_id)
    if batch["status"] != BatchStatus.DRAFT:
        raise Conflict(
            Reason("batch.not_draft", "批次已完成分配，不能再修改", "the batch has been assigned and cannot change")
        )
    return batch


async def add_items(actor: Actor, batch_id: int, items: Sequence[ReviewItemIn]) -> list[int]:
    await draft_batch(actor, batch_id)
    count = await ReviewItem.count().where(ReviewItem.batch == batch_id)
    if problems := _item_problems(items, count):
        raise InvalidInput(problems)
    ids = await _store_items(actor, batch_id, items)
    await detect(await ReviewItem.select().where(ReviewItem.id.is_in(ids)))
    return ids


async def get_batch(actor: Actor, batch_id: int) -> dict[str, Any]:
    require_admin(actor)
    row = await ReviewBatch.select().where(ReviewBatch.id == batch_id).first()
    if row is None:
        raise batch_not_found()
    row["items"] = await ReviewItem.count().where(ReviewItem.batch == batch_id)
    row["form_doc"] = review_form(row["form"])
    row["run_summary"] = loads(row["run_summary"]) or {}
    return row


async def list_batches(actor: Actor) -> list[dict[str, Any]]:
    require_admin(actor)
    rows = await ReviewBatch.select().order_by(ReviewBatch.id, ascending=False)
    counts: dict[int, int] = defaultdict(int)
    for r in await ReviewItem.select(ReviewItem.batch):
        counts[r["batch"]] += 1
    return [{**r, "items": counts[r["id"]]} for r in rows]


async def batch_items(actor: Actor, batch_id: int) -> list[dict[str, Any]]:
    await get_batch(actor, batch_id)
    return [item_view(r) for r in await ReviewItem.select().where(ReviewItem.batch == batch_id).order_by(ReviewItem.id)]
