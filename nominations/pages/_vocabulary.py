"""How the nomination pages name a code: every state, stage, outcome, category, grade, kind,
material or sex a page, an export or a form shows is labelled through this one module (the
states from their lifecycle enums in `nominations/rules/lifecycles.py`), so a page never prints
a raw code.

Templates get the tables and `label(table, code)` from `vocabulary()`; page code uses the same
`label`. An unknown code is shown as it is (never hidden), as `xuehui.vocabulary.label_of` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nominations import services
from nominations.rules.cycle.model import CATEGORY_NAMES, GRADE_NAMES, Category
from nominations.rules.lifecycles import (
    AdjustmentRunState,
    NominationState,
    ObjectionState,
    RecommendationState,
    ReviewStage,
    StageOutcome,
)
from nominations.rules.programme.model import MATERIAL_LABELS
from nominations.rules.talent_person import RecommendationChannel
from societies import services as societies
from xuehui.i18n import pick

LabelTable = Mapping[Any, tuple[str, str]]

SEX_NAMES: dict[str, tuple[str, str]] = {"male": ("男", "Male"), "female": ("女", "Female")}

OBJECTION_STATES = ObjectionState.labels()
ADJUSTMENT_STATES = AdjustmentRunState.labels()
REVIEW_STAGES = ReviewStage.labels()
# A review step's outcome is a stage result or the state the step moved the record to; the
# stage results win where the same code means less than the state's label ("passed" at remote
# review is not "passed formal review").
STEP_OUTCOMES: dict[str, tuple[str, str]] = {**RecommendationState.labels(), **StageOutcome.labels()}


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
    return label(NominationState.labels(), code)


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
        "STATUS_NAMES": NominationState.labels(),
        "SANCTION_KINDS": societies.SANCTION_KINDS,
        "KIND_NAMES": services.KIND_NAMES,
        "TALENT_STATUS_NAMES": RecommendationState.labels(),
        "CATEGORY_LABELS": services.CATEGORY_LABELS,
        "MATERIAL_LABELS": MATERIAL_LABELS,
        "SEX_NAMES": SEX_NAMES,
        "CHANNEL_NAMES": RecommendationChannel.labels(),
        "OBJECTION_STATES": OBJECTION_STATES,
        "ADJUSTMENT_STATES": ADJUSTMENT_STATES,
        "REVIEW_STAGES": REVIEW_STAGES,
        "STEP_OUTCOMES": STEP_OUTCOMES,
        "label": label,
    }
