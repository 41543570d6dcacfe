"""Audit entries in words, for the audit view and its export: the action by its label, the
object by its kind, and the details as "field: value" with each field named in words, each
known code by its label, dates and times as the pages show them. It works for any package:
actions come from the registered `audit.<package>` vocabularies, object kinds from
`audit_object.<package>` ones, and codes from the package's own vocabularies (`<package>.*`)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from accounts.rules import RoleName
from xuehui.i18n import current_language, pick
from xuehui.templating import format_datetime
from xuehui.vocabulary import Labelled, action_label, registered

AUDIT = "audit."
AUDIT_OBJECT = "audit_object."
AUDIT_FIELD = "audit_field."
# A value that looks like a code (lower case, digits and underscores) may have a label.
CODE = re.compile(r"[a-z][a-z0-9_]*")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?")
# A change is written as a pair [before, after].
CHANGE_PAIR = 2
# A list longer than this is cut short in the summary.
MAX_LISTED = 10

# Detail fields the packages write, in words; any other field is named by its words
# (`held_on` -> "held on").
FIELD_NAMES: dict[str, tuple[str, str]] = {
    "from": ("原状态", "from"),
    "to": ("新状态", "to"),
    "status": ("状态", "status"),
    "state": ("状态", "state"),
    "reason": ("理由", "reason"),
    "note": ("备注", "note"),
    "title": ("标题", "title"),
    "name": ("名称", "name"),
    "code": ("代码", "code"),
    "number": ("编号", "number"),
    "kind": ("类型", "kind"),
    "grade": ("等级", "grade"),
    "score": ("得分", "score"),
    "until": ("截至", "until"),
    "role": ("角色", "role"),
    "username": ("用户名", "user name"),
    "published": ("公开", "published"),
    "rehashed": ("密码哈希已升级", "password hash upgraded"),
    "held_on": ("会议日期", "meeting date"),
    "kpi": ("指标", "indicator"),
    "actual": ("实际值", "actual value"),
    "count": ("数量", "count"),
    "items": ("条目", "items"),
    "added": ("新增", "added"),
    "updated": ("更新", "updated"),
    "name_zh": ("中文名称", "Chinese name"),
    "name_en": ("英文名称", "English name"),
    "discipline_field": ("学科领域", "discipline field"),
    "registration_no": ("登记证号", "registration number"),
    "secretary_general": ("秘书长", "secretary-general"),
}
# Fields that hold what a person typed: never looked up as codes.
FREE_TEXT = frozenset(
    {"reason", "note", "title", "name", "username", "name_zh", "name_en", "discipline_field", "secretary_general"}
)
# The packages' names for the groups of the action filter; another is named by its words.
PACKAGE_NAMES: dict[str, tuple[str, str]] = {
    "xuehui": ("系统", "System"),
    "accounts": ("账号", "Accounts"),
    "societies": ("学会与试点项目", "Societies and pilot projects"),
    "expert_pool": ("专家库", "Expert pool"),
    "nominations": ("奖励推荐", "Nominations"),
    "exams": ("考务", "Exams"),
    "evaluations": ("科技评估", "Technology evaluation"),
    "standards": ("团体标准", "Group standards"),
}
# Fields whose codes are roles.
ROLE_FIELDS = frozenset({"role", "actor_role"})
# Fields naming the state a record left and reached.
STATE_FIELDS = frozenset({"from", "to", "status", "state"})


def _words(code: str) -> str:
    return code.replace("_", " ").replace(".", " ").strip()


def field_name(key: str) -> str:
    """A detail field in words: the common names here, then any package's `audit_field.<package>`
    vocabulary, else the field's own words."""
    names = FIELD_NAMES.get(key)
    if names:
        return pick(*names)
    for name, vocabulary in registered().items():
        if name.startswith(AUDIT_FIELD) and (member := vocabulary.parse(key)) is not None:
            return member.label()
    return _words(key)


def _yes_no(value: bool) -> str:
    return pick("是", "yes") if value else pick("否", "no")


