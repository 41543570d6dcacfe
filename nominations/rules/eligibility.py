"""The eligibility engine for project and person nominations (F5, F6, award_domain.md §1.4).

Every rule is a pure function ``(facts, cycle, context) -> list[Reason]`` with stable codes.
`check_nomination` runs all of them and returns every failure at once, so a blocked submission
lists every failing rule. The rules and their sources:

* society may nominate and is not suspended (条例 Art 31 [S1], F3, F17);
* the category is open and the grade exists for it this cycle (§1.2, [S5]);
* contributor and unit limits per (category, grade) (§1.5: configuration, F1);
* the first contributing unit is registered in the home province (2025 [S6]);
* TI/STP: applied for ≥ N years up to the cycle's reference date (2025 [S6]);
* NS: representative papers published ≥ N years and every contributor an author (2025 [S6]);
* identity-card numbers valid (GB 11643 check digit), one person in only one nomination per
  cycle across all nominators (national 2019 [S24], F6);
* winners of the previous N cycles barred (national 2019 [S24]);
* repeat losers barred when the material repeats (Shandong 2024 [S8]).

Draft versus submit: the same rules run in both modes. A missing field yields a Reason with code
``nomination.incomplete`` (and the field); a present-but-failing fact yields an ineligibility
code. `check_draft` splits the two so the form can show "still to fill in" apart from "cannot be
nominated"; `check_nomination` (on submit) returns both, because an incomplete nomination cannot
be submitted either.

Cross-nomination checks are dict look-ups in an `EligibilityContext` built once per cycle with
`build_context` (the bench target is 20 ms per check with 5,000 nominations in context).

Repeat-material similarity (explainable on purpose): an earlier unsuccessful nomination repeats
this one when their normalised titles are equal, or when at least ``repeat_material_threshold``
of this nomination's supporting items (representative papers by normalised title, patents by
normalised number) appear in it. A project is barred when it repeats earlier unsuccessful
nominations in at least ``repeat_min_unsuccessful`` distinct cycles of the last
``repeat_lookback_cycles``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from nominations.rules.cycle import CATEGORY_NAMES, GRADE_NAMES, Category, CycleConfig, Grade, add_years
from xuehui.errors import Reason
from xuehui.idcard import IdCard, normalise, parse

INCOMPLETE = "nomination.incomplete"


@dataclass(frozen=True, slots=True)
class Contributor:
    name: str
    id_number: str
    birth_date: dt.date | None = None
    unit: str = ""
    title: str = ""
    contribution: str = ""


@dataclass(frozen=True, slots=True)
class ContributingUnit:
    name: str
    province_code: str | None = None  # GB/T 2260, e.g. "370000"


@dataclass(frozen=True, slots=True)
class Paper:
    title: str
    published_on: dt.date | None = None
    authors: tuple[str, ...] = ()  # names as printed on the paper


@dataclass(frozen=True, slots=True)
class Patent:
    number: str
    title: str = ""
    granted_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class NominationFacts:
    """What the nomination form says; fields may be empty while a draft is edited."""

    nomination_id: str | None = None  # None for a draft never saved
    title: str = ""
    category: Category | None = None
    grade: Grade | None = None
    summary: str = ""
    application_started_on: dt.date | None = None
    contributors: tuple[Contributor, ...] = ()
    units: tuple[ContributingUnit, ...] = ()
    papers: tuple[Paper, ...] = ()
    patents: tuple[Patent, ...] = ()


@dataclass(frozen=True, slots=True)
class MaterialFingerprint:
    """What the repeat rule compares; store it with each nomination (`fingerprint`)."""

    title_key: str
    material_keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class PastUnsuccessful:
    nomination_id: str
    year: int
    fingerprint: MaterialFingerprint


@dataclass(frozen=True, slots=True)
class EligibilityContext:
    """Everything outside the nomination. Build it with `build_context` for fast look-ups."""

    society_allowed: bool = True
    society_suspended: bool = False
    contributor_nominations: Mapping[str, frozenset[str]] = field(default_factory=dict)  # id number -> nominations
    past_wins: Mapping[str, int] = field(default_factory=dict)  # id number -> latest year won
    unsuccessful_by_title: Mapping[str, tuple[PastUnsuccessful, ...]] = field(default_factory=dict)
    unsuccessful_by_material: Mapping[str, tuple[PastUnsuccessful, ...]] = field(default_factory=dict)


def normalise_text(text: str) -> str:
    """Case-, width- and punctuation-insensitive form: NFKC, lower case, letters and digits only."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def fingerprint(facts: NominationFacts) -> MaterialFingerprint:
    keys = {f"paper:{normalise_text(p.title)}" for p in facts.papers if normalise_text(p.title)}
    keys |= {f"patent:{normalise_text(p.number)}" for p in facts.patents if normalise_text(p.number)}
    return MaterialFingerprint(title_key=normalise_text(facts.title), material_keys=frozenset(keys))


