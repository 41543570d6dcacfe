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
* person awards with an age limit: 科学技术青年奖 ≤ 40 on the cycle's cut-off date ([S6][S8]);
* identity-card numbers valid (GB 11643 check digit), one person in only one nomination per
  cycle across all nominators (national 2019 [S24], F6);
* winners of the previous N cycles barred (national 2019 [S24]);
* repeat losers barred when the material repeats (Shandong 2024 [S8]);
* purely administrative or support staff are no contributors unless technical lead or chief
  scientist (2024 [S7]);
* the main innovations not used in an awarded project: declared, and every paper and patent
  looked up among the awarded projects on record and the official results (2024 [S8]);
* joint projects: the first unit owns ≥ 40 % and the first contributor ≥ 30 % of the key
  supporting material (2020 [S14]);
* the achievement-registration number (成果登记号, Jinan 2019 [S15]) and the single-channel
  commitment;
* every completer publicised in their own unit for ≥ 5 working days, over before submission
  (Jinan 2019 [S15]);
* the society's own selection before it forwards: an expert review (date, experts, result) and
  its own notice of ≥ 5 working days, over before submission ([S8]; the minimum number of
  experts is ASSUMED);
* at most `max_exclusions` experts excluded by the nominee, each named with a reason (the
  pool's limit of 3; the CAST rule is not in the reference: ASSUMED).

Draft versus submit: the same rules run in both modes. A missing field yields a Reason with code
``nomination.incomplete`` (and the field); a present-but-failing fact yields an ineligibility
code. `check_draft` splits the two so the form can show "still to fill in" apart from "cannot be
nominated"; `check_nomination` (on submit) returns both, because an incomplete nomination cannot
be submitted either.

Cross-nomination checks are dict look-ups in an `EligibilityContext` built once per cycle with
`build_context` (the bench target is 20 ms per check with 5,000 nominations in context).

Repeat-loser similarity (explainable on purpose): an earlier nomination that went to review and
was not awarded (by any society: the rule follows the project, not its nominator; a formal-review
rejection is not a loss) is the same project when two of its title, first unit and first
contributor's identity number agree with this one's (normalised), or when at least
``repeat_material_threshold`` of this nomination's supporting items (representative papers by
normalised title, patents by normalised number) appear in it. A project is barred when it
repeats earlier unsuccessful nominations in at least ``repeat_min_unsuccessful`` distinct cycles
of the last ``repeat_lookback_cycles``.

The rooms: `eligibility_facts` (the facts, the cycle context, fingerprints, `build_context`),
`eligibility_project` (rules on the project) and `eligibility_people` (rules on the people and
the history); this module holds the rule order and the two entry points. Every name stays
importable from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from nominations.rules.cycle.model import CycleConfig
from nominations.rules.eligibility_age import rule_age_limit
from nominations.rules.eligibility_declarations import (
    rule_administrative_staff,
    rule_exclusions,
    rule_joint_shares,
    rule_prior_use,
    rule_registration_number,
    rule_single_channel,
)
from nominations.rules.eligibility_facts import (
    INCOMPLETE,
    ContributingUnit,
    Contributor,
    EligibilityContext,
    ExcludedExpert,
    MaterialFingerprint,
    NominationFacts,
    Paper,
    PastUnsuccessful,
    Patent,
    Period,
    Rule,
    SocietySelection,
    build_context,
    fingerprint,
    normalise_text,
)
from nominations.rules.eligibility_notices import rule_society_selection, rule_unit_notice
from nominations.rules.eligibility_people import (
    rule_contributor_ids,
    rule_one_nomination_per_person,
    rule_recent_winner,
    rule_repeat_unsuccessful,
)
from nominations.rules.eligibility_project import (
    rule_application_time,
    rule_category_grade,
    rule_first_unit_province,
    rule_limits,
    rule_papers,
    rule_society,
)
from xuehui.errors import Reason

RULES: tuple[Rule, ...] = (
    rule_society,
    rule_category_grade,
    rule_limits,
    rule_first_unit_province,
    rule_application_time,
    rule_papers,
    rule_contributor_ids,
    rule_age_limit,
    rule_one_nomination_per_person,
    rule_recent_winner,
    rule_repeat_unsuccessful,
    rule_administrative_staff,
    rule_prior_use,
    rule_joint_shares,
    rule_registration_number,
    rule_single_channel,
    rule_unit_notice,
    rule_society_selection,
    rule_exclusions,
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


__all__ = [
    "INCOMPLETE",
    "RULES",
    "ContributingUnit",
    "Contributor",
    "DraftCheck",
    "EligibilityContext",
    "ExcludedExpert",
    "MaterialFingerprint",
    "NominationFacts",
    "Paper",
    "PastUnsuccessful",
    "Patent",
    "Period",
    "Rule",
    "SocietySelection",
    "build_context",
    "check_draft",
    "check_nomination",
    "fingerprint",
    "normalise_text",
    "rule_administrative_staff",
    "rule_age_limit",
    "rule_application_time",
    "rule_category_grade",
    "rule_contributor_ids",
    "rule_exclusions",
    "rule_first_unit_province",
    "rule_joint_shares",
    "rule_limits",
    "rule_one_nomination_per_person",
    "rule_papers",
    "rule_prior_use",
    "rule_recent_winner",
    "rule_registration_number",
    "rule_repeat_unsuccessful",
    "rule_single_channel",
    "rule_society",
    "rule_society_selection",
    "rule_unit_notice",
]
