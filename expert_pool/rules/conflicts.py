"""Pure conflict-of-interest (回避) detection for one review item against a list of experts.

Identity: two people are the same when both identity numbers are known and equal (normalised by
`xuehui.idcard.normalise`); when both are known and differ they are different people even with the
same name. When either number is missing, an equal name is reported as a *potential* conflict
(`same_name_unverified`) for staff to confirm or dismiss, never silently ignored.

Types, in the order they are checked: the expert is one of the item's people (`self`), works at
one of the item's units (`same_unit`, after unit normalisation and the alias map), leads the
nominating society (`nominator_leader`), worked with one of the item's people within the window
(`recent_collaborator`, dated records), or declared a relation (`declared`: advisor, kin, other).
Every detected conflict is hard for the solver: the service turns it into a conflict pair.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from expert_pool.rules.units import normalise_unit
from xuehui.errors import Reason
from xuehui.idcard import normalise as normalise_id


class ConflictType(StrEnum):
    SELF = "self"
    SAME_NAME_UNVERIFIED = "same_name_unverified"
    SAME_UNIT = "same_unit"
    NOMINATOR_LEADER = "nominator_leader"
    RECENT_COLLABORATOR = "recent_collaborator"
    DECLARED = "declared"


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    id_number: str | None = None


@dataclass(frozen=True, slots=True)
class Collaboration:
    """A dated joint work of the expert with someone (co-author, co-project, co-contributor)."""

    partner: Person
    on: dt.date
    what: str


@dataclass(frozen=True, slots=True)
class ExpertRecord:
    id: str
    person: Person
    unit: str | None = None
    collaborations: tuple[Collaboration, ...] = ()
    # Units that count as well as `unit`: a change the expert asked for that no admin confirmed yet.
    other_units: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DeclaredRelation:
    expert_id: str
    relation: str  # e.g. "advisor", "kin", "other"
    note: str = ""


@dataclass(frozen=True, slots=True)
class ItemParties:
    item_id: str
    people: tuple[Person, ...]  # contributors / candidates
    units: tuple[str, ...] = ()
    nominator_leaders: tuple[Person, ...] = ()
    declared: tuple[DeclaredRelation, ...] = ()


@dataclass(frozen=True, slots=True)
class PotentialConflict:
    item_id: str
    expert_id: str
    type: ConflictType
    evidence_zh: str
    evidence_en: str

    def reason(self) -> Reason:
        return Reason(f"conflict_{self.type.value}", self.evidence_zh, self.evidence_en, field=self.expert_id)


def _name(text: str) -> str:
    return re.sub(r"[\s·•.]", "", unicodedata.normalize("NFKC", text)).casefold()


def _match(a: Person, b: Person) -> ConflictType | None:
    """SELF when identity numbers agree; SAME_NAME_UNVERIFIED when names agree and a number is missing."""
    if a.id_number and b.id_number:
        return ConflictType.SELF if normalise_id(a.id_number) == normalise_id(b.id_number) else None
    return ConflictType.SAME_NAME_UNVERIFIED if _name(a.name) == _name(b.name) else None


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap target year
        return day.replace(year=day.year - years, day=28)


def _conflicts_of(
    item: ItemParties, expert: ExpertRecord, today: dt.date, years: int, aliases: Mapping[str, str] | None
) -> list[PotentialConflict]:
    found: list[PotentialConflict] = []

    def add(kind: ConflictType, zh: str, en: str) -> None:
        found.append(PotentialConflict(item.item_id, expert.id, kind, zh, en))

    for person in item.people:
        kind = _match(expert.person, person)
        if kind is ConflictType.SELF:
            add(
                kind,
                f"专家本人是该项目的完成人/候选人（{person.name}）",
                f"the expert is a contributor ({person.name})",
            )
        elif kind is ConflictType.SAME_NAME_UNVERIFIED:
            add(
                kind,
                f"专家与完成人同名（{person.name}），身份证号缺失，需人工确认",
                f"the expert has the same name as contributor {person.name}; no identity number to confirm",
            )
    mine = {normalise_unit(unit, aliases) for unit in (expert.unit, *expert.other_units) if unit}
    if mine:
        for unit in item.units:
            if normalise_unit(unit, aliases) in mine:
                add(
                    ConflictType.SAME_UNIT,
                    f"专家与完成单位同属“{unit}”",
                    f"the expert works at contributing unit {unit}",
                )
    for leader in item.nominator_leaders:
        if _match(expert.person, leader) is not None:
            add(
                ConflictType.NOMINATOR_LEADER,
                f"专家是提名学会的负责人（{leader.name}）",
                f"the expert leads the nominating society ({leader.name})",
            )
    since = (
        today.replace(year=today.year - years)
        if not (today.month == 2 and today.day == 29)
        else today - dt.timedelta(days=365 * years)
    )
    for work in expert.collaborations:
        if work.on < since or work.on > today:
            continue
        for person in item.people:
            if _match(work.partner, person) is not None:
                add(
                    ConflictType.RECENT_COLLABORATOR,
                    f"专家 {work.on.isoformat()} 与完成人 {person.name} 合作：{work.what}",
                    f"the expert worked with contributor {person.name} on {work.on.isoformat()}: {work.what}",
                )
    for declared in item.declared:
        if declared.expert_id == expert.id:
            add(
                ConflictType.DECLARED,
                f"申报的回避关系：{declared.relation} {declared.note}".strip(),
                f"declared relation: {declared.relation} {declared.note}".strip(),
            )
    return found


def detect_conflicts(
    item: ItemParties,
    experts: Sequence[ExpertRecord],
    *,
    today: dt.date,
    collaboration_years: int = 3,
    aliases: Mapping[str, str] | None = None,
) -> list[PotentialConflict]:
    """Every potential conflict between the item and each expert, in expert order."""
    return [c for expert in experts for c in _conflicts_of(item, expert, today, collaboration_years, aliases)]