def _package_of(action: str) -> str:
    """The package whose `audit.<package>` vocabulary defines `action` ('' when none does)."""
    for name, found in registered().items():
        if name.startswith(AUDIT) and found.parse(action) is not None:
            return name.removeprefix(AUDIT)
    return ""


def _code_label(key: str, code: str, package: str, object_type: str) -> str:
    """The label of `code` in the vocabulary it most likely belongs to: the entry's package's
    own first, one whose name speaks of the field (or, for a state, of the object) preferred."""
    if key in ROLE_FIELDS:
        role = RoleName.parse(code)
        return role.label() if role is not None else code
    found: list[tuple[int, Labelled]] = []
    for name, vocabulary in registered().items():
        if name.startswith((AUDIT, AUDIT_OBJECT, AUDIT_FIELD)):
            continue
        member = vocabulary.parse(code)
        if member is None:
            continue
        topic = name.split(".", 1)[-1]
        score = 0
        if package and name.startswith(f"{package}."):
            score += 4
        if key in topic:
            score += 2
        if key in STATE_FIELDS and ("status" in topic or "state" in topic):
            score += 1
            if object_type and object_type.split("_")[0] in topic:
                score += 1
        found.append((score, member))
    if not found:
        return code
    return max(found, key=lambda pair: pair[0])[1].label()


def value_text(key: str, value: Any, package: str = "", object_type: str = "") -> str:
    """One detail's value in words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return details_text(value, package, object_type)
    if isinstance(value, list | tuple):
        shown = [value_text(key, item, package, object_type) for item in value[:MAX_LISTED]]
        more = "…" if len(value) > MAX_LISTED else ""
        return pick("、", ", ").join(shown) + more
    text = str(value)
    if ISO_DATETIME.fullmatch(text):
        try:
            return format_datetime(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            return text
    if ISO_DATE.fullmatch(text) or key in FREE_TEXT or not CODE.fullmatch(text):
        return text
    return _code_label(key, text, package, object_type)


def _is_change_map(details: dict[str, Any]) -> bool:
    """A record's changes, written as {field: [before, after]}."""
    return bool(details) and all(isinstance(v, list) and len(v) == CHANGE_PAIR for v in details.values())


def details_text(details: dict[str, Any], package: str = "", object_type: str = "") -> str:
    """An entry's details in words: "field: value" joined; changes as "field: before → after"."""
    if not details:
        return ""
    parts = []
    changes = _is_change_map(details)
    for key, value in details.items():
        if changes:
            before, after = (value_text(key, v, package, object_type) for v in value)
            parts.append(f"{field_name(key)}: {before} → {after}")
        else:
            parts.append(f"{field_name(key)}: {value_text(key, value, package, object_type)}")
    return ("；" if current_language.get() != "en" else "; ").join(parts)


def object_label(object_type: str) -> str:
    """The kind of object an entry names, by any `audit_object.<package>` vocabulary, else in words."""
    for name, vocabulary in registered().items():
        if name.startswith(AUDIT_OBJECT) and (member := vocabulary.parse(object_type)) is not None:
            return member.label()
    return _words(object_type)


def role_label(role: str) -> str:
    found = RoleName.parse(role)
    if found is not None:
        return found.label()
    return pick("公众", "public") if role == "public" else _words(role)


def entry_view(entry: dict[str, Any]) -> dict[str, Any]:
    """An entry as the view shows it: every code by its label."""
    summary = entry.get("summary")
    details = summary if isinstance(summary, dict) else {}
    package = _package_of(entry["action"])
    return {
        **entry,
        "action_label": action_label(entry["action"]),
        "object_label": object_label(entry["object_type"]),
        "role_label": role_label(entry["actor_role"]),
        "details": details_text(details, package, entry["object_type"]),
    }


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every registered audit action as (package, [(code, label) ...]) for the filter."""
    groups = []
    for name, vocabulary in sorted(registered().items()):
        if name.startswith(AUDIT):
            package = name.removeprefix(AUDIT)
            names = PACKAGE_NAMES.get(package)
            groups.append((pick(*names) if names else _words(package), vocabulary.choices()))
    return groups
