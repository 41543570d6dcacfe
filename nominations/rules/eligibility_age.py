"""The age limit of a person award (科学技术青年奖 ≤ 40, [S6][S8]): every candidate's age on the
cycle's cut-off date, from the birth date inside the identity-card number when the number is
valid, else the birth date as typed.
"""

from __future__ import annotations

import datetime as dt

from nominations.rules.cycle.model import CATEGORY_NAMES, CycleConfig
from nominations.rules.eligibility_facts import EligibilityContext, NominationFacts, missing
from xuehui.errors import Reason
from xuehui.idcard import IdCard, parse


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years of age on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birth_date_of(id_number: str, typed: dt.date | None) -> dt.date | None:
    """The birth date the identity-card number gives (when valid), else the typed one."""
    card = parse(id_number) if id_number.strip() else None
    return card.birth_date if isinstance(card, IdCard) else typed


def rule_age_limit(facts: NominationFacts, cycle: CycleConfig, ctx: EligibilityContext) -> list[Reason]:
    if facts.category is None or facts.category not in cycle.eligibility.age_limits:
        return []
    limit = cycle.eligibility.age_limits[facts.category]
    cut_off = cycle.eligibility.age_cut_off_for(cycle.year)
    zh, en = CATEGORY_NAMES[facts.category]
    reasons = []
    for i, person in enumerate(facts.contributors):
        birth = birth_date_of(person.id_number, person.birth_date)
        if birth is None:
            reasons.append(missing(f"contributors[{i}].birth_date", "出生日期", "the birth date"))
            continue
        age = age_on(birth, cut_off)
        if age > limit:
            reasons.append(
                Reason(
                    "eligibility.too_old",
                    f"第{i + 1}位完成人{person.name}截至{cut_off}已满{age}周岁，{zh}限{limit}周岁以下",
                    f"contributor {i + 1} ({person.name}) is {age} on {cut_off}; the {en} is for candidates "
                    f"aged {limit} or under",
                    f"contributors[{i}].birth_date",
                )
            )
    return reasons
