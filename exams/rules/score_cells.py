"""How a score sheet's cells are read: texts squeezed and full-width digits folded, a score cell's
number (float noise from pasted sums rounded to the subject's decimals), and the words a clerk
types in the score column instead of a score (`缺考`).

Kept apart from the row checks (`score_import`) so each stays a page long; every function here is
pure and called hundreds of thousands of times on a large sheet, so the common case is cheap.
"""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal, InvalidOperation

from xuehui.excel_import import CellKind, CellValue, SheetRow

NOISE = 1e-9  # a float this close to its value at the subject's decimals is that value (49.900000000000006)
# Written in the score column instead of a score: read as absent, with a note in the preview.
ABSENT_WORDS = frozenset({"缺考", "absent"})


def squeeze(text: str) -> str:
    """A typed code or number without its spaces, full-width digits and letters folded (２０２６ -> 2026)."""
    text = "".join(text.split()) if " " in text or "\t" in text or "\u3000" in text else text.strip()
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def kind_value(row: SheetRow, index: int) -> tuple[CellKind, CellValue]:
    """Kind and raw value without building a `Cell`: 600,000 lookups on a 100k-row sheet."""
    if index >= len(row.values):
        return CellKind.EMPTY, None
    value = row.values[index]
    if type(value) is str and value:
        return CellKind.TEXT, value
    return row.kind(index), value


def shown(kind: CellKind, value: CellValue) -> str:
    if kind is CellKind.INT and isinstance(value, float):
        return str(int(value))
    return str(value)


def is_absent_word(kind: CellKind, value: CellValue) -> bool:
    return kind is CellKind.TEXT and squeeze(str(value)).casefold() in ABSENT_WORDS


def decimal_of(kind: CellKind, value: CellValue, places: int | None) -> Decimal | None:
    """The cell's number as a Decimal, or None if it is not one. A float within `NOISE` of its value
    rounded to `places` decimals is that rounded value; any other float keeps every digit, so a
    score with too many decimals is still refused."""
    if kind is CellKind.INT and isinstance(value, int | float):
        return Decimal(int(value))
    if kind is CellKind.FLOAT and isinstance(value, float):
        if not math.isfinite(value):  # a crafted <v>NaN</v> or inf is not a score
            return None
        # repr() is the shortest text that round-trips: 72.5 stays 72.5, not 72.5000000001.
        number = Decimal(repr(value))
        if places is not None and -number.as_tuple().exponent > places:  # type: ignore[operator]
            rounded = round(value, places)
            if abs(value - rounded) <= NOISE:
                return Decimal(repr(rounded)).quantize(Decimal(1).scaleb(-places))
        return number
    if kind is CellKind.TEXT:
        try:
            number = Decimal(squeeze(str(value)))
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None
