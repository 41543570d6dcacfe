"""Rules on what the nominator declares with the nomination: the experts the nominee asks to be
kept away from the review (回避专家, at most `max_exclusions`), administrative staff, prior use
of the innovations in an awarded project, material shares in joint projects, the
achievement-registration number and the single-channel commitment. Each is cycle data
(`EligibilityParams`) with its source there.
"""

from __future__ import annotations

import re
import unicodedata

from nominations.rules.cycle.model import CycleConfig
from nominations.rules.eligibility_facts import EligibilityContext, NominationFacts, missing, normalise_text
from xuehui.errors import Reason


def rule_exclusions(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    limit = cycle.eligibility.max_exclusions
    reasons = []
    if len(facts.exclusions) > limit:
        reasons.append(
            Reason(
                "eligibility.too_many_exclusions",
                f"申请回避的专家不得超过{limit}名，现有{len(facts.exclusions)}名",
                f"at most {limit} experts may be excluded, this nomination names {len(facts.exclusions)}",
                "exclusions",
            )
        )
    for i, expert in enumerate(facts.exclusions):
        if not expert.name.strip():
            reasons.append(
                missing(f"exclusions[{i}].name", f"第{i + 1}位回避专家的姓名", f"the name of excluded expert {i + 1}")
            )
        if not expert.reason.strip():
            reasons.append(
                missing(f"exclusions[{i}].reason", f"第{i + 1}位回避专家的回避理由", f"why expert {i + 1} is excluded")
            )
    return reasons


def rule_administrative_staff(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    """Purely administrative or support staff are no contributors unless they are the technical
    lead or chief scientist, which the form must then say (2024 [S7])."""
    if not cycle.eligibility.administrative_staff_excluded:
        return []
    return [
        Reason(
            "eligibility.administrative_staff",
            f"第{i + 1}位完成人{person.name}为纯行政或后勤管理人员，不得作为完成人"
            "（技术负责人、首席科学家除外，须写明其技术职责）",
            f"contributor {i + 1} ({person.name}) is purely administrative or support staff and may not be a "
            "contributor (unless technical lead or chief scientist: give the technical role)",
            f"contributors[{i}].technical_role",
        )
        for i, person in enumerate(facts.contributors)
        if person.administrative and not person.technical_role.strip()
    ]


def rule_prior_use(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    """The main innovations must not have been used in an awarded project (2024 [S8]): the
    nominator declares it, and each paper and patent is looked up among the awarded projects."""
    if facts.category not in cycle.eligibility.prior_use_categories:
        return []
    reasons = []
    if not facts.prior_use_declared:
        reasons.append(
            missing(
                "prior_use_declared",
                "主要创新成果未用于已获奖项目的声明",
                "the declaration that the innovations were not used in an awarded project",
            )
        )
    items = [
        (f"papers[{i}].title", "代表性论文", "paper", p.title, "paper:" + normalise_text(p.title))
        for i, p in enumerate(facts.papers)
    ]
    items += [
        (f"patents[{i}].number", "专利", "patent", p.number, "patent:" + normalise_text(p.number))
        for i, p in enumerate(facts.patents)
    ]
    for field_name, zh_kind, en_kind, shown, key in items:
        if key in ctx.awarded_material:
            year, title = ctx.awarded_material[key]
            reasons.append(
                Reason(
                    "eligibility.innovation_used",
                    f"{zh_kind}“{shown}”已用于{year}年获奖项目“{title}”",
                    f"the {en_kind} '{shown}' was used in the project '{title}' awarded in {year}",
                    field_name,
                )
            )
    return reasons


def rule_joint_shares(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    """In a joint project the first unit and the first contributor own enough of the key
    supporting material (Shandong 2020 [S14])."""
    params = cycle.eligibility
    if len(facts.units) < 2 or facts.category not in params.first_unit_categories:
        return []
    reasons = []
    checks = (
        (
            "first_unit_share",
            facts.first_unit_share,
            params.joint_first_unit_min_share,
            "第一完成单位",
            "the first unit",
        ),
        (
            "first_contributor_share",
            facts.first_contributor_share,
            params.joint_first_contributor_min_share,
            "第一完成人",
            "the first contributor",
        ),
    )
    for field_name, share, minimum, zh, en in checks:
        if minimum is None:
            continue
        if share is None:
            reasons.append(
                missing(field_name, f"{zh}拥有的主要支撑材料比例", f"the share of the key material {en} owns")
            )
        elif share < minimum:
            reasons.append(
                Reason(
                    "eligibility.joint_share",
                    f"合作项目{zh}拥有的主要支撑材料应不少于{minimum}%，现为{share}%",
                    f"in a joint project {en} must own at least {minimum}% of the key supporting material, "
                    f"not {share}%",
                    field_name,
                )
            )
    return reasons


# What an achievement-registration number may look like: letters, digits and dashes.
_REGISTRATION = re.compile(r"^[0-9A-Z][0-9A-Z-]{4,39}$")


def rule_registration_number(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    if facts.category not in cycle.eligibility.registration_categories:
        return []
    number = unicodedata.normalize("NFKC", facts.registration_number).strip().upper()
    if not number:
        return [missing("registration_number", "成果登记号", "the achievement-registration number")]
    if not _REGISTRATION.match(number):
        return [
            Reason(
                "eligibility.registration_number",
                "成果登记号应为5至40位字母、数字或连字符",
                "the achievement-registration number has 5 to 40 letters, digits or dashes",
                "registration_number",
            )
        ]
    return []


def rule_single_channel(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    if not cycle.eligibility.single_channel_required or facts.single_channel:
        return []
    return [
        missing(
            "single_channel",
            "仅通过本渠道提名的承诺",
            "the commitment that the project is nominated through this channel only",
        )
    ]
