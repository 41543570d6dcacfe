"""Eligibility of one person put forward in a talent programme (award_domain.md §4-6, F12-F14).

`check_person` runs every rule and returns every failing one as a bilingual `Reason` with a
stable code and the form field it concerns, so a page can mark all problems at once:

* every kind: identity-card number valid and agreeing with the declared sex and birth date;
  nomination window; the society's quota; one recommendation per person per edition;
* youth award (F12): age at the cut-off within the limit for the sex [S45][S49][S8]; no earlier
  winner, since the award is not given twice [S46];
* academician (F13): academy the association may forward (CAE [S34]); above the normal age
  limit enough academician nominators, above the once-only age never put forward before
  [S38][S39]; no other channel [S43];
* outstanding worker (F14): title granted once [S52]; no excluded category [S54]; the unit's
  quota [S54].

Draft mode (`draft=True`) is for live checking while a form is edited: a field not filled in yet
is reported with code `talent.incomplete` rather than `talent.required`, and the rules that
need it are skipped rather than failed.

Age is the number of completed years on the cut-off day: a person born on the cut-off day N years
earlier is exactly N. This is what the notices mean when they write "<= 40, born on or after
1984-01-01" with ages counted on 31 December [S8]. No source states a leap-day convention; we
take the anniversary of 29 February in a common year to be 1 March, so on 28 February of a common
year the year is not yet completed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from nominations.rules.programme import (
    MATERIAL_LABELS,
    AcademicianRules,
    Academy,
    ExclusionCategory,
    Programme,
    WorkerRules,
    YouthRules,
)
from xuehui.errors import Reason
from xuehui.idcard import IdCard, Sex, normalise, parse

INCOMPLETE = "talent.incomplete"
REQUIRED = "talent.required"


@dataclass(frozen=True, slots=True)
class TalentPerson:
    """The form as filled in so far; None (or blank text) means "not filled in yet"."""

    name: str | None = None
    id_number: str | None = None
    sex: Sex | None = None
    birth_date: dt.date | None = None
    materials: frozenset[str] = frozenset()  # keys of the materials uploaded
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
    earlier_winners: frozenset[str] = frozenset()  # youth award winners / outstanding-worker holders
    earlier_nominees: frozenset[str] = frozenset()  # academician: put forward in an earlier edition
    other_channel_candidates: frozenset[str] = frozenset()  # academician: via a 全国学会 or academicians
    unit_used: Mapping[str, int] = field(default_factory=dict)  # worker: other recommendations per unit


# --- age --------------------------------------------------------------------------------------


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


# --- missing fields ---------------------------------------------------------------------------

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
}


def _missing(field_name: str, draft: bool) -> Reason:
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


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _missing_fields(person: TalentPerson, programme: Programme) -> list[str]:
    names = ["name", "id_number", "sex", "birth_date"]
    if isinstance(programme.rules, AcademicianRules):
        names.append("academy")
    if isinstance(programme.rules, WorkerRules):
        names += ["unit", "categories"]
    missing = [n for n in names if _blank(getattr(person, n))]
    return missing + [f"materials.{m}" for m in programme.materials if m not in person.materials]


# --- identity ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Identity:
    """Who the person is for the rules: the card's facts when it is valid, else the declared ones."""

    number: str | None  # normalised; only for a valid card
    birth_date: dt.date | None
    sex: Sex | None


def _identity(person: TalentPerson) -> tuple[_Identity, list[Reason]]:
    if _blank(person.id_number):
        return _Identity(None, person.birth_date, person.sex), []
    card = parse(person.id_number or "")
    if isinstance(card, Reason):
        return _Identity(None, person.birth_date, person.sex), [card]
    return _Identity(card.number, card.birth_date, card.sex), _card_disagreements(card, person)


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


def _age_at_cutoff(ident: _Identity, programme: Programme) -> tuple[int | None, list[Reason]]:
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


def _among(number: str | None, numbers: Iterable[str]) -> bool:
    return number is not None and number in {normalise(n) for n in numbers}


# --- rules for every kind ---------------------------------------------------------------------


