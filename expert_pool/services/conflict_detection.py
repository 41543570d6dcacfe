"""Conflict detection: experts and review items as the conflict rules see them, found through an
index rather than against every expert, and each newly found conflict recorded as potential.

The leaders of the nominating body (for a nomination, the society's leadership) come with the
item (`ReviewItemIn.leaders` and `society_leaders`); the pool reads no other package's tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from accounts.services import audit
from expert_pool.rules.conflicts import (
    Collaboration,
    DeclaredRelation,
    ExpertRecord,
    ItemParties,
    Person,
    detect_conflicts,
)
from expert_pool.rules.lifecycles import CONFLICT_LIFECYCLE, BatchStatus
from expert_pool.rules.units import normalise_unit
from expert_pool.rules.vocabulary import ConflictSource, PoolAction, Relation
from expert_pool.services._shared import AUDIT_ITEM_IDS, CHUNK, COLLABORATION_YEARS, loads, unit_aliases
from expert_pool.tables import ConflictRecord, Expert, ExpertRelation, ReviewItem
from xuehui import idcard
from xuehui.clock import now, today
from xuehui.db import write_transaction


def _people(raw: Any) -> tuple[Person, ...]:
    return tuple(Person(p["name"], p.get("id_number") or None) for p in loads(raw) or [])


def name_key(name: str) -> str:
    return "".join(name.split()).casefold()


async def _expert_records(expert_ids: Iterable[int] | None = None) -> dict[int, ExpertRecord]:
    """Experts as the conflict rules see them, with their dated collaborations (declared, and
    co-contributions found in the review items on record)."""
    query = Expert.select(Expert.id, Expert.name, Expert.id_number, Expert.unit, Expert.pending_unit)
    relation_query = ExpertRelation.select()
    if expert_ids is not None:
        wanted = list(expert_ids) or [0]
        query = query.where(Expert.id.is_in(wanted))
        relation_query = relation_query.where(ExpertRelation.expert.is_in(wanted))
    experts = await query
    collaborations: dict[int, list[Collaboration]] = defaultdict(list)
    for rel in await relation_query:
        if rel["relation"] == Relation.COLLABORATOR:
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
            other_units=(e["pending_unit"],) if e["pending_unit"] else (),
        )
        for e in experts
    }


async def _declared_relations(expert_ids: Iterable[int] | None) -> list[dict[str, Any]]:
    query = ExpertRelation.select().where(ExpertRelation.relation != Relation.COLLABORATOR)
    if expert_ids is not None:
        query = query.where(ExpertRelation.expert.is_in(list(expert_ids) or [0]))
    return await query


def _item_parties(item: dict[str, Any], relations: list[dict[str, Any]]) -> ItemParties:
    people = _people(item["people"])
    names = {name_key(p.name) for p in people}
    numbers = {idcard.normalise(p.id_number) for p in people if p.id_number}
    declared = tuple(
        DeclaredRelation(str(r["expert"]), r["relation"], r["person_name"])
        for r in relations
        if (r["person_id_number"] and r["person_id_number"] in numbers)
        or (not r["person_id_number"] and name_key(r["person_name"]) in names)
    )
    return ItemParties(
        item_id=str(item["id"]),
        people=people,
        units=tuple(loads(item["units"]) or ()),
        nominator_leaders=_people(item["leaders"]),
        declared=declared,
    )


def _suspects(parties: ItemParties, index: dict[str, set[int]], aliases: dict[str, str]) -> set[int]:
    """Experts that could conflict with the item, through an index instead of all experts."""
    found: set[int] = set()
    for person in (*parties.people, *parties.nominator_leaders):
        found |= index.get("N:" + name_key(person.name), set())
        if person.id_number:
            found |= index.get("I:" + idcard.normalise(person.id_number), set())
    for unit in parties.units:
        found |= index.get("U:" + normalise_unit(unit, aliases), set())
    found |= {int(d.expert_id) for d in parties.declared}
    for person in parties.people:
        found |= index.get("C:" + name_key(person.name), set())
    return found


def _conflict_index(records: dict[int, ExpertRecord], aliases: dict[str, str]) -> dict[str, set[int]]:
    index: dict[str, set[int]] = defaultdict(set)
    for expert_id, record in records.items():
        index["N:" + name_key(record.person.name)].add(expert_id)
        if record.person.id_number:
            index["I:" + record.person.id_number].add(expert_id)
        for unit in (record.unit, *record.other_units):
            if unit:
                index["U:" + normalise_unit(unit, aliases)].add(expert_id)
        for work in record.collaborations:
            index["C:" + name_key(work.partner.name)].add(expert_id)
    return index


async def detect(items: list[dict[str, Any]], expert_ids: Iterable[int] | None = None) -> int:
    """Record every newly found potential conflict (auto-detected) for `items`; returns how many."""
    if not items:
        return 0
    ids = list(expert_ids) if expert_ids is not None else None
    records = await _expert_records(ids)
    relations = await _declared_relations(ids)
    aliases = await unit_aliases()
    index = _conflict_index(records, aliases)
    found = []
    for item in items:
        parties = _item_parties(item, relations)
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
                source=ConflictSource.AUTO,
                status=CONFLICT_LIFECYCLE.initial,
                evidence=c.evidence_zh,
                found_at=moment,
            )
    rows = list(fresh.values())
    async with write_transaction():
        for start in range(0, len(rows), CHUNK):
            await ConflictRecord.insert(*rows[start : start + CHUNK])
        if rows:
            await audit(
                None,
                PoolAction.CONFLICT_DETECTED,
                "review_item",
                item_ids[0],
                {"count": len(rows), "items": item_ids[:AUDIT_ITEM_IDS]},
            )
    return len(rows)


def _open_item_query() -> Any:
    return ReviewItem.select().where(ReviewItem.batch.status != BatchStatus.CLOSED)


async def detect_for_expert(expert_id: int) -> int:
    """Re-check the open batches' items for one expert (after a profile change or a new relation)."""
    return await detect(await _open_item_query(), [expert_id])
