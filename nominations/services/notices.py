"""Public notices (公示) of accepted nominations and of proposed talent lists."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.lifecycles import NominationState as N
from nominations.rules.lifecycles import RecommendationState as R
from nominations.rules.notice import WorkingCalendar, add_working_days
from nominations.rules.programme.model import DayKind, Programme
from nominations.schemas import RecommendationIn
from nominations.services.cycles import cycle_config
from nominations.services.programmes import programme_config
from nominations.services.queries import list_nominations, list_recommendations
from nominations.tables import Notice
from societies import services as societies
from xuehui.clock import now, today
from xuehui.db import json_value, write_transaction
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason
from xuehui.text import line_problems


def _entry(view: dict[str, Any], society: str) -> dict[str, Any]:
    return {
        "nomination_id": view["id"],
        "title": view["title"],
        "category": view["category"],
        "grade": view["grade"],
        "society": society,
        "contributors": [c.name for c in view["body"].contributors],
        "units": [u.name for u in view["body"].units],
    }


MAX_TITLE_LENGTH = 200
TALENT_NOTICE = "talent"  # the kind of a notice of proposed people


def _check_title(title: str) -> None:
    """Every notice has a title, of one clean line (the same check for projects and people)."""
    if not title.strip():
        raise InvalidInput(Reason("notice.title", "请填写公示标题", "give the notice a title", "title"))
    if problems := line_problems({"title": title}, MAX_TITLE_LENGTH):
        raise InvalidInput(problems)


async def publish_notice(
    actor: Actor, cycle_id: int, kind: str, title: str, starts_on: dt.date, working_days: int
) -> int:
    require_admin(actor)
    _check_title(title)
    if kind not in ("acceptance", "results"):
        raise InvalidInput(Reason("notice.kind", "公示类型无效", "unknown notice kind", "kind"))
    config = await cycle_config(cycle_id)
    calendar = WorkingCalendar.from_config(config.calendar)
    start = starts_on if calendar.is_working_day(starts_on) else calendar.next_working_day(starts_on)
    ends_on = add_working_days(calendar, start, working_days - 1)
    statuses = [N.PASSED] if kind == "acceptance" else [N.AWARDED]
    views = [v for v in await list_nominations(actor, cycle_id=cycle_id) if v["status"] in statuses]
    if not views:
        raise Conflict(Reason("notice.empty", "没有可以公示的推荐项目", "there is nothing to put under notice"))
    names = await societies.society_names()
    entries = [_entry(v, names.get(v["society_id"], "")) for v in views]
    where = {"cycle": cycle_id, "kind": kind}
    return await _publish(actor, where, title, (start, ends_on), entries, {"kind": kind, "ends_on": ends_on})


async def public_notices(current_only: bool = False) -> list[dict[str, Any]]:
    rows = await Notice.select().order_by(Notice.starts_on, ascending=False)
    found = []
    for row in rows:
        if current_only and not (row["starts_on"] <= today() <= row["ends_on"]):
            continue
        found.append(
            {**row, "entries": json_value(row["entries"]), "open": row["starts_on"] <= today() <= row["ends_on"]}
        )
    return found


async def public_notice(notice_id: int) -> dict[str, Any]:
    row = await Notice.select().where(Notice.id == notice_id).first()
    if row is None:
        raise NotFound(Reason("notice.not_found", "公示不存在", "notice not found"))
    return {**row, "entries": json_value(row["entries"]), "open": row["starts_on"] <= today() <= row["ends_on"]}


def _talent_entry(view: dict[str, Any], society: str) -> dict[str, Any]:
    body: RecommendationIn = view["body"]
    return {
        "recommendation_id": view["id"],
        "name": view["name"],
        "sex": body.sex,
        "unit": view["unit"],
        "title": body.title,
        "discipline": body.discipline,
        "kind": view["programme.kind"],
        "society": society,
    }


def notice_end(cfg: Programme, starts_on: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the programme's notice starting on `starts_on` (days counted inclusive)."""
    if cfg.notice.day_kind is DayKind.WORKING:
        calendar = WorkingCalendar()
        start = calendar.next_working_day(starts_on)
        return start, add_working_days(calendar, start, cfg.notice.days - 1)
    return starts_on, starts_on + dt.timedelta(days=cfg.notice.days - 1)


async def publish_talent_notice(actor: Actor, programme_id: int, title: str, starts_on: dt.date) -> int:
    """Put the proposed list under public notice for the programme's window (youth award 7
    days, academician 5): the same Notice records and objection form as nominations."""
    require_admin(actor)
    _check_title(title)
    cfg = await programme_config(programme_id)
    views = await list_recommendations(actor, programme_id=programme_id, status=R.PROPOSED)
    if not views:
        raise Conflict(
            Reason("notice.empty", "没有拟入选人选可以公示", "there is no proposed candidate to put under notice")
        )
    if any(r["status"] == R.TIED for r in await list_recommendations(actor, programme_id=programme_id)):
        raise Conflict(
            Reason(
                "notice.tied",
                "仍有票数相同的人选待推选委员会决定",
                "some candidates are still tied; the committee must decide first",
            )
        )
    names = await societies.society_names()
    entries = [_talent_entry(v, names.get(v["society_id"], "")) for v in views]
    start, ends = notice_end(cfg, starts_on)
    where = {"cycle": None, "programme": programme_id, "kind": TALENT_NOTICE}
    return await _publish(actor, where, title, (start, ends), entries, {"programme": programme_id})


async def _publish(
    actor: Actor,
    where: dict[str, Any],
    title: str,
    window: tuple[dt.date, dt.date],
    entries: list[dict[str, Any]],
    details: dict[str, Any],
) -> int:
    """Publish one notice (of a cycle's nominations or a programme's people) and audit it."""
    async with write_transaction():
        notice = Notice(
            **where,
            title=title.strip(),
            starts_on=window[0],
            ends_on=window[1],
            entries=json.dumps(entries, ensure_ascii=False),
            published_by=actor.user_id,
            published_at=now(),
        )
        await notice.save()
        await audit(actor, "notice.published", "notice", notice.id, {**details, "entries": len(entries)})
    return int(notice.id)