def build_context(
    *,
    society_allowed: bool = True,
    society_suspended: bool = False,
    cycle_contributors: Iterable[tuple[str, Iterable[str]]] = (),
    past_winners: Iterable[tuple[str, int]] = (),
    past_unsuccessful: Iterable[PastUnsuccessful] = (),
) -> EligibilityContext:
    """Index the cycle's other nominations (nomination id, contributor id numbers), past winners
    (id number, year) and earlier unsuccessful nominations. The nomination under check may be
    among them: the rules ignore its own id."""
    by_person: dict[str, set[str]] = {}
    for nomination_id, id_numbers in cycle_contributors:
        for raw in id_numbers:
            by_person.setdefault(normalise(raw), set()).add(nomination_id)
    wins: dict[str, int] = {}
    for raw, year in past_winners:
        number = normalise(raw)
        wins[number] = max(year, wins.get(number, year))
    by_title: dict[str, list[PastUnsuccessful]] = {}
    by_material: dict[str, list[PastUnsuccessful]] = {}
    for past in past_unsuccessful:
        if past.fingerprint.title_key:
            by_title.setdefault(past.fingerprint.title_key, []).append(past)
        for key in past.fingerprint.material_keys:
            by_material.setdefault(key, []).append(past)
    return EligibilityContext(
        society_allowed=society_allowed,
        society_suspended=society_suspended,
        contributor_nominations={k: frozenset(v) for k, v in by_person.items()},
        past_wins=wins,
        unsuccessful_by_title={k: tuple(v) for k, v in by_title.items()},
        unsuccessful_by_material={k: tuple(v) for k, v in by_material.items()},
    )


Rule = Callable[[NominationFacts, CycleConfig, EligibilityContext], list[Reason]]


def _missing(field_name: str, zh: str, en: str) -> Reason:
    return Reason(INCOMPLETE, f"请填写{zh}", f"please give {en}", field_name)


