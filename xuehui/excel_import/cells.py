"""Cells, rows and tables as read from a sheet: each cell keeps its kind, each row its Excel number.

Every ``.xlsx`` number is an IEEE double; a number with an integral value is reported as ``INT``,
so a caller can tell an identity number typed as text from one stored as a number, whose digits
Excel already lost (it keeps 15 significant digits).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from xuehui.errors import Reason

CellValue = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None

_LETTERS = 26  # column letters A..Z, then AA
_CODE_OF_A = ord("A")


class CellKind(StrEnum):
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    DATE = "date"  # a date or a date-time
    TIME = "time"  # a time of day or a duration
    BOOL = "bool"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Cell:
    value: CellValue
    kind: CellKind

    @property
    def is_number(self) -> bool:
        return self.kind in (CellKind.INT, CellKind.FLOAT)


EMPTY_CELL = Cell(None, CellKind.EMPTY)


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One non-empty row: its 1-based Excel row number and its raw values from column A.

    Cells are classified on access (`cell`, `kind`, `value`): building a `Cell` object for each of
    800,000 cells up front cost 1.6 s on the 100k-row benchmark.
    """

    number: int
    values: tuple[CellValue, ...]

    def cell(self, column_index: int) -> Cell:
        return _classify(self.values[column_index]) if column_index < len(self.values) else EMPTY_CELL

    def kind(self, column_index: int) -> CellKind:
        if column_index >= len(self.values):
            return CellKind.EMPTY
        value = self.values[column_index]
        kind = _KIND_BY_TYPE.get(type(value))
        if kind is None:
            return _classify(value).kind
        if kind is CellKind.FLOAT and value.is_integer():  # type: ignore[union-attr]
            return CellKind.INT
        if kind is CellKind.TEXT and value == "":
            return CellKind.EMPTY
        return kind

    def value(self, column_index: int) -> CellValue:
        """The value as `cell(i).value` would give it (None when empty, int for an integral number)."""
        return self.cell(column_index).value

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(map(_classify, self.values))


@dataclass(frozen=True, slots=True)
class HeaderMap:
    """Canonical field name -> 0-based column index, plus the header row's Excel number."""

    row: int
    columns: Mapping[str, int]
    ignored: tuple[str, ...]  # header texts that matched no field
    texts: Mapping[int, str] = field(default_factory=dict)  # column -> the header text as the sheet has it

    def letter(self, field: str) -> str:
        return column_letter(self.columns[field])


@dataclass(frozen=True, slots=True)
class Table:
    """A sheet read as a header plus data rows (rows after the header, empty rows skipped).

    `problems` are the cells the reader refuses whatever the importer (error cells, formulas where
    values must be typed), kept here when the caller asked to report them beside its own;
    `other_sheets` names the sheets of the workbook that were not read, so a preview can say so.
    """

    sheet_name: str
    header: HeaderMap
    rows: tuple[SheetRow, ...]
    problems: tuple[Reason, ...] = ()
    other_sheets: tuple[str, ...] = ()
    hidden_sheets: tuple[str, ...] = ()

    def merged_problems(self, own: Sequence[Reason]) -> list[Reason]:
        """The reader's problems, then the importer's own, without a second one for a cell already reported."""
        flagged = {(p.row, p.column) for p in self.problems}
        return [*self.problems, *(p for p in own if (p.row, p.column) not in flagged)]


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, _LETTERS)
        letters = chr(_CODE_OF_A + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 0, AA -> 26."""
    index = 0
    for ch in letters:
        index = index * _LETTERS + ord(ch) - _CODE_OF_A + 1
    return index - 1


_KIND_BY_TYPE: dict[type, CellKind] = {
    str: CellKind.TEXT,
    float: CellKind.FLOAT,
    int: CellKind.INT,
    bool: CellKind.BOOL,
    dt.date: CellKind.DATE,
    dt.datetime: CellKind.DATE,
}


def _classify(value: object) -> Cell:
    # Order matters: bool is an int subclass, datetime is a date subclass.
    if value is None or value == "":
        return EMPTY_CELL
    if isinstance(value, str):
        return Cell(value, CellKind.TEXT)
    if isinstance(value, bool):
        return Cell(value, CellKind.BOOL)
    if isinstance(value, int):
        return Cell(value, CellKind.INT)
    if isinstance(value, float):
        if value.is_integer():
            return Cell(int(value), CellKind.INT)
        return Cell(value, CellKind.FLOAT)
    if isinstance(value, dt.date):
        return Cell(value, CellKind.DATE)
    if isinstance(value, dt.time | dt.timedelta):
        return Cell(value, CellKind.TIME)
    return Cell(str(value), CellKind.TEXT)


def visible(text: str) -> str:
    """A cell's text as a message may quote it: invisible and control characters shown escaped
    (a zero-width space as \\u200b), so a clerk sees why two equal-looking values differ."""
    if text.isprintable() and not any(unicodedata.category(ch) == "Cf" for ch in text):
        return text
    return "".join(ch if ch.isprintable() and unicodedata.category(ch) != "Cf" else f"\\u{ord(ch):04x}" for ch in text)


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def date_in_code_cell(value: CellValue, label_zh: str, label_en: str) -> tuple[str, str]:
    """What to say of a date where a code or number belongs (Excel turns 1-2 or 2026/1/2 into a
    date as it is typed): the date as the clerk sees it, and how to keep the code."""
    if isinstance(value, dt.date):
        shown_zh = f"{value.year}年{value.month}月{value.day}日"
        shown_en = f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    else:
        shown_zh = shown_en = str(value)
    return (
        f"{label_zh}单元格是日期（{shown_zh}），不是{label_zh}；Excel 可能把输入的内容自动转成了日期，"
        "请把该列设为文本后重新填写",
        f"the {label_en} cell holds a date ({shown_en}), not a {label_en}; Excel may have turned what was "
        "typed into a date: format the column as text and type it again",
    )


def cell_values(rows: Sequence[SheetRow], column: int) -> list[CellValue]:
    """The raw values of one column (handy in tests and previews)."""
    return [r.cell(column).value for r in rows]
