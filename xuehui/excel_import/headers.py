"""Headers: fold the usual variants of a header text together and map a header row to fields."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping

from xuehui.errors import InvalidInput, Reason
from xuehui.excel_import.cells import CellKind, HeaderMap, SheetRow, column_letter
from xuehui.excel_import.synonyms import HEADER_SYNONYMS

_ALIASES_SHOWN = 3  # accepted header texts named in a "missing column" refusal


def _synonym_groups() -> dict[str, tuple[str, ...]]:
    """Each normalised text of the table -> every normalised text of its group (itself included)."""
    groups: dict[str, tuple[str, ...]] = {}
    for head, variants in HEADER_SYNONYMS.items():
        group = tuple(dict.fromkeys(normalise_header(t) for t in (head, *variants)))
        for text in group:
            groups[text] = tuple(dict.fromkeys((*groups.get(text, ()), *group)))
    return groups


def normalise_header(text: str) -> str:
    """Fold the usual header variants together: full-width forms, case, spaces and line breaks,
    _ and -, a trailing * or colon, and a trailing bracketed note: "成绩(分)", "准考证号（Ticket No.）",
    "成绩(必填)". Invisible characters (zero-width spaces, BOMs) are dropped."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    folded = re.sub(r"[\s_\-*:：]+", "", folded)
    while (stripped := re.sub(r"[(\[][^()\[\]]*[)\]]$", "", folded)) != folded and stripped:
        folded = stripped
    return folded.rstrip("*")


def map_header(
    header: SheetRow,
    aliases: Mapping[str, Iterable[str]],
    required: Collection[str] = (),
) -> HeaderMap:
    """Map a header row to canonical field names by their aliases; raise `InvalidInput` listing every problem."""
    lookup: dict[str, str] = {}
    for field, names in aliases.items():
        for name in (field, *names):
            lookup[normalise_header(name)] = field
    for field, names in aliases.items():  # the shared synonyms, where the importer says nothing else
        for name in (field, *names):
            for synonym in _SYNONYMS.get(normalise_header(name), ()):
                lookup.setdefault(synonym, field)
    columns: dict[str, int] = {}
    texts: dict[int, str] = {}
    ignored: list[str] = []
    problems: list[Reason] = []
    for index, cell in enumerate(header.cells):
        if cell.kind is CellKind.EMPTY:
            continue
        text = str(cell.value)
        texts[index] = text
        found = lookup.get(normalise_header(text))
        if found is None:
            ignored.append(text)
        elif found in columns:
            problems.append(
                Reason(
                    "excel.duplicate_header",
                    f"表头“{text}”与第{column_letter(columns[found])}列重复",
                    f"header {text!r} repeats column {column_letter(columns[found])}",
                    field=found,
                    row=header.number,
                    column=column_letter(index),
                )
            )
        else:
            columns[found] = index
    for field in required:
        if field not in columns:
            accepted = list(aliases.get(field, ())) or [field]
            names = "、".join(accepted[:_ALIASES_SHOWN])
            english = next((a for a in accepted if a.isascii()), accepted[0])
            problems.append(
                Reason(
                    "excel.missing_header",
                    f"缺少必填列：{names}",
                    f"required column missing: {english} (accepted headers: {', '.join(accepted[:_ALIASES_SHOWN])}"
                    f"{', ' + english if english not in accepted[:_ALIASES_SHOWN] else ''})",
                    field=field,
                    row=header.number,
                )
            )
    if problems:
        raise InvalidInput(problems)
    return HeaderMap(row=header.number, columns=columns, ignored=tuple(ignored), texts=texts)


_SYNONYMS = _synonym_groups()
