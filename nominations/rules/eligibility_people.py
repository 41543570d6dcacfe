"""Rules on the people and the history: identity-card numbers (valid, and agreeing with the typed
birth date and sex; every error names the contributor's row), one person in one nomination per
cycle, recent winners barred, repeat losers barred when the material repeats.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace
from fractions import Fraction

from nominations.rules.cycle.model import CycleConfig
from nominations.rules.eligibility_facts import (
    EligibilityContext,
    NominationFacts,
    PastUnsuccessful,
    fingerprint,
    missing,
)
from xuehui.errors import Reason
from xuehui.idcard import IdCard, normalise, parse


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


SEX_NAMES = {"male": ("男", "male"), "female": ("女", "female")}


def at_row(i: int, reason: Reason) -> Reason:
    """The reason prefixed with the contributor's row ("第 2 位完成人：..."), so that a message
    read apart from the form still says whose number it is about."""
    return replace(reason, zh=f"第{i + 1}位完成人：{reason.zh}", en=f"contributor {i + 1}: {reason.en}")


def _agreement(i: int, card: IdCard, birth: dt.date | None, sex: str) -> list[Reason]:
    """The typed birth date and sex against those inside the identity-card number."""
    reasons = []
    if birth is not None and birth != card.birth_date:
        reasons.append(
            Reason(
                "eligibility.birth_date_mismatch",
                f"出生日期{birth}与身份证号码中的出生日期{card.birth_date}不一致",
                f"the birth date {birth} differs from the one in the identity-card number ({card.birth_date})",
                f"contributors[{i}].birth_date",
            )
        )
    if sex in SEX_NAMES and sex != card.sex:
        reasons.append(
            Reason(
                "eligibility.sex_mismatch",
                f"性别“{SEX_NAMES[sex][0]}”与身份证号码（第17位表示{SEX_NAMES[card.sex][0]}性）不一致",
                f"the sex '{SEX_NAMES[sex][1]}' differs from the identity-card number (its 17th digit says "
                f"{SEX_NAMES[card.sex][1]})",
                f"contributors[{i}].sex",
            )
        )
    return [at_row(i, r) for r in reasons]


def rule_contributor_ids(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    reasons: list[Reason] = []
    seen: dict[str, int] = {}
    for i, person in enumerate(facts.contributors):
        if not person.name.strip():
            reasons.append(missing(f"contributors[{i}].name", "完成人姓名", "the contributor's name"))
    exempt = facts.category in cycle.eligibility.id_card_exempt_categories
    for i, key in _identities(facts, cycle):
        field_name = f"contributors[{i}].id_number"
        person = facts.contributors[i]
        if key is None:
            reasons.append(at_row(i, missing(field_name, "身份证号码", "the identity-card number")))
        elif isinstance(key, Reason):
            reasons.append(at_row(i, key))
        elif key in seen:
            reasons.append(
                at_row(
                    i,
                    Reason(
                        "eligibility.contributor_duplicate",
                        f"与第{seen[key] + 1}位完成人身份证号码相同",
                        f"same identity-card number as contributor {seen[key] + 1}",
                        field_name,
                    ),
                )
            )
        else:
            seen[key] = i
            card = None if exempt else parse(key)
            if isinstance(card, IdCard):
                reasons += _agreement(i, card, person.birth_date, person.sex)
    return reasons


def rule_one_nomination_per_person(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    if not cycle.eligibility.one_nomination_per_person:
        return []
    reasons = []
    for i, key in _identities(facts, cycle):
        if not isinstance(key, str):
            continue
        others = ctx.contributor_nominations.get(key, frozenset()) - {facts.nomination_id or ""}
        if others and others <= ctx.private_nominations:
            reasons.append(
                at_row(
                    i,
                    Reason(
                        "eligibility.contributor_unavailable",
                        f"完成人{facts.contributors[i].name}不能列为本项目的完成人，如有疑问请与省科协联系",
                        f"contributor {facts.contributors[i].name} cannot be added to this nomination; "
                        "ask the association if in doubt",
                        f"contributors[{i}].id_number",
                    ),
                )
            )
        elif others:
            reasons.append(
                at_row(
                    i,
                    Reason(
                        "eligibility.contributor_in_other_nomination",
                        f"完成人{facts.contributors[i].name}已是本周期其他提名项目的完成人",
                        f"contributor {facts.contributors[i].name} is already a contributor of another nomination "
                        "in this cycle",
                        f"contributors[{i}].id_number",
                    ),
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
                at_row(
                    i,
                    Reason(
                        "eligibility.recent_winner",
                        f"完成人{facts.contributors[i].name}于{won}年获奖，{cycle.eligibility.winner_bar_cycles}"
                        "届内不得再作为完成人",
                        f"contributor {facts.contributors[i].name} won in {won} and may not be a contributor for "
                        f"{cycle.eligibility.winner_bar_cycles} cycles",
                        f"contributors[{i}].id_number",
                    ),
                )
            )
    return reasons


# Of a project's title, first unit and first contributor, how many must agree for an earlier
# nomination (by any society) to be the same project: a renamed project, or one put forward by
# another unit or under another lead, is still caught; a new project of the same person is not.
IDENTITY_AGREEMENT = 2


def _repeats(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[PastUnsuccessful]:
    """Earlier unsuccessful nominations in the look-back whose material this one repeats."""
    params = cycle.eligibility
    oldest = cycle.year - params.repeat_lookback_cycles * cycle.years_per_cycle
    own = fingerprint(facts)
    found: dict[str, PastUnsuccessful] = {}
    agreeing: Counter[str] = Counter()
    for key in own.identity_keys:
        for past in ctx.unsuccessful_by_identity.get(key, ()):
            agreeing[past.nomination_id] += 1
            if agreeing[past.nomination_id] >= IDENTITY_AGREEMENT:
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
            f"本项目与{listed}年提名未获奖的项目相同或材料重复，不得再次提名",
            f"the project, or its material, was nominated without an award in {', '.join(str(y) for y in years)}; "
            "it may not be nominated again",
            "title",
        )
    ]
