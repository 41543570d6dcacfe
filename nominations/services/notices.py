"""Public notices (公示) of accepted nominations and of proposed talent lists."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.cycle.model import CycleConfig, NoticeWindowConfig
from nominations.rules.lifecycles import NominationState as N
from nominations.rules.lifecycles import RecommendationState as R
from nominations.rules.lifecycles import ReviewStage, StageOutcome
from nominations.rules.notice import NoticeWindow, WorkingCalendar, add_working_days, notice_window
from nominations.rules.programme.model import DayKind, Programme
from nominations.schemas import RecommendationIn
from nominations.services.cycles import cycle_config
from nominations.services.programmes import programme_config
from nominations.services.queries import list_nominations, list_recommendations
from nominations.tables import Notice, ReviewStep
from societies import services as societies
from xuehui.clock import CHINA, aware, now, today
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


# Which nominations each configured notice window lists: accepted ones (passed formal review),
# those through the initial review (a passed remote or panel review), proposed awards.
WINDOW_STATUSES: dict[str, N] = {"accepted": N.PASSED, "initial_review": N.PASSED, "proposed_awards": N.AWARDED}
INITIAL_REVIEW_STAGES = (ReviewStage.REMOTE_REVIEW.value, ReviewStage.PANEL_REVIEW.value)


def _configured_window(config: CycleConfig, key: str) -> NoticeWindowConfig:
    for window in config.dates.notices:
        if window.key == key:
            return window
    raise InvalidInput(
        Reason("notice.window", "请选择本周期设置的公示", "choose one of the cycle's notice windows", "window")
    )


async def _listed(actor: Actor, cycle_id: int, key: str) -> list[dict[str, Any]]:
    status = WINDOW_STATUSES.get(key, N.PASSED)
    views = [v for v in await list_nominations(actor, cycle_id=cycle_id) if v["status"] == status]
    if key != "initial_review" or not views:
        return views
    passed = await ReviewStep.select(ReviewStep.nomination).where(
        ReviewStep.nomination.is_in([v["id"] for v in views])
        & ReviewStep.stage.is_in(list(INITIAL_REVIEW_STAGES))
        & (ReviewStep.outcome == StageOutcome.PASSED.value)
    )
    through = {row["nomination"] for row in passed}
    return [v for v in views if v["id"] in through]


async def publish_notice(
    actor: Actor, cycle_id: int, window_key: str, title: str, starts_on: dt.date | None = None
) -> int:
    """Publish the cycle's notice window `window_key` (accepted nominations, initial review
    results, proposed awards): its length and unit (working or calendar days) are the cycle's;
    it starts on the configured day, or on `starts_on` when the association moves the start
    (a list ready late still runs its full length)."""
    require_admin(actor)
    _check_title(title)
    config = await cycle_config(cycle_id)
    configured = _configured_window(config, window_key)
    if starts_on is not None:
        configured = configured.model_copy(update={"starts": starts_on})
    window = notice_window(WorkingCalendar.from_config(config.calendar), configured)
    views = await _listed(actor, cycle_id, window_key)
    if not views:
        raise Conflict(Reason("notice.empty", "没有可以公示的推荐项目", "there is nothing to put under notice"))
    names = await societies.society_names()
    entries = [_entry(v, names.get(v["society_id"], "")) for v in views]
    where = {"cycle": cycle_id, "kind": window_key}
    details = {"window": window_key, "ends_on": window.ends}
    return await _publish(actor, where, title, (window.starts, window.ends), entries, details)


async def public_notices(current_only: bool = False) -> list[dict[str, Any]]:
    rows = await Notice.select().order_by(Notice.starts_on, ascending=False)
    found = []
    for row in rows:
        if current_only and not (row["starts_on"] <= today() <= row["ends_on"]):
            continue
        found.append({**row, "entries": json_value(row["entries"]), "open": stored_window(row).is_open(today())})
    return found


async def public_notice(notice_id: int) -> dict[str, Any]:
    row = await Notice.select().where(Notice.id == notice_id).first()
    if row is None:
        raise NotFound(Reason("notice.not_found", "公示不存在", "notice not found"))
    return {**row, "entries": json_value(row["entries"]), "open": stored_window(row).is_open(today())}


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


def stored_window(row: dict[str, Any]) -> NoticeWindow:
    """A published notice's window as the rules see it: its count, and the day it was posted
    (objections are taken from then, though the count may start on the next working day)."""
    posted = aware(row["published_at"]).astimezone(CHINA).date() if row.get("published_at") else None
    return NoticeWindow(key=row["kind"], starts=row["starts_on"], ends=row["ends_on"], posted=posted)
