"""The score importer's messages that cover a whole column: one message per mistake, not one per
cell, naming the column letter, its header as the sheet has it, how many rows and the first few."""

from __future__ import annotations

from collections.abc import Sequence

from xuehui.errors import Reason
from xuehui.excel_import import HeaderMap

ROWS_SHOWN = 5  # rows named in a message that covers a whole column
_LABELS = {"ticket_no": "准考证号", "id_number": "身份证号", "score": "成绩"}


def _rows(numbers: Sequence[int]) -> tuple[str, str]:
    more = len(numbers) > ROWS_SHOWN
    first = [str(n) for n in numbers[:ROWS_SHOWN]]
    return "、".join(first) + ("等" if more else ""), ", ".join(first) + (" ..." if more else "")


def _column(header: HeaderMap, field: str) -> tuple[str, str]:
    return header.letter(field), header.texts.get(header.columns[field], _LABELS.get(field, field))


def stored_as_number(header: HeaderMap, field: str, found: Sequence[tuple[int, str]]) -> Reason:
    """Ticket or identity numbers stored as numbers: (Excel row, the value as shown) of each."""
    letter, text = _column(header, field)
    zh_rows, en_rows = _rows([n for n, _ in found])
    return Reason(
        "score_import.stored_as_number",
        f"{letter}列（{text}）：{len(found)}个值存为数字，位数或前导零可能已丢失（如{found[0][1]}）；"
        f"请把该列设为文本格式后重新填写（第{zh_rows}行）",
        f"column {letter} ({text}): {len(found)} values stored as numbers, digits or leading zeros may "
        f"be lost (e.g. {found[0][1]}); format the column as text and type them again (rows {en_rows})",
        field=field,
        row=found[0][0],
        column=letter,
    )


def absent_in_score(header: HeaderMap, rows: Sequence[int]) -> Reason:
    """A note, not a problem: `缺考` written in the score column of these rows, imported as absent."""
    letter, text = _column(header, "score")
    zh_rows, en_rows = _rows(rows)
    return Reason(
        "score_import.absent_in_score",
        f"{letter}列（{text}）：{len(rows)}行写有“缺考”，按缺考导入（第{zh_rows}行）",
        f"column {letter} ({text}): {len(rows)} rows say absent instead of a score and are imported "
        f"as absent (rows {en_rows})",
        field="score",
        row=rows[0],
        column=letter,
    )
