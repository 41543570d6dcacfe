"""The expert registry in Excel: import (every bad row reported, all rows or none), export and the
downloadable template. Headers are accepted in Chinese or English. A re-import updates only the
columns the file has, so a column it lacks (or whose header went unrecognised) never blanks a
field; the unrecognised headers are named after the import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from accounts.rules import Actor, require_admin
from expert_pool import disciplines, services
from expert_pool.disciplines import split_list
from expert_pool.rules.lifecycles import ExpertStatus
from expert_pool.rules.vocabulary import Rank
from expert_pool.services import _peers
from xuehui import idcard
from xuehui.errors import InvalidInput, Reason
from xuehui.excel_export import workbook_bytes
from xuehui.excel_import import CellKind, Table, column_letter, date_in_code_cell, read_table, upload_limits

# field -> accepted headers (the first Chinese one is written in exports and the template); the
# shared synonym table (xuehui.excel_import.synonyms) adds the other texts offices write for them
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name"),
    "sex": ("性别", "sex", "gender"),
    "birth_year": ("出生年份", "birth year"),
    "id_number": ("身份证号", "身份证号码", "identity number", "id number", "id card"),
    "title": ("职称", "title"),
    "rank": ("职级", "rank", "title rank"),
    "unit": ("工作单位", "单位", "unit", "employer"),
    "region": ("地区", "省内外", "region"),
    "primary_discipline": ("主学科代码", "主学科", "primary discipline"),
    "secondary_disciplines": ("其他学科代码", "其他学科", "secondary disciplines"),
    "keywords": ("研究方向关键词", "关键词", "keywords"),
    "phone": ("手机", "电话", "phone"),
    "email": ("邮箱", "电子邮箱", "email", "e-mail"),
    "status": ("状态", "status"),
    "username": ("登录账号", "用户名", "username", "account"),
}
REQUIRED = ("name", "id_number", "primary_discipline")
SEX = {"男": "male", "女": "female", "male": "male", "female": "female", "m": "male", "f": "female"}
REGION = {"省内": True, "省外": False, "in": True, "out": False, "in province": True, "out of province": False}
# A status or rank is read as its Chinese label or its code; exports write the Chinese label.
STATUS = {**{m.zh: m.value for m in ExpertStatus}, **{m.value: m.value for m in ExpertStatus}}
# 职称级别 as offices write it: 正高级/副高级 are the ranks 正高/副高 (中级 is its own label); the rank list
# has no junior level, so 初级 is read as 其他 (other).
RANK_WORDS = {"正高级": Rank.SENIOR, "副高级": Rank.ASSOCIATE_SENIOR, "初级": Rank.OTHER}
RANK = {
    **{m.zh: m.value for m in Rank},
    **{m.value: m.value for m in Rank},
    **{word: m.value for word, m in RANK_WORDS.items()},
}
SEX_OUT = {"male": "男", "female": "女"}
STATUS_OUT = {m.value: m.zh for m in ExpertStatus}
RANK_OUT = {m.value: m.zh for m in Rank}
HEADERS = [ALIASES[f][0] for f in ALIASES]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _row_values(table: Table, row_index: int) -> tuple[dict[str, Any], list[Reason], str]:
    row = table.rows[row_index]
    columns = table.header.columns
    problems: list[Reason] = []

    def cell(field: str) -> str:
        return _text(row.value(columns[field])) if field in columns else ""

    def bad(field: str, zh: str, en: str) -> None:
        problems.append(
            Reason("excel.value", zh, en, field=field, row=row.number, column=column_letter(columns[field]))
        )

    if "id_number" in columns and row.kind(columns["id_number"]) in (CellKind.INT, CellKind.FLOAT):
        bad("id_number", "身份证号须为文本单元格（数字格式会丢失末位）", "the identity number must be a text cell")
    for field, label_zh, label_en in _CODE_CELLS:
        if field in columns and row.kind(columns[field]) is CellKind.DATE:
            bad(field, *date_in_code_cell(row.value(columns[field]), label_zh, label_en))
    values: dict[str, Any] = {f: cell(f) for f in ("name", "id_number", "title", "unit", "phone", "email")}
    primary = _discipline(row, columns, "primary_discipline", bad)
    values["primary_discipline"] = cell("primary_discipline") if primary is None else primary
    secondary = _discipline(row, columns, "secondary_disciplines", bad)
    values["secondary_disciplines"] = split_list(cell("secondary_disciplines")) if secondary is None else [secondary]
    values["keywords"] = split_list(cell("keywords"))
    for field, table_map, default in (("sex", SEX, ""), ("status", STATUS, "active"), ("rank", RANK, "")):
        raw = cell(field)
        if raw and raw.casefold() not in table_map:
            bad(field, f"无法识别的值“{raw}”", f"unrecognised value {raw!r}")
        values[field] = table_map.get(raw.casefold(), default) if raw else default
    region = cell("region")
    if region and region.casefold() not in REGION:
        bad("region", f"地区应为省内或省外，而不是“{region}”", f"region must be in or out of province, not {region!r}")
    values["in_province"] = REGION.get(region.casefold(), True) if region else True
    year = cell("birth_year")
    values["birth_year"] = None
    if year:
        if year.isdigit():
            values["birth_year"] = int(year)
        else:
            bad("birth_year", "出生年份应为四位数字", "the birth year must be four digits")
    return values, problems, cell("username")


def _discipline(row: Any, columns: Mapping[str, int], field: str, bad: Callable[[str, str, str], None]) -> str | None:
    """A discipline code Excel stored as a number (520.2 for a typed 520.20): the one shipped code
    it stands for, or "" after saying why it is refused; None when the cell is not a fractional number."""
    if field not in columns or row.kind(columns[field]) is not CellKind.FLOAT:
        return None
    value = float(row.value(columns[field]))
    code = disciplines.code_of_number(value)
    if code is None:
        bad(
            field,
            f"学科代码被Excel存为数字{value:g}，末尾的0已丢失，无法唯一对应到已收录的学科代码；请把该列设为文本后重新填写（如520.20）",
            f"the discipline code was stored by Excel as the number {value:g}, losing its trailing zero, and matches "
            "no single listed code; format the column as text and type it again (e.g. 520.20)",
        )
        return ""
    return code


# Cells that hold a code or a number, where Excel may have turned what was typed into a date.
_CODE_CELLS = (
    ("id_number", "身份证号", "identity number"),
    ("primary_discipline", "主学科代码", "discipline code"),
    ("secondary_disciplines", "其他学科代码", "discipline code"),
    ("phone", "手机", "phone number"),
    ("birth_year", "出生年份", "birth year"),
)


class ExpertFile(NamedTuple):
    rows: list[dict[str, Any]]
    usernames: list[str]
    row_numbers: list[int]  # each row as Excel shows it
    letters: dict[str, str]  # the fields the file has a column for -> its column letter
    ignored: tuple[str, ...]  # header texts that matched no field


def parse_experts(data: bytes) -> ExpertFile:
    """Read and validate every row; raise InvalidInput listing every bad cell (row, column, reason)."""
    table = read_table(
        data,
        ALIASES,
        required=REQUIRED,
        no_formula_fields=("id_number",),
        limits=upload_limits(),
        keep_cell_problems=True,
    )
    rows: list[dict[str, Any]] = []
    usernames: list[str] = []
    problems: list[Reason] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(table.rows):
        values, row_problems, username = _row_values(table, index)
        clean = services.clean_expert(values)
        flagged = {p.field for p in row_problems}  # one message per cell: the reader's own says more
        for reason in clean.problems:
            field = reason.field or ""
            if field in flagged:
                continue
            column = column_letter(table.header.columns[field]) if field in table.header.columns else None
            row_problems.append(Reason(reason.code, reason.zh, reason.en, field=field, row=row.number, column=column))
        number = clean.values["id_number"]
        if number and number in seen:
            row_problems.append(
                Reason(
                    "excel.duplicate",
                    f"身份证号与第{seen[number]}行重复",
                    f"the identity number repeats row {seen[number]}",
                    field="id_number",
                    row=row.number,
                    column=table.header.letter("id_number"),
                )
            )
        seen.setdefault(number, row.number)
        problems += row_problems
        rows.append(clean.values)
        usernames.append(username)
    if not rows:
        raise InvalidInput(Reason("excel.no_rows", "表格中没有专家数据", "the sheet has no expert rows"))
    problems = table.merged_problems(problems)  # an error or formula cell does not hide the other problems
    if problems:
        raise InvalidInput(problems)
    numbers = [row.number for row in table.rows]
    letters = {field: column_letter(index) for field, index in table.header.columns.items()}
    return ExpertFile(rows, usernames, numbers, letters, table.header.ignored)


async def import_experts(actor: Actor, data: bytes) -> tuple[int, int, tuple[str, ...]]:
    """Import the file; returns (added, updated, the headers that were not recognised)."""
    require_admin(actor)
    parsed = parse_experts(data)
    usernames = parsed.usernames
    wanted = sorted({u for u in usernames if u})
    if wanted:
        known = set(await _peers.expert_accounts(actor, wanted))
        missing = [
            Reason(
                "excel.account",
                f"登录账号“{u}”不存在或不是专家账号",
                f"account {u!r} does not exist or is not an expert account",
                field="username",
                row=number,
                column=parsed.letters.get("username"),
            )
            for number, u in zip(parsed.row_numbers, usernames, strict=True)
            if u and u not in known
        ]
        if missing:
            raise InvalidInput(missing)
    added, updated = await services.save_imported(actor, parsed.rows, usernames, parsed.letters)
    return added, updated, parsed.ignored


def export_rows(experts: Sequence[dict[str, Any]]) -> list[list[Any]]:
    return [
        [
            e["name"],
            SEX_OUT.get(e["sex"], ""),
            e["birth_year"],
            e["id_number"],
            e["title"],
            RANK_OUT.get(e["rank"], ""),
            e["unit"],
            "省内" if e["in_province"] else "省外",
            e["primary_discipline"],
            "；".join(e["secondary_disciplines"]),
            "；".join(e["keywords"]),
            e["phone"],
            e["email"],
            STATUS_OUT.get(e["status"], e["status"]),
            e["username"],
        ]
        for e in experts
    ]


def template_bytes() -> bytes:
    example = [
        "张明",
        "男",
        1975,
        idcard.make("110101", dt.date(1975, 3, 7), 1, "male"),
        "教授",
        "正高",
        "某某大学",
        "省内",
        "520.20",
        "520.40；110.74",
        "机器学习；知识图谱",
        "13800000000",
        "zhang@example.org",
        "在库",
        "",
    ]
    return workbook_bytes("专家", HEADERS, [example])