def rule_society(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    reasons = []
    if not ctx.society_allowed:
        reasons.append(
            Reason(
                "eligibility.society_not_allowed",
                "本学会本周期没有提名资格",
                "this society may not nominate in this cycle",
            )
        )
    if ctx.society_suspended:
        reasons.append(
            Reason(
                "eligibility.society_suspended",
                "本学会的提名资格已被暂停",
                "this society's right to nominate is suspended",
            )
        )
    return reasons


def rule_category_grade(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    if facts.category is None:
        return [_missing("category", "奖种", "the award category")]
    if facts.category not in cycle.categories:
        zh, en = CATEGORY_NAMES[facts.category]
        return [
            Reason(
                "eligibility.category_closed",
                f"本周期不受理{zh}",
                f"the {en} is not open in this cycle",
                "category",
            )
        ]
    if facts.grade is None:
        return [_missing("grade", "提名等级", "the nominated grade")]
    if cycle.grade_rule(facts.category, facts.grade) is None:
        zh, en = CATEGORY_NAMES[facts.category]
        valid_zh = "、".join(GRADE_NAMES[g][0] for g in cycle.categories[facts.category].grades)
        valid_en = ", ".join(GRADE_NAMES[g][1] for g in cycle.categories[facts.category].grades)
        return [
            Reason(
                "eligibility.grade_invalid",
                f"{zh}本周期不设{GRADE_NAMES[facts.grade][0]}，可选：{valid_zh}",
                f"the {en} has no {GRADE_NAMES[facts.grade][1]} this cycle; valid: {valid_en}",
                "grade",
            )
        ]
    return []


def rule_limits(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    reasons = []
    if not facts.contributors:
        reasons.append(_missing("contributors", "完成人", "the contributors"))
    if not facts.units:
        reasons.append(_missing("units", "完成单位", "the contributing units"))
    if facts.category is None or facts.grade is None:
        return reasons
    limits = cycle.grade_rule(facts.category, facts.grade)
    if limits is None:
        return reasons  # rule_category_grade already says why
    if len(facts.contributors) > limits.max_contributors:
        reasons.append(
            Reason(
                "eligibility.too_many_contributors",
                f"完成人不得超过{limits.max_contributors}人，现有{len(facts.contributors)}人",
                f"at most {limits.max_contributors} contributors, this nomination has {len(facts.contributors)}",
                "contributors",
            )
        )
    if len(facts.units) > limits.max_units:
        reasons.append(
            Reason(
                "eligibility.too_many_units",
                f"完成单位不得超过{limits.max_units}个，现有{len(facts.units)}个",
                f"at most {limits.max_units} contributing units, this nomination has {len(facts.units)}",
                "units",
            )
        )
    return reasons


def rule_first_unit_province(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    if not facts.units or facts.category not in cycle.eligibility.first_unit_categories:
        return []  # no units: reported by rule_limits
    first = facts.units[0]
    if not first.province_code:
        return [_missing("units[0].province_code", "第一完成单位所在省份", "the province of the first unit")]
    if first.province_code != cycle.eligibility.home_province_code:
        return [
            Reason(
                "eligibility.first_unit_outside_province",
                "第一完成单位应为在本省注册的法人单位",
                "the first contributing unit must be a legal entity registered in this province",
                "units[0].province_code",
            )
        ]
    return []


def rule_application_time(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    params = cycle.eligibility
    if facts.category not in params.application_categories:
        return []
    if facts.application_started_on is None:
        return [_missing("application_started_on", "应用起始日期", "the application start date")]
    if add_years(facts.application_started_on, params.application_years) > params.reference_date:
        return [
            Reason(
                "eligibility.application_too_recent",
                f"整体技术应用须满{params.application_years}年（截至{params.reference_date}）",
                f"the technology must have been applied for {params.application_years} years "
                f"by {params.reference_date}",
                "application_started_on",
            )
        ]
    return []


def rule_papers(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    params = cycle.eligibility
    if facts.category not in params.paper_categories:
        return []
    if not facts.papers:
        return [_missing("papers", "代表性论文", "the representative papers")]
    reasons = []
    for i, paper in enumerate(facts.papers):
        field_name = f"papers[{i}].published_on"
        if paper.published_on is None:
            reasons.append(_missing(field_name, "论文发表日期", "the publication date"))
        elif add_years(paper.published_on, params.paper_age_years) > params.reference_date:
            reasons.append(
                Reason(
                    "eligibility.paper_too_recent",
                    f"代表性论文须发表满{params.paper_age_years}年（截至{params.reference_date}）",
                    f"representative papers must have been published {params.paper_age_years} years "
                    f"before {params.reference_date}",
                    field_name,
                )
            )
    if params.contributors_must_be_authors:
        authors = {normalise_text(a) for paper in facts.papers for a in paper.authors}
        for i, person in enumerate(facts.contributors):
            if person.name and normalise_text(person.name) not in authors:
                reasons.append(
                    Reason(
                        "eligibility.contributor_not_author",
                        f"完成人{person.name}不是任何代表性论文的作者",
                        f"contributor {person.name} is not an author of any representative paper",
                        f"contributors[{i}].name",
                    )
                )
    return reasons


def _identities(facts: NominationFacts, cycle: CycleConfig) -> list[tuple[int, str | Reason | None]]:
    """Per contributor: the key that identifies the person (the normalised number), the reason the
    identity-card number is invalid, or None when it is missing. Categories exempt from the
    identity-card check (foreign candidates) use the document number as given."""
    exempt = facts.category in cycle.eligibility.id_card_exempt_categories
    result: list[tuple[int, str | Reason | None]] = []
    for i, person in enumerate(facts.contributors):
        if not person.id_number.strip():
            result.append((i, None))
        elif exempt:
            result.append((i, normalise(person.id_number)))
        else:
            card = parse(person.id_number, f"contributors[{i}].id_number")
            result.append((i, card.number if isinstance(card, IdCard) else card))
    return result


def rule_contributor_ids(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    reasons: list[Reason] = []
    seen: dict[str, int] = {}
    for i, person in enumerate(facts.contributors):
        if not person.name.strip():
            reasons.append(_missing(f"contributors[{i}].name", "完成人姓名", "the contributor's name"))
    for i, key in _identities(facts, cycle):
        field_name = f"contributors[{i}].id_number"
        if key is None:
            reasons.append(_missing(field_name, "身份证号码", "the identity-card number"))
        elif isinstance(key, Reason):
            reasons.append(key)
        elif key in seen:
            reasons.append(
                Reason(
                    "eligibility.contributor_duplicate",
                    f"与第{seen[key] + 1}位完成人身份证号码相同",
                    f"same identity-card number as contributor {seen[key] + 1}",
                    field_name,
                )
            )
        else:
            seen[key] = i
    return reasons


def rule_one_nomination_per_person(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    if not cycle.eligibility.one_nomination_per_person:
        return []
    reasons = []
    for i, key in _identities(facts, cycle):
        if not isinstance(key, str):
            continue
        others = ctx.contributor_nominations.get(key, frozenset()) - {facts.nomination_id or ""}
        if others:
            reasons.append(
                Reason(
                    "eligibility.contributor_in_other_nomination",
                    f"完成人{facts.contributors[i].name}已是本周期其他提名项目的完成人",
                    f"contributor {facts.contributors[i].name} is already a contributor of another nomination "
                    "in this cycle",
                    f"contributors[{i}].id_number",
                )
            )
    return reasons


def rule_recent_winner(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    bar_years = cycle.eligibility.winner_bar_cycles * cycle.years_per_cycle
    reasons = []
    for i, key in _identities(facts, cycle):
        if not isinstance(key, str) or key not in ctx.past_wins:
            continue
        won = ctx.past_wins[key]
        if 0 < cycle.year - won <= bar_years:
            reasons.append(
                Reason(
                    "eligibility.recent_winner",
                    f"完成人{facts.contributors[i].name}于{won}年获奖，{cycle.eligibility.winner_bar_cycles}"
                    "届内不得再作为完成人",
                    f"contributor {facts.contributors[i].name} won in {won} and may not be a contributor for "
                    f"{cycle.eligibility.winner_bar_cycles} cycles",
                    f"contributors[{i}].id_number",
                )
            )
    return reasons


def _repeats(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[PastUnsuccessful]:
    """Earlier unsuccessful nominations in the look-back whose material this one repeats."""
    params = cycle.eligibility
    oldest = cycle.year - params.repeat_lookback_cycles * cycle.years_per_cycle
    own = fingerprint(facts)
    found: dict[str, PastUnsuccessful] = {}
    if own.title_key:
        for past in ctx.unsuccessful_by_title.get(own.title_key, ()):
            found[past.nomination_id] = past
    shared: Counter[str] = Counter()
    by_id: dict[str, PastUnsuccessful] = {}
    for key in own.material_keys:
        for past in ctx.unsuccessful_by_material.get(key, ()):
            shared[past.nomination_id] += 1
            by_id[past.nomination_id] = past
    # exact arithmetic: 7 of 10 items must meet a 0.7 threshold (0.7 * 10 > 7 in floats)
    needed = Fraction(str(params.repeat_material_threshold)) * len(own.material_keys)
    for nomination_id, count in shared.items():
        if count >= needed:
            found[nomination_id] = by_id[nomination_id]
    return [p for p in found.values() if oldest <= p.year < cycle.year and p.nomination_id != facts.nomination_id]


def rule_repeat_unsuccessful(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    params = cycle.eligibility
    if params.repeat_min_unsuccessful == 0:
        return []  # 0 switches the rule off
    years = sorted({p.year for p in _repeats(facts, cycle, ctx)})
    if len(years) < params.repeat_min_unsuccessful:
        return []
    listed = "、".join(str(y) for y in years)
    return [
        Reason(
            "eligibility.repeat_unsuccessful",
            f"本项目材料与{listed}年未获奖的提名重复，不得再次提名",
            f"the material repeats unsuccessful nominations of {', '.join(str(y) for y in years)}; "
            "it may not be nominated again",
            "title",
        )
    ]


RULES: tuple[Rule, ...] = (
    rule_society,
    rule_category_grade,
    rule_limits,
    rule_first_unit_province,
    rule_application_time,
    rule_papers,
    rule_contributor_ids,
    rule_one_nomination_per_person,
    rule_recent_winner,
    rule_repeat_unsuccessful,
)


@dataclass(frozen=True, slots=True)
class DraftCheck:
    problems: tuple[Reason, ...]  # would block submission even when complete
    incomplete: tuple[Reason, ...]  # fields still to fill in

    @property
    def ok(self) -> bool:
        return not self.problems and not self.incomplete


def check_nomination(facts: NominationFacts, cycle: CycleConfig, context: EligibilityContext) -> list[Reason]:
    """Every failing rule (missing fields included), in rule order; empty means it may be submitted."""
    return [reason for rule in RULES for reason in rule(facts, cycle, context)]


def check_draft(facts: NominationFacts, cycle: CycleConfig, context: EligibilityContext) -> DraftCheck:
    """The same rules for the live form, with missing fields set apart from real problems."""
    reasons = check_nomination(facts, cycle, context)
    return DraftCheck(
        problems=tuple(r for r in reasons if r.code != INCOMPLETE),
        incomplete=tuple(r for r in reasons if r.code == INCOMPLETE),
    )
