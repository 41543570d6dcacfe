"""The rows of a list an admin imports from a workbook (the provincial official results, the
other channels' candidates): each row's text by field with its column, and one pass over the
rows that parses each, keeps the first of each key and reports every problem with its row and
column. Pure; the lists' own rules parse one row each."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from xuehui.errors import Reason

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row as read: its Excel row number and the text of each field with its column."""

    row: int
    cells: Mapping[str, tuple[str, str]]  # field -> (text, column letter)


def parse_list(
    raws: Iterable[RawRow],
    parse_row: Callable[[RawRow], T | list[Reason]],
    key: Callable[[T], str],
    listed_before: Callable[[RawRow, int], Reason],
) -> tuple[list[T], list[Reason]]:
    """Every row parsed, and every problem of the file: bad cells, and a row whose key an earlier
    row has (`listed_before(row, first row)` says so)."""
    rows: list[T] = []
    problems: list[Reason] = []
    first_row: dict[str, int] = {}
    for raw in raws:
        parsed = parse_row(raw)
        if isinstance(parsed, list):
            problems.extend(parsed)
            continue
        if key(parsed) in first_row:
            problems.append(listed_before(raw, first_row[key(parsed)]))
            continue
        first_row[key(parsed)] = raw.row
        rows.append(parsed)
    return rows, problems