def _window(programme: Programme, today: dt.date | None) -> list[Reason]:
    opens, closes = programme.window_opens, programme.window_closes
    if today is None or opens <= today <= closes:
        return []
    if today < opens:
        return [
            Reason(
                "talent.window_not_open",
                f"推荐将于{opens:%Y-%m-%d}开始",
                f"recommendations open on {opens:%Y-%m-%d}",
            )
        ]
    return [
        Reason(
            "talent.window_closed",
            f"推荐已于{closes:%Y-%m-%d}截止",
            f"recommendations closed on {closes:%Y-%m-%d}",
        )
    ]


def _society_quota(programme: Programme, context: TalentContext) -> list[Reason]:
    quota = programme.quota_per_society
    if context.society_used < quota:
        return []
    return [
        Reason(
            "talent.society_quota",
            f"本学会本届推荐名额{quota}个已用完",
            f"the society has used all {quota} recommendation slots of this edition",
        )
    ]


def _duplicate(number: str | None, context: TalentContext) -> list[Reason]:
    if not _among(number, context.other_recommendations):
        return []
    return [
        Reason(
            "talent.duplicate_recommendation",
            "此人本届已被推荐，每人每届只能推荐一次",
            "this person is already recommended in this edition; one recommendation per person per edition",
            "id_number",
        )
    ]


# --- youth award (F12) ------------------------------------------------------------------------


def _youth(
    rules: YouthRules, programme: Programme, ident: _Identity, age: int | None, context: TalentContext
) -> list[Reason]:
    reasons = []
    if age is not None and ident.sex is not None:
        limit = rules.max_age_male if ident.sex == "male" else rules.max_age_female
        if age > limit:
            sex_zh, sex_en = ("男性", "men") if ident.sex == "male" else ("女性", "women")
            earliest = earliest_birth_date(programme.age_cutoff, limit)
            reasons.append(
                Reason(
                    "talent.youth.too_old",
                    f"截至{programme.age_cutoff:%Y-%m-%d}年满{age}周岁，{sex_zh}候选人不超过{limit}周岁"
                    f"（{earliest:%Y-%m-%d}及以后出生）",
                    f"aged {age} on {programme.age_cutoff:%Y-%m-%d}; the limit for {sex_en} is {limit}"
                    f" (born on or after {earliest:%Y-%m-%d})",
                    "birth_date",
                )
            )
    if _among(ident.number, context.earlier_winners):
        reasons.append(
            Reason(
                "talent.youth.earlier_winner",
                "此人已获得过本奖项，不能重复获奖",
                "this person has won this award before; it is not given twice",
                "id_number",
            )
        )
    return reasons


# --- academician (F13) ------------------------------------------------------------------------


def _academician(
    rules: AcademicianRules,
    person: TalentPerson,
    ident: _Identity,
    age: int | None,
    context: TalentContext,
    draft: bool,
) -> list[Reason]:
    reasons = []
    if person.academy is not None and person.academy not in rules.allowed_academies:
        reasons.append(
            Reason(
                "talent.academician.academy_not_allowed",
                "省科协只能推荐中国工程院院士候选人",
                "the provincial association may forward CAE candidates only",
                "academy",
            )
        )
    if age is not None and age > rules.normal_age_limit:
        reasons += _academician_nominators(rules, person, age, draft)
    if age is not None and age > rules.once_only_above_age and _among(ident.number, context.earlier_nominees):
        reasons.append(
            Reason(
                "talent.academician.nominated_before",
                f"年满{age}周岁（超过{rules.once_only_above_age}周岁）的候选人只能被提名一次，此人此前已被提名",
                f"aged {age}, above {rules.once_only_above_age}, a candidate may be put forward only once,"
                " and this person was put forward before",
                "id_number",
            )
        )
    if rules.single_channel and _among(ident.number, context.other_channel_candidates):
        reasons.append(
            Reason(
                "talent.academician.other_channel",
                "此人已通过其他渠道被推荐，只能选择一个推荐渠道",
                "this person is already put forward through another channel; only one channel is allowed",
                "id_number",
            )
        )
    return reasons


