"""Rules on the project itself: the nominating society, category and grade, contributor and unit
limits, the first unit's province, the application period and the representative papers.
"""

from __future__ import annotations

from nominations.rules.cycle.model import CATEGORY_NAMES, GRADE_NAMES, CycleConfig, add_years
from nominations.rules.eligibility_facts import (
    EligibilityContext,
    NominationFacts,
    missing,
    normalise_text,
)
from xuehui.errors import Reason


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
        return [missing("category", "奖种", "the award category")]
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
        return [missing("grade", "提名等级", "the nominated grade")]
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
        reasons.append(missing("contributors", "完成人", "the contributors"))
    if not facts.units:
        reasons.append(missing("units", "完成单位", "the contributing units"))
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
        return [missing("units[0].province_code", "第一完成单位所在省份", "the province of the first unit")]
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
        return [missing("application_started_on", "应用起始日期", "the application start date")]
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
        return [missing("papers", "代表性论文", "the representative papers")]
    reasons = []
    for i, paper in enumerate(facts.papers):
        field_name = f"papers[{i}].published_on"
        if paper.published_on is None:
            reasons.append(missing(field_name, "论文发表日期", "the publication date"))
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
