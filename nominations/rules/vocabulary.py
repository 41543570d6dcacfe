"""Registered vocabularies of the codes whose one definition is a label table in the rules
(award categories and grades, talent programme kinds, materials), so that the audit view and
exports can label them too."""

from __future__ import annotations

from nominations.rules.cycle.model import CATEGORY_NAMES, GRADE_NAMES
from nominations.rules.programme.model import MATERIAL_LABELS, ProgrammeKind
from xuehui.vocabulary import labels_vocabulary

PROGRAMME_KIND_NAMES: dict[str, tuple[str, str]] = {
    ProgrammeKind.YOUTH_AWARD.value: ("青年科技奖", "Youth science and technology award"),
    ProgrammeKind.ACADEMICIAN.value: ("院士候选人推选", "Academician candidates"),
    ProgrammeKind.OUTSTANDING_WORKER.value: ("优秀科技工作者", "Outstanding science and technology workers"),
}

AwardCategory = labels_vocabulary("nominations.category", {c.value: n for c, n in CATEGORY_NAMES.items()})
AwardGrade = labels_vocabulary("nominations.grade", {g.value: n for g, n in GRADE_NAMES.items()})
ProgrammeKindName = labels_vocabulary("nominations.kind", PROGRAMME_KIND_NAMES)
Material = labels_vocabulary("nominations.material", MATERIAL_LABELS)
