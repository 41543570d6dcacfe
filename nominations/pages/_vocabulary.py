"""How the nomination pages name a code: every state, stage, outcome, category, grade, kind,
material or sex a page, an export or a form shows is labelled through this one module, so a
page never prints a raw code and moving the labels to the lifecycle enums is a change here only.

Templates get the tables and `label(table, code)` from `vocabulary()`; page code uses the same
`label`. An unknown code is shown as it is (never hidden), as `xuehui.vocabulary.label_of` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nominations import services
from nominations.rules.cycle import CATEGORY_NAMES, GRADE_NAMES, Category
from nominations.rules.programme import MATERIAL_LABELS
from societies import services as societies
from xuehui.i18n import pick

LabelTable = Mapping[Any, tuple[str, str]]

SEX_NAMES: dict[str, tuple[str, str]] = {"male": ("男", "Male"), "female": ("女", "Female")}

# The codes below have no labelled definition in the services or rules yet; they move to the
# lifecycle enums of `nominations/rules` (ObjectionState, AdjustmentRunState, ReviewStage,
# StageOutcome ...) when those land, with the same labels.
OBJECTION_STATES: dict[str, tuple[str, str]] = {
    "received": ("已受理", "Received"),
    "investigating": ("调查核实中", "Under investigation"),
    "upheld": ("异议成立", "Upheld"),
    "dismissed": ("异议不成立", "Dismissed"),
}

ADJUSTMENT_STATES: dict[str, tuple[str, str]] = {
    "proposed": ("待发布的调整方案", "Proposed, not yet published"),
    "published": ("已发布", "Published"),
    "superseded": ("已被新方案取代", "Superseded by a later publication"),
}

REVIEW_STAGES: dict[str, tuple[str, str]] = {
    "formal_review": ("形式审查", "Formal review"),
    "objection": ("异议处理", "Objection"),
    "remote_review": ("网络评审", "Remote review"),
    "panel_review": ("会议评审", "Panel review"),
    "award_committee": ("奖励委员会审定", "Award committee"),
    "committee_vote": ("推选委员会投票", "Selection committee ballot"),
    "final_list": ("确定最终名单", "Final list"),
    "withdrawal": ("撤回", "Withdrawal"),
}

# A review step's outcome is a stage result or the state the step moved the record to; the
# stage results win where the same code means less than the state's label ("passed" at remote
# review is not "passed formal review").
STAGE_OUTCOMES: dict[str, tuple[str, str]] = {
    "passed": ("通过", "Passed"),
    "failed": ("未通过", "Not passed"),
    "awarded": ("获奖", "Awarded"),
    "not_awarded": ("未获奖", "Not awarded"),
    "returned": ("退回修改", "Returned for correction"),
    "rejected": ("不通过", "Rejected"),
    "disqualified": ("取消资格", "Disqualified"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
STEP_OUTCOMES: dict[str, tuple[str, str]] = {**services.TALENT_STATUS_NAMES, **STAGE_OUTCOMES}


def label(table: LabelTable, key: Any) -> str:
    """`key`'s label from `table` in the page language; an unknown code is shown as it is."""
    for candidate, (zh, en) in table.items():
        if str(candidate) == str(key):
            return pick(zh, en)
    return str(key or "")


def category_label(code: str) -> str:
    return label(CATEGORY_NAMES, code)


def grade_label(code: str) -> str:
    return label(GRADE_NAMES, code)


def status_label(code: str) -> str:
    """A project nomination's state."""
    return label(services.STATUS_NAMES, code)


def sex_label(code: str) -> str:
    return label(SEX_NAMES, code)


def category_choices() -> list[tuple[str, str]]:
    return [(c.value, pick(*CATEGORY_NAMES[c])) for c in Category]


def grade_choices() -> list[tuple[str, str]]:
    return [(g.value, pick(*names)) for g, names in GRADE_NAMES.items()]


def vocabulary() -> dict[str, Any]:
    """Every label table a nomination template uses, with `label` to apply one."""
    return {
        "categories": category_choices(),
        "grades": grade_choices(),
        "CATEGORY_NAMES": CATEGORY_NAMES,
        "GRADE_NAMES": GRADE_NAMES,
        "STATUS_NAMES": services.STATUS_NAMES,
        "SANCTION_KINDS": societies.SANCTION_KINDS,
        "KIND_NAMES": services.KIND_NAMES,
        "TALENT_STATUS_NAMES": services.TALENT_STATUS_NAMES,
        "CATEGORY_LABELS": services.CATEGORY_LABELS,
        "MATERIAL_LABELS": MATERIAL_LABELS,
        "SEX_NAMES": SEX_NAMES,
        "OBJECTION_STATES": OBJECTION_STATES,
        "ADJUSTMENT_STATES": ADJUSTMENT_STATES,
        "REVIEW_STAGES": REVIEW_STAGES,
        "STEP_OUTCOMES": STEP_OUTCOMES,
        "label": label,
    }
