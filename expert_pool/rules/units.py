"""Unit-name normalisation for the same-unit rule and conflict detection. Pure.

Steps, in order: Unicode NFKC (full-width letters, digits and brackets become half-width),
remove all whitespace, Chinese brackets to ASCII, Latin letters case-folded, a trailing company
form dropped (股份有限公司, 有限责任公司, 有限公司: "X有限公司" and "X" are one unit), and finally
the alias map, followed transitively: an affiliated hospital, campus or institute maps to its
parent ("浙江大学医学院附属第一医院" -> "浙江大学"). Alias keys and values are normalised the same way,
so the map can be written by hand.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司")
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "【": "[", "】": "]", "「": "", "」": "", "《": "", "》": ""})
_SPACES = re.compile(r"\s+")


def clean_unit(name: str) -> str:
    """Spelling-level normalisation only (no alias map)."""
    text = unicodedata.normalize("NFKC", name)  # （）［］ and full-width letters/digits to ASCII
    text = _SPACES.sub("", text).translate(_BRACKETS).casefold()
    for suffix in COMPANY_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def normalise_unit(name: str, aliases: Mapping[str, str] | None = None) -> str:
    """The canonical unit: cleaned, then mapped to its parent through `aliases` (cycles stop)."""
    unit = clean_unit(name)
    if not aliases:
        return unit
    parents = {clean_unit(child): clean_unit(parent) for child, parent in aliases.items()}
    seen = {unit}
    while unit in parents and parents[unit] not in seen:
        unit = parents[unit]
        seen.add(unit)
    return unit


def unit_codes(names: list[str | None], aliases: Mapping[str, str] | None = None) -> list[str | None]:
    """Normalise a column of unit names; blank names stay None (the expert is a unit of their own)."""
    return [normalise_unit(n, aliases) if n and n.strip() else None for n in names]
