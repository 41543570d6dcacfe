"""The formal-review checklist (形式审查要点): the items the association checks on every submitted
nomination or recommendation before it goes to expert review, each ticked or failed with a
reason, and the return letter (退回修改意见) the failed items make.

The project items follow the formal-review requirements the national award office publishes for
the 国家科学技术奖 nomination book (提名书填写说明, 形式审查), which the provincial award rules
(省科学技术奖励办法实施细则) take over: complete materials, complete signatures and seals, valid
proof of intellectual property, valid proof of application and benefit, the same names and units
throughout, a completed unit notice without objection, and a category and grade the project may
take. The talent items follow the same pattern for a person's recommendation form (推荐表).

Passing all items is required to accept; failing any item requires a return, and each failed
item needs its reason, which goes into the letter the society reads on its record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from xuehui.errors import Reason

TICK = "pass"
FAIL = "fail"
# Longest reason one failed item takes.
ITEM_REASON_MAX = 1000


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    code: str
    zh: str
    en: str


PROJECT_ITEMS: tuple[ChecklistItem, ...] = (
    ChecklistItem("materials_complete", "材料齐全", "Materials complete"),
    ChecklistItem("signatures_seals", "签字盖章完整", "Signatures and seals complete"),
    ChecklistItem("ip_proof_valid", "知识产权证明有效", "Proof of intellectual property valid"),
    ChecklistItem("application_proof_valid", "应用及效益证明有效", "Proof of application and benefit valid"),
    ChecklistItem("names_consistent", "署名一致", "Names and units consistent throughout"),
    ChecklistItem("notice_no_objection", "公示无异议", "Unit notice completed without objection"),
    ChecklistItem("category_fits", "提名类别与等级符合要求", "Category and grade as allowed"),
)

TALENT_ITEMS: tuple[ChecklistItem, ...] = (
    ChecklistItem("materials_complete", "材料齐全", "Materials complete"),
    ChecklistItem("signatures_seals", "签字盖章完整", "Signatures and seals complete"),
    ChecklistItem("identity_consistent", "身份信息一致", "Identity details consistent"),
    ChecklistItem("achievements_proven", "主要成就证明材料有效", "Proof of achievements valid"),
    ChecklistItem("notice_no_objection", "公示无异议", "Unit notice completed without objection"),
)


@dataclass(frozen=True, slots=True)
class ItemResult:
    code: str
    zh: str
    en: str
    passed: bool
    reason: str

    def as_json(self) -> dict[str, object]:
        return {"code": self.code, "zh": self.zh, "en": self.en, "passed": self.passed, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Marks:
    """What the reviewer marked: for each item code, `pass`, `fail` or nothing, and a reason."""

    marks: Mapping[str, str]
    reasons: Mapping[str, str]


def mark_field(code: str) -> str:
    return f"check_{code}"


def reason_field(code: str) -> str:
    return f"reason_{code}"


def assess(items: tuple[ChecklistItem, ...], marks: Marks) -> tuple[list[ItemResult], list[Reason]]:
    """Each item's result, and the refusals: an item left unmarked, or failed without a reason
    (each beside its field)."""
    results: list[ItemResult] = []
    problems: list[Reason] = []
    for item in items:
        mark = marks.marks.get(item.code, "")
        reason = marks.reasons.get(item.code, "").strip()
        if mark not in (TICK, FAIL):
            problems.append(
                Reason(
                    "checklist.unmarked",
                    f"请勾选“{item.zh}”是否符合",
                    f"mark whether “{item.en}” is met",
                    mark_field(item.code),
                )
            )
            continue
        if mark == FAIL and not reason:
            problems.append(
                Reason(
                    "checklist.reason_missing",
                    f"“{item.zh}”不符合，须写明理由",
                    f"“{item.en}” failed: give the reason",
                    reason_field(item.code),
                )
            )
        elif len(reason) > ITEM_REASON_MAX:
            problems.append(
                Reason(
                    "checklist.reason_long",
                    f"理由最多{ITEM_REASON_MAX}字",
                    f"a reason has at most {ITEM_REASON_MAX} characters",
                    reason_field(item.code),
                )
            )
        results.append(ItemResult(item.code, item.zh, item.en, mark == TICK, reason if mark == FAIL else ""))
    return results, problems


def decision_problems(decision: str, results: list[ItemResult]) -> list[Reason]:
    """Accepting needs every item ticked; returning needs at least one failed item."""
    failed = [r for r in results if not r.passed]
    if decision == "pass" and failed:
        return [
            Reason(
                "checklist.failed_items",
                "有审查要点不符合，不能通过，请退回修改",
                "some items failed: the record cannot pass, return it for correction",
                "decision",
            )
        ]
    if decision == "return" and not failed:
        return [
            Reason(
                "checklist.nothing_failed",
                "退回修改须至少有一项审查要点不符合",
                "to return it, mark at least one item as failed",
                "decision",
            )
        ]
    return []


def return_letter(results: list[ItemResult], general: str = "") -> str:
    """The letter the society reads: each failed item with its reason, then any general remark."""
    lines = [f"{n}. {r.zh}：{r.reason}" for n, r in enumerate((r for r in results if not r.passed), start=1)]
    if general.strip():
        lines.append(general.strip())
    return "\n".join(lines)
