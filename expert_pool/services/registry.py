"""The expert registry: validate a record, register, update, read, the expert's own profile, and
commit an Excel import."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from accounts import services as accounts
from accounts.rules import Actor, require_admin
from accounts.services import audit
from expert_pool import disciplines
from expert_pool.rules.lifecycles import EXPERT_LIFECYCLE, ExpertStatus
from expert_pool.rules.units import normalise_unit
from expert_pool.rules.vocabulary import PoolAction, Rank
from expert_pool.schemas import ExpertIn, ProfileIn
from expert_pool.services import _peers
from expert_pool.services._shared import CHUNK, dumps, expert_not_found, loads, unit_aliases
from expert_pool.services.conflict_detection import detect_for_expert
from expert_pool.services.unit_changes import asked_unit_columns
from expert_pool.tables import Expert
from xuehui import idcard
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason
from xuehui.text import line_problems

STATUSES = tuple(ExpertStatus)
RANKS = tuple(Rank)
# The longest one-line field of a record (name, title, unit, phone, e-mail, one keyword).
MAX_LINE = 200


@dataclass(frozen=True)
class CleanExpert:
    values: dict[str, Any]
    problems: list[Reason]


def _card_fields(raw: dict[str, Any], problems: list[Reason]) -> tuple[str, str, Any]:
    """The identity number, sex and birth year, the last two taken from the number."""
    card = idcard.parse(str(raw.get("id_number", "")), "id_number")
    sex = str(raw.get("sex") or "").strip()
    birth_year = raw.get("birth_year")
    if isinstance(card, Reason):
        problems.append(card)
        return "", sex, birth_year
    if sex and sex != card.sex:
        problems.append(
            Reason("expert.sex", "性别与身份证号码不一致", "the sex does not match the identity number", "sex")
        )
    if birth_year not in (None, "") and int(birth_year) != card.birth_date.year:
        problems.append(
            Reason(
                "expert.birth_year",
                "出生年份与身份证号码不一致",
                "the birth year does not match the identity number",
                "birth_year",
            )
        )
    return card.number, card.sex, card.birth_date.year


def clean_expert(data: ExpertIn | dict[str, Any]) -> CleanExpert:
    """Validate one registry record (form, API or one Excel row); problems carry field names."""
    raw = data.model_dump() if isinstance(data, ExpertIn) else data
    problems: list[Reason] = []
    name = str(raw.get("name", "")).strip()
    if not name:
        problems.append(Reason("expert.name", "请填写姓名", "the name is required", "name"))
    id_number, sex, birth_year = _card_fields(raw, problems)
    primary = disciplines.check_code(str(raw.get("primary_discipline", "")), "primary_discipline")
    if isinstance(primary, Reason):
        problems.append(primary)
    secondary: list[str] = []
    for code in raw.get("secondary_disciplines") or []:
        checked = disciplines.check_code(str(code), "secondary_disciplines")
        if isinstance(checked, Reason):
            problems.append(checked)
        elif checked != primary and checked not in secondary:
            secondary.append(checked)
    status = str(raw.get("status") or ExpertStatus.ACTIVE)
    if ExpertStatus.parse(status) is None:
        problems.append(Reason("expert.status", "状态应为在库、暂停或退出", "unknown status", "status"))
    rank = str(raw.get("rank") or "")
    if rank and Rank.parse(rank) is None:
        problems.append(Reason("expert.rank", "职级无效", "unknown rank", "rank"))
    keywords = [str(k).strip() for k in raw.get("keywords") or [] if str(k).strip()]
    lines = {key: str(raw.get(key, "")).strip() for key in ("title", "unit", "phone", "email")}
    # An Excel row has no schema: the same one-line and length rules as the form, by field.
    problems += line_problems(
        {"name": name, **lines, **{f"keywords.{i}": k for i, k in enumerate(keywords)}}, max_length=MAX_LINE
    )
    values = {
        "name": name,
        "sex": sex,
        "birth_year": birth_year,
        "id_number": id_number,
        "title": lines["title"],
        "rank": rank,
        "unit": lines["unit"],
        "in_province": bool(raw.get("in_province", True)),
        "primary_discipline": primary if isinstance(primary, str) else "",
        "secondary_disciplines": secondary,
        "keywords": list(dict.fromkeys(keywords)),
        "phone": lines["phone"],
        "email": lines["email"],
        "status": status,
    }
    return CleanExpert(values, problems)


def _stored(values: dict[str, Any], aliases: dict[str, str]) -> dict[str, Any]:
    return {
        **values,
        "unit_normalised": normalise_unit(values["unit"], aliases) if values["unit"] else "",
        "secondary_disciplines": dumps(values["secondary_disciplines"]),
        "keywords": dumps(values["keywords"]),
    }


def _identity_taken() -> Conflict:
    return Conflict(
        Reason("expert.exists", "该身份证号码的专家已在库中", "an expert with this identity number exists", "id_number")
    )


async def _account_for(actor: Actor, data: ExpertIn, display_name: str) -> int | None:
    """Link an existing expert account, or create one when a password is given."""
    username = data.username.strip()
    if not username:
        return None
    user = await _peers.account_by_username(actor, username)
    if user is None:
        if not data.password:
            raise InvalidInput(
                Reason(
                    "expert.account_password",
                    "新建专家账号须设置初始密码",
                    "give an initial password to create the expert's account",
                    "password",
                )
            )
        return await accounts.create_user(
            actor, username=username, display_name=display_name, role=_peers.EXPERT_ROLE, password=data.password
        )
    if user["role"] != _peers.EXPERT_ROLE:
        raise InvalidInput(
            Reason("expert.account_role", "该账号不是评审专家账号", "this account is not an expert account", "username")
        )
    if await Expert.exists().where(Expert.user == user["id"]):
        raise Conflict(
            Reason("expert.account_taken", "该账号已关联其他专家", "this account belongs to another expert", "username")
        )
    return int(user["id"])


async def register_expert(actor: Actor, data: ExpertIn) -> int:
    require_admin(actor)
    clean = clean_expert(data)
    if clean.problems:
        raise InvalidInput(clean.problems)
    if await Expert.exists().where(Expert.id_number == clean.values["id_number"]):
        raise _identity_taken()
    user_id = await _account_for(actor, data, clean.values["name"])
    aliases = await unit_aliases()
    async with write_transaction():
        moment = now()
        expert = Expert(**_stored(clean.values, aliases), user=user_id, created_at=moment, updated_at=moment)
        await expert.save()
        await audit(
            actor, PoolAction.EXPERT_REGISTERED, "expert", expert.id, {"name": clean.values["name"], "user": user_id}
        )
    return int(expert.id)


async def update_expert(actor: Actor, expert_id: int, data: ExpertIn) -> None:
    require_admin(actor)
    before = await Expert.select().where(Expert.id == expert_id).first()
    if before is None:
        raise expert_not_found()
    clean = clean_expert(data)
    if clean.problems:
        raise InvalidInput(clean.problems)
    if clean.values["status"] != before["status"]:
        EXPERT_LIFECYCLE.move(before["status"], clean.values["status"], actor.role)
    if clean.values["id_number"] != before["id_number"] and await Expert.exists().where(
        Expert.id_number == clean.values["id_number"]
    ):
        raise _identity_taken()
    user_id = before["user"]
    if user_id is None and data.username.strip():
        user_id = await _account_for(actor, data, clean.values["name"])
    stored = _stored(clean.values, await unit_aliases())
    async with write_transaction():
        done = await (
            Expert.update(
                {**{getattr(Expert, k): v for k, v in stored.items()}, Expert.user: user_id, Expert.updated_at: now()}
            )
            .where((Expert.id == expert_id) & (Expert.status == before["status"]))
            .returning(Expert.id)
        )
        if not done:
            raise Conflict(
                Reason("expert.changed", "专家信息已变化，请刷新", "the expert changed meanwhile; reload it")
            )
        changes = {k: [before[k], v] for k, v in stored.items() if before[k] != v}
        await audit(actor, PoolAction.EXPERT_UPDATED, "expert", expert_id, changes)


def expert_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        **{k: v for k, v in row.items() if not k.startswith("user.")},
        "user_id": row["user"],
        "username": row.get("user.username") or "",
        "secondary_disciplines": loads(row["secondary_disciplines"]),
        "keywords": loads(row["keywords"]),
    }


def _expert_columns() -> list[Any]:
    return [*Expert.all_columns(), Expert.user.username]


async def list_experts(actor: Actor, status: str = "", discipline: str = "", q: str = "") -> list[dict[str, Any]]:
    require_admin(actor)
    query = Expert.select(*_expert_columns()).order_by(Expert.id)
    if status:
        query = query.where(Expert.status == status)
    if discipline:
        query = query.where(Expert.primary_discipline.like(f"{discipline}%"))
    if q:
        query = query.where(Expert.name.like(f"%{q}%") | Expert.unit.like(f"%{q}%"))
    return [expert_view(row) for row in await query]


async def get_expert(actor: Actor, expert_id: int) -> dict[str, Any]:
    row = await Expert.select(*_expert_columns()).where(Expert.id == expert_id).first()
    if row is None or not (actor.is_admin or (actor.role == _peers.EXPERT_ROLE and row["user"] == actor.user_id)):
        raise expert_not_found()
    return expert_view(row)


async def my_expert(actor: Actor) -> dict[str, Any]:
    """The registry record of the signed-in expert."""
    row = await Expert.select(*_expert_columns()).where(Expert.user == actor.user_id).first()
    if row is None or actor.role != _peers.EXPERT_ROLE:
        raise NotFound(
            Reason(
                "expert.no_record",
                "您的账号尚未关联专家库记录，请联系省科协",
                "your account is not linked to an expert record yet; contact the association",
            )
        )
    return expert_view(row)


async def update_profile(actor: Actor, data: ProfileIn) -> None:
    me = await my_expert(actor)
    merged = {**me, **data.model_dump(), "status": me["status"], "sex": me["sex"], "birth_year": me["birth_year"]}
    clean = clean_expert(merged)
    if clean.problems:
        raise InvalidInput(clean.problems)
    stored = _stored(clean.values, await unit_aliases())
    # The unit is not the expert's to change alone: it waits for an admin (unit_changes).
    asked = stored.pop("unit")
    del stored["unit_normalised"]
    unit_columns = asked_unit_columns(me, asked)
    async with write_transaction():
        await Expert.update(
            {**{getattr(Expert, k): v for k, v in stored.items()}, **unit_columns, Expert.updated_at: now()}
        ).where(Expert.id == me["id"])
        await audit(actor, PoolAction.EXPERT_PROFILE_UPDATED, "expert", me["id"], data.model_dump())
        if unit_columns.get(Expert.pending_unit):
            await audit(actor, PoolAction.UNIT_CHANGE_REQUESTED, "expert", me["id"], {"unit": [me["unit"], asked]})
    await detect_for_expert(me["id"])


# What every import row sets: the required columns and what the identity number gives.
_ALWAYS_IMPORTED = frozenset({"name", "id_number", "sex", "birth_year", "primary_discipline"})
# A file's column -> the stored fields it sets on an expert already in the registry.
_IMPORTED_FROM = {"unit": ("unit", "unit_normalised"), "region": ("in_province",)}


def _updated_fields(columns: Collection[str] | None) -> frozenset[str] | None:
    if columns is None:
        return None
    fields = set(_ALWAYS_IMPORTED)
    for column in columns:
        fields.update(_IMPORTED_FROM.get(column, (column,)))
    return frozenset(fields)


async def save_imported(
    actor: Actor,
    rows: Sequence[dict[str, Any]],
    usernames: Sequence[str],
    columns: Collection[str] | None = None,
) -> tuple[int, int]:
    """Commit validated import rows in one transaction: new identity numbers are added, known ones
    updated. An update sets only what the file's `columns` hold (all fields when None): a column
    the file lacks, or whose header went unrecognised, never blanks the stored value.
    Returns (added, updated)."""
    require_admin(actor)
    aliases = await unit_aliases()
    existing = {r["id_number"]: r["id"] for r in await Expert.select(Expert.id, Expert.id_number)}
    users = await _peers.expert_accounts(actor, usernames)
    added = updated = 0
    updated_fields = _updated_fields(columns)
    async with write_transaction():
        moment = now()
        new_rows = []
        for values, username in zip(rows, usernames, strict=True):
            stored = _stored(values, aliases)
            if values["id_number"] in existing:
                changes: dict[Any, Any] = {
                    getattr(Expert, k): v for k, v in stored.items() if updated_fields is None or k in updated_fields
                }
                if username:
                    changes[Expert.user] = users[username]
                await Expert.update({**changes, Expert.updated_at: moment}).where(
                    Expert.id == existing[values["id_number"]]
                )
                updated += 1
            else:
                new_rows.append(
                    Expert(
                        **stored, user=users.get(username) if username else None, created_at=moment, updated_at=moment
                    )
                )
                added += 1
        for start in range(0, len(new_rows), CHUNK):
            await Expert.insert(*new_rows[start : start + CHUNK])
        await audit(actor, PoolAction.EXPERT_IMPORTED, "expert", "", {"added": added, "updated": updated})
    return added, updated
