"""The rules of each kind: for every kind the window, the society's quota and one recommendation
per person; then the youth award (F12), academician candidates (F13) and outstanding workers (F14).
"""

from __future__ import annotations

import datetime as dt

from nominations.rules.eligibility_facts import normalise_text
from nominations.rules.programme.model import AcademicianRules, ExclusionCategory, Programme, WorkerRules, YouthRules
from nominations.rules.talent_person import (
    Identity,
    RecommendationChannel,
    TalentContext,
    TalentPerson,
    among,
    blank,
    earliest_birth_date,
    missing_reason,
)
from xuehui.errors import Reason


def check_window(programme: Programme, today: dt.date | None) -> list[Reason]:
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


def check_society_quota(programme: Programme, context: TalentContext) -> list[Reason]:
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


def check_duplicate(number: str | None, context: TalentContext) -> list[Reason]:
    if not among(number, context.other_recommendations):
        return []
    if among(number, context.private_recommendations):
        return [
            Reason(
                "talent.person_unavailable",
                "此人不能由本学会推荐，如有疑问请与省科协联系",
                "this person cannot be recommended by your society; ask the association if in doubt",
                "id_number",
            )
        ]
    return [
        Reason(
            "talent.duplicate_recommendation",
            "此人本届已被推荐，每人每届只能推荐一次",
            "this person is already recommended in this edition; one recommendation per person per edition",
            "id_number",
        )
    ]


def check_youth(
    rules: YouthRules, programme: Programme, ident: Identity, age: int | None, context: TalentContext
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
    if among(ident.number, context.earlier_winners):
        reasons.append(
            Reason(
                "talent.youth.earlier_winner",
                "此人已获得过本奖项，不能重复获奖",
                "this person has won this award before; it is not given twice",
                "id_number",
            )
        )
    return reasons


def check_academician(
    rules: AcademicianRules,
    person: TalentPerson,
    ident: Identity,
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
    if age is not None and age > rules.once_only_above_age and among(ident.number, context.earlier_nominees):
        reasons.append(
            Reason(
                "talent.academician.nominated_before",
                f"年满{age}周岁（超过{rules.once_only_above_age}周岁）的候选人只能被提名一次，此人此前已被提名",
                f"aged {age}, above {rules.once_only_above_age}, a candidate may be put forward only once,"
                " and this person was put forward before",
                "id_number",
            )
        )
    if rules.single_channel and ident.number is not None and ident.number in context.other_channels:
        zh, en = context.other_channels[ident.number]
        reasons.append(
            Reason(
                "talent.academician.other_channel",
                f"此人已通过{zh}被推荐，每位候选人只能选择一个推荐渠道",
                f"this person is already put forward through another channel: {en}; only one channel is allowed",
                "id_number",
            )
        )
    return reasons


def _academician_nominators(rules: AcademicianRules, person: TalentPerson, age: int, draft: bool) -> list[Reason]:
    total, same = person.academician_nominators, person.same_division_nominators
    # Only above the normal age limit do the counts matter, so only then are they required.
    reasons = [
        missing_reason(n, draft)
        for n in ("academician_nominators", "same_division_nominators")
        if blank(getattr(person, n))
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


_CATEGORY_LABELS: dict[ExclusionCategory, tuple[str, str]] = {
    ExclusionCategory.PARTY_STATE_ORGAN_STAFF: ("党政机关工作人员", "staff of party or state organs"),
    ExclusionCategory.ASSOCIATION_SOCIETY_STAFF: (
        "科协、学会机关专职工作人员",
        "full-time staff of an association or society office",
    ),
    ExclusionCategory.ENTERPRISE_ADMIN_STAFF: ("企业行政管理人员", "enterprise administrative staff"),
}


def check_worker(rules: WorkerRules, person: TalentPerson, ident: Identity, context: TalentContext) -> list[Reason]:
    reasons = []
    if among(ident.number, context.earlier_winners):
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
    if (person.unit or "").strip() and context.same_unit_used >= rules.per_unit_quota:
        reasons.append(
            Reason(
                "talent.worker.unit_quota",
                f"该单位推荐名额{rules.per_unit_quota}个已用完",
                f"the unit has used all {rules.per_unit_quota} recommendation slots",
                "unit",
            )
        )
    return reasons


def check_channel(programme: Programme, person: TalentPerson, context: TalentContext) -> list[Reason]:
    """The academician channel: offered by the programme, one candidate per academician per
    edition, within the academician's own first-level discipline [S49]."""
    if person.channel is not RecommendationChannel.ACADEMICIAN:
        return []
    rules = programme.rules
    if not isinstance(rules, YouthRules) or not rules.academician_channel:
        return [
            Reason(
                "talent.channel.not_offered",
                "本项目不接受院士提名，请选择学会推荐",
                "this programme takes no nominations by academicians; choose the society's recommendation",
                "channel",
            )
        ]
    reasons = []
    own, theirs = normalise_text(person.discipline or ""), normalise_text(person.academician_discipline or "")
    if own and theirs and own != theirs:
        reasons.append(
            Reason(
                "talent.channel.other_discipline",
                f"院士只能提名本人一级学科内的候选人：提名院士为{person.academician_discipline}，"
                f"候选人为{person.discipline}",
                f"an academician nominates within their own first-level discipline: the academician's is"
                f" {person.academician_discipline}, the candidate's {person.discipline}",
                "academician_discipline",
            )
        )
    if context.academician_used > 0:
        reasons.append(
            Reason(
                "talent.channel.academician_used",
                "该院士本届已提名一位候选人，每位院士只能提名一人",
                "this academician has already nominated a candidate in this edition; one each",
                "nominating_academician",
            )
        )
    return reasons
