"""GB/T 13745-2009 discipline codes (学科分类与代码), shipped as data in `data/gbt13745_disciplines.csv`.

Included: all 62 first-level disciplines (three digits, e.g. 520 计算机科学技术) and a representative
set of second-level disciplines (written ddd.dd, e.g. 520.20 人工智能) for mathematics (110),
physics (140), chemistry (150), power and electrical engineering (470), electronics and
communication (510) and computer science (520). A code is accepted when it is listed, or when it
is a well-formed second-level code (ddd.dd or ddddd) under a listed first-level discipline, so a
registry is not blocked by the subset; such codes show their first-level name.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from xuehui.errors import Reason

DATA = Path(__file__).resolve().parent / "data" / "gbt13745_disciplines.csv"
_FORM = re.compile(r"^(\d{3})(?:\.?(\d{2}))?$")


@lru_cache(maxsize=1)
def disciplines() -> dict[str, tuple[str, str]]:
    """code -> (Chinese name, English name), in file order."""
    with DATA.open(encoding="utf-8") as handle:
        return {row["code"]: (row["name_zh"], row["name_en"]) for row in csv.DictReader(handle)}


def first_level_codes() -> list[str]:
    return [code for code in disciplines() if "." not in code]


def normalise_code(raw: str) -> str | None:
    """`52020`, `520.20` and ` 520.20 ` become `520.20`; None when the form or first level is unknown."""
    match = _FORM.match(raw.strip())
    if match is None or match.group(1) not in disciplines():
        return None
    return match.group(1) + (f".{match.group(2)}" if match.group(2) else "")


def code_of_number(value: float) -> str | None:
    """The shipped second-level code a number cell stands for: Excel turns a typed `520.20` into the
    number 520.2. None unless exactly one shipped code has that value (the trailing zero is lost,
    so an unshipped code cannot be told from others)."""
    found = [code for code in disciplines() if "." in code and float(code) == value]
    return found[0] if len(found) == 1 else None


def check_code(raw: str, field: str) -> str | Reason:
    code = normalise_code(raw)
    if code is None:
        return Reason(
            "discipline.unknown",
            f"学科代码“{raw}”不是有效的 GB/T 13745 一级或二级代码",
            f"“{raw}” is not a valid GB/T 13745 first- or second-level discipline code",
            field,
        )
    return code


def discipline_name(code: str, lang: str = "zh") -> str:
    table = disciplines()
    zh, en = table.get(code) or table.get(code[:3], (code, code))
    return en if lang == "en" else zh


def split_list(raw: str) -> list[str]:
    """Split a list typed in one cell or field: ; ， 、 , and new lines all separate."""
    return [part.strip() for part in re.split(r"[;；,，、\n]+", raw) if part.strip()]