def _academician_nominators(rules: AcademicianRules, person: TalentPerson, age: int, draft: bool) -> list[Reason]:
    total, same = person.academician_nominators, person.same_division_nominators
    # Only above the normal age limit do the counts matter, so only then are they required.
    reasons = [
        _missing(n, draft) for n in ("academician_nominators", "same_division_nominators") if _blank(getattr(person, n))
    ]
    if total is not None and total < rules.extended_min_nominators:
        reasons.append(
            Reason(
                "talent.academician.too_few_nominators",
                f"年满{age}周岁（超过{rules.normal_age_limit}周岁）需有不少于{rules.extended_min_nominators}位院士提名，"
                f"现有{total}位",
                f"aged {age}, above {rules.normal_age_limit}, a candidate needs at least"
                f" {rules.extended_min_nominators} academician nominators, not {total}",
                "academician_nominators",
            )
        )
    if same is not None and same < rules.extended_min_same_division:
        reasons.append(
            Reason(
                "talent.academician.too_few_same_division",
                f"其中本学部院士应不少于{rules.extended_min_same_division}位，现有{same}位",
                f"at least {rules.extended_min_same_division} nominators must be from the candidate's division,"
                f" not {same}",
                "same_division_nominators",
            )
        )
    if total is not None and same is not None and same > total:
        reasons.append(
            Reason(
                "talent.academician.nominator_counts",
                "同学部提名院士人数不能多于提名院士总数",
                "nominators from the same division cannot outnumber all nominators",
                "same_division_nominators",
            )
        )
    return reasons


# --- outstanding worker (F14) -----------------------------------------------------------------

_CATEGORY_LABELS: dict[ExclusionCategory, tuple[str, str]] = {
    ExclusionCategory.PARTY_STATE_ORGAN_STAFF: ("党政机关工作人员", "staff of party or state organs"),
    ExclusionCategory.ASSOCIATION_SOCIETY_STAFF: (
        "科协、学会机关专职工作人员",
        "full-time staff of an association or society office",
    ),
    ExclusionCategory.ENTERPRISE_ADMIN_STAFF: ("企业行政管理人员", "enterprise administrative staff"),
}


def _worker(rules: WorkerRules, person: TalentPerson, ident: _Identity, context: TalentContext) -> list[Reason]:
    reasons = []
    if _among(ident.number, context.earlier_winners):
        reasons.append(
            Reason(
                "talent.worker.title_held",
                "此人已获得过该称号，称号只授予一次",
                "this person already holds the title; it is granted once",
                "id_number",
            )
        )
    for category in sorted((person.categories or frozenset()) & rules.excluded_categories):
        zh, en = _CATEGORY_LABELS[category]
        reasons.append(
            Reason(
                "talent.worker.excluded_category",
                f"{zh}不参加评选",
                f"{en} are not eligible",
                "categories",
            )
        )
    unit = (person.unit or "").strip()
    if unit and context.unit_used.get(unit, 0) >= rules.per_unit_quota:
        reasons.append(
            Reason(
                "talent.worker.unit_quota",
                f"该单位推荐名额{rules.per_unit_quota}个已用完",
                f"the unit has used all {rules.per_unit_quota} recommendation slots",
                "unit",
            )
        )
    return reasons


# --- entry point ------------------------------------------------------------------------------


def check_person(
    person: TalentPerson, programme: Programme, context: TalentContext, *, draft: bool = False
) -> list[Reason]:
    """Every failing rule for `person` in `programme`; an empty list means eligible (or, in draft, no problem yet)."""
    reasons = [_missing(n, draft) for n in _missing_fields(person, programme)]
    ident, identity_reasons = _identity(person)
    age, age_reasons = _age_at_cutoff(ident, programme)
    reasons += identity_reasons + age_reasons
    reasons += _window(programme, context.today)
    reasons += _society_quota(programme, context)
    reasons += _duplicate(ident.number, context)
    rules = programme.rules
    if isinstance(rules, YouthRules):
        reasons += _youth(rules, programme, ident, age, context)
    elif isinstance(rules, AcademicianRules):
        reasons += _academician(rules, person, ident, age, context, draft)
    else:
        reasons += _worker(rules, person, ident, context)
    return reasons
