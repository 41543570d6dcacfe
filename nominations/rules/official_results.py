"""The provincial system's official results of a cycle (省级评审结果), as admins import them from
its list (`.xlsx`: project, category, grade, outcome): pure parsing of the rows, each bad cell
reported with its row and column, and the matching key that links a row to a nomination.

The pass and award rates of the dynamic adjustment come from these rows when a cycle has them:
a row "passed formal review" unless its outcome is a formal-review rejection, and "awarded" when
its outcome is an award.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nominations.rules.cycle.model import CATEGORY_NAMES, GRADE_NAMES, Category, Grade
from nominations.rules.eligibility_facts import normalise_text
from nominations.rules.list_rows import RawRow, parse_list
from xuehui.errors import Reason
from xuehui.vocabulary import Labelled

# The headers of the list, with the variants the provincial system and offices use.
OFFICIAL_HEADERS: Mapping[str, tuple[str, ...]] = {
    "title": ("项目名称", "成果名称", "项目", "project", "project title"),
    "category": ("奖励类别", "奖种", "类别", "category", "award category"),
    "grade": ("等级", "奖励等级", "grade"),
    "outcome": ("结果", "评审结果", "授奖情况", "outcome", "result"),
}
# The template's header row, in column order.
TEMPLATE_HEADERS = ("项目名称", "奖励类别", "等级", "结果")


class OfficialOutcome(Labelled, vocabulary="nominations.official_outcome"):
    AWARDED = "awarded", "获奖", "Awarded"
    NOT_AWARDED = "not_awarded", "未获奖", "Not awarded"
    REJECTED = "rejected", "形式审查未通过", "Rejected at formal review"


# Words offices write for each outcome (after `normalise_text`), besides the labels.
OUTCOME_WORDS: Mapping[str, OfficialOutcome] = {
    "授奖": OfficialOutcome.AWARDED,
    "获奖": OfficialOutcome.AWARDED,
    "未授奖": OfficialOutcome.NOT_AWARDED,
    "未获奖": OfficialOutcome.NOT_AWARDED,
    "落选": OfficialOutcome.NOT_AWARDED,
    "形审未通过": OfficialOutcome.REJECTED,
    "形式审查不合格": OfficialOutcome.REJECTED,
    "不予受理": OfficialOutcome.REJECTED,
}


@dataclass(frozen=True, slots=True)
class OfficialRow:
    row: int  # as Excel shows it
    title: str
    category: Category
    grade: Grade | None  # None: not awarded, no grade
    outcome: OfficialOutcome

    @property
    def key(self) -> str:
        return match_key(self.title, self.category)


def match_key(title: str, category: str) -> str:
    """How a result row finds its nomination: the normalised title within its category."""
    return f"{category}:{normalise_text(title)}"


def _lookup(labels: Iterable[tuple[str, tuple[str, str]]]) -> dict[str, str]:
    found = {}
    for code, (zh, en) in labels:
        for word in (code, zh, en):
            found[normalise_text(word)] = code
    return found


CATEGORY_WORDS = _lookup((c.value, names) for c, names in CATEGORY_NAMES.items())
GRADE_WORDS = _lookup((g.value, names) for g, names in GRADE_NAMES.items())
OUTCOME_LOOKUP = {**_lookup((o.value, (o.zh, o.en)) for o in OfficialOutcome), **OUTCOME_WORDS}


def _bad(field: str, row: int, column: str, zh: str, en: str) -> Reason:
    return Reason(f"official_results.{field}", zh, en, field, row, column)


def parse_row(raw: RawRow) -> OfficialRow | list[Reason]:
    """One row, or every problem of it."""
    problems: list[Reason] = []
    text = {field: value.strip() for field, (value, _) in raw.cells.items()}
    column = {field: letter for field, (_, letter) in raw.cells.items()}
    title = text.get("title", "")
    if not title:
        problems.append(_bad("title", raw.row, column["title"], "项目名称为空", "the project title is empty"))
    category = CATEGORY_WORDS.get(normalise_text(text.get("category", "")))
    if category is None:
        shown = text.get("category", "")
        problems.append(
            _bad("category", raw.row, column["category"], f"奖励类别“{shown}”无法识别", f"unknown category {shown!r}")
        )
    outcome = OUTCOME_LOOKUP.get(normalise_text(text.get("outcome", "")))
    if outcome is None:
        shown = text.get("outcome", "")
        problems.append(
            _bad(
                "outcome",
                raw.row,
                column["outcome"],
                f"结果“{shown}”无法识别，应为获奖、未获奖或形式审查未通过",
                f"unknown outcome {shown!r}: write awarded, not awarded or rejected at formal review",
            )
        )
    grade_text = text.get("grade", "")
    grade = GRADE_WORDS.get(normalise_text(grade_text)) if grade_text else None
    if grade_text and grade is None:
        problems.append(
            _bad("grade", raw.row, column["grade"], f"等级“{grade_text}”无法识别", f"unknown grade {grade_text!r}")
        )
    if outcome == OfficialOutcome.AWARDED and grade is None and not grade_text:
        problems.append(
            _bad("grade", raw.row, column["grade"], "获奖项目须填写等级", "an awarded project needs its grade")
        )
    if problems:
        return problems
    assert category is not None and outcome is not None
    return OfficialRow(raw.row, title, Category(category), Grade(grade) if grade else None, OfficialOutcome(outcome))


def parse_rows(raws: Iterable[RawRow]) -> tuple[list[OfficialRow], list[Reason]]:
    """Every row parsed, and every problem of the file: bad cells and the same project listed twice."""

    def listed_before(raw: RawRow, first: int) -> Reason:
        zh, en = f"该项目在第{first}行已列出", f"this project is already listed on row {first}"
        return _bad("title", raw.row, raw.cells["title"][1], zh, en)

    return parse_list(raws, parse_row, lambda r: r.key, listed_before)
