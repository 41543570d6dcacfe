"""The person put forward and what the rules know of everyone else; age at the cut-off, the fields
still missing, and the identity read from the identity-card number (see `talent` for the age
convention).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from nominations.rules.programme.model import (
    MATERIAL_LABELS,
    AcademicianRules,
    Academy,
    ExclusionCategory,
    Programme,
    WorkerRules,
)
from xuehui.errors import Reason
from xuehui.idcard import IdCard, Sex, normalise, parse
from xuehui.vocabulary import Labelled

INCOMPLETE = "talent.incomplete"
REQUIRED = "talent.required"


class RecommendationChannel(Labelled, vocabulary="nominations.recommendation_channel"):
    """Who puts the person forward: the society (on its quota), or an academician (youth award:
    one candidate within the academician's own first-level discipline, outside the quota)."""

    SOCIETY = "society", "学会推荐", "Recommended by the society"
    ACADEMICIAN = "academician", "院士提名", "Nominated by an academician"


@dataclass(frozen=True, slots=True)
class TalentPerson:
    """The form as filled in so far; None (or blank text) means "not filled in yet"."""

    name: str | None = None
    id_number: str | None = None
    sex: Sex | None = None
    birth_date: dt.date | None = None
    materials: frozenset[str] = frozenset()  # keys of the materials uploaded
    discipline: str | None = None
    channel: RecommendationChannel = RecommendationChannel.SOCIETY
    nominating_academician: str | None = None  # academician channel: who nominates
    academician_discipline: str | None = None  # ... and their first-level discipline
    # academician
    academy: Academy | None = None
    academician_nominators: int | None = None
    same_division_nominators: int | None = None
    # outstanding worker
    unit: str | None = None  # the work unit, key of the per-unit quota
    categories: frozenset[ExclusionCategory] | None = None  # declared; empty set = none apply


@dataclass(frozen=True, slots=True)
class TalentContext:
    """What the rules need to know about everyone else; ID numbers in any spelling `parse` accepts."""

    today: dt.date | None = None  # None skips the window check (e.g. a re-check after the window)
    society_used: int = 0  # the society's other recommendations in this edition
    other_recommendations: frozenset[str] = frozenset()  # this edition, every channel, excluding this one
    # Of those, the numbers recommended only by other societies, which the one checking may not
    # learn of: told only as "cannot be recommended" (the association sees the detail).
    private_recommendations: frozenset[str] = frozenset()
    earlier_winners: frozenset[str] = frozenset()  # youth award winners / outstanding-worker holders
    earlier_nominees: frozenset[str] = frozenset()  # academician: put forward in an earlier edition
    # academician: normalised number -> (zh, en) words of the other channel the person came through
    other_channels: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    same_unit_used: int = 0  # worker: other live recommendations from the same unit (names normalised)
    academician_used: int = 0  # academician channel: this academician's other live nominations here


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Completed years on `on`; the birthday itself completes the year (29 Feb: on 1 Mar in common years)."""
    if on < birth_date:
        raise ValueError("the day is before the birth date")
    # Comparing (month, day) puts (2, 29) after (2, 28), so a common year's 28 Feb does not complete it.
    had_birthday = (on.month, on.day) >= (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (0 if had_birthday else 1)


def earliest_birth_date(cutoff: dt.date, max_age: int) -> dt.date:
    """The earliest birth date with `age_on(birth, cutoff) <= max_age` (the notices' "born on or after")."""
    year = cutoff.year - max_age - 1
    if (cutoff.month, cutoff.day) == (2, 29):
        # Whoever was born up to 29 Feb of that year (leap or not) is already max_age + 1.
        return dt.date(year, 3, 1)
    # Born on the cut-off's month-day that year is exactly max_age + 1; the next day is not.
    return dt.date(year, cutoff.month, cutoff.day) + dt.timedelta(days=1)


_FIELD_LABELS: dict[str, tuple[str, str]] = {
    "name": ("姓名", "the name"),
    "id_number": ("身份证号码", "the identity-card number"),
    "sex": ("性别", "the sex"),
    "birth_date": ("出生日期", "the birth date"),
    "academy": ("推荐学部（院）", "the academy"),
    "academician_nominators": ("提名院士人数", "the number of academician nominators"),
    "same_division_nominators": ("同学部提名院士人数", "the number of nominators from the same division"),
    "unit": ("工作单位", "the work unit"),
    "categories": ("人员类别声明", "the staff-category declaration"),
    "discipline": ("学科领域", "the discipline"),
    "nominating_academician": ("提名院士姓名", "the nominating academician's name"),
    "academician_discipline": ("提名院士所在一级学科", "the nominating academician's first-level discipline"),
}


def missing_reason(field_name: str, draft: bool) -> Reason:
    if field_name.startswith("materials."):
        key = field_name.removeprefix("materials.")
        zh, en = MATERIAL_LABELS.get(key, (key, key))
        if draft:
            return Reason(INCOMPLETE, f"尚未上传{zh}", f"the {en} is not uploaded yet", field_name)
        return Reason(REQUIRED, f"缺少{zh}", f"the {en} is missing", field_name)
    zh, en = _FIELD_LABELS[field_name]
    if draft:
        return Reason(INCOMPLETE, f"尚未填写{zh}", f"{en} is not filled in yet", field_name)
    return Reason(REQUIRED, f"{zh}为必填项", f"{en} is required", field_name)


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def missing_fields(person: TalentPerson, programme: Programme) -> list[str]:
    names = ["name", "id_number", "sex", "birth_date"]
    if isinstance(programme.rules, AcademicianRules):
        names.append("academy")
    if isinstance(programme.rules, WorkerRules):
        names += ["unit", "categories"]
    if person.channel is RecommendationChannel.ACADEMICIAN:
        names += ["discipline", "nominating_academician", "academician_discipline"]
    missing = [n for n in names if blank(getattr(person, n))]
    return missing + [f"materials.{m}" for m in programme.materials if m not in person.materials]


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the person is for the rules: the card's facts when it is valid, else the declared ones."""

    number: str | None  # normalised; only for a valid card
    birth_date: dt.date | None
    sex: Sex | None


def identity(person: TalentPerson) -> tuple[Identity, list[Reason]]:
    if blank(person.id_number):
        return Identity(None, person.birth_date, person.sex), []
    card = parse(person.id_number or "")
    if isinstance(card, Reason):
        return Identity(None, person.birth_date, person.sex), [card]
    return Identity(card.number, card.birth_date, card.sex), _card_disagreements(card, person)


def _card_disagreements(card: IdCard, person: TalentPerson) -> list[Reason]:
    reasons = []
    if person.sex is not None and person.sex != card.sex:
        reasons.append(
            Reason(
                "talent.sex_mismatch",
                "填写的性别与身份证号码不一致",
                "the declared sex does not match the identity-card number",
                "sex",
            )
        )
    if person.birth_date is not None and person.birth_date != card.birth_date:
        reasons.append(
            Reason(
                "talent.birth_date_mismatch",
                f"填写的出生日期与身份证号码（{card.birth_date:%Y-%m-%d}）不一致",
                f"the declared birth date does not match the identity-card number ({card.birth_date:%Y-%m-%d})",
                "birth_date",
            )
        )
    return reasons


def age_at_cutoff(ident: Identity, programme: Programme) -> tuple[int | None, list[Reason]]:
    """Age on the cut-off day; None when the birth date is unknown or after the cut-off."""
    if ident.birth_date is None:
        return None, []
    if ident.birth_date > programme.age_cutoff:
        reason = Reason(
            "talent.born_after_cutoff",
            f"出生日期晚于年龄计算截止日{programme.age_cutoff:%Y-%m-%d}",
            f"the birth date is after the age cut-off date {programme.age_cutoff:%Y-%m-%d}",
            "birth_date",
        )
        return None, [reason]
    return age_on(ident.birth_date, programme.age_cutoff), []


def among(number: str | None, numbers: Iterable[str]) -> bool:
    return number is not None and number in {normalise(n) for n in numbers}
