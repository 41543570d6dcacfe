"""Rules on what the nominator declares with the nomination: the experts the nominee asks to be
kept away from the review (回避专家, at most `max_exclusions`).
"""

from __future__ import annotations

from nominations.rules.cycle.model import CycleConfig
from nominations.rules.eligibility_facts import EligibilityContext, NominationFacts, missing
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
