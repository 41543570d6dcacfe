"""Reads of nominations and recommendations, each narrowed to what the actor may see (writes
live in the use-case modules)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from piccolo.query import Select

from accounts.rules import Actor
from nominations.schemas import NominationBody, RecommendationIn
from nominations.services._shared import (
    _not_found,
    _talent_not_found,
)
from nominations.tables import (
    Nomination,
    Recommendation,
)
from xuehui.db import json_value
from xuehui.errors import DomainError


def _view(row: dict[str, Any], year: int | None = None) -> dict[str, Any]:
    body = NominationBody.model_validate(json_value(row["body"]) or {})
    return {**row, "body": body, "cycle_year": year if year is not None else row.get("cycle.year")}


def _columns() -> list[Any]:
    return [*Nomination.all_columns(exclude=[Nomination.snapshot]), Nomination.cycle.year]


async def _row_in_reach(
    table: type[Nomination] | type[Recommendation],
    columns: list[Any],
    record_id: int,
    actor: Actor,
    missing: Callable[[], DomainError],
) -> dict[str, Any]:
    """One record `actor` may see; a record of another society is as missing as one that is not there."""
    row = await table.select(*columns).where(table.id == record_id).first()
    if row is None or not actor.acts_for(row["society_id"]):
        raise missing()
    return row


async def get_nomination(actor: Actor, nomination_id: int) -> dict[str, Any]:
    return _view(await _row_in_reach(Nomination, _columns(), nomination_id, actor, _not_found))


async def list_nominations(
    actor: Actor,
    cycle_id: int | None = None,
    status: str = "",
    society_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
    search: str = "",
) -> list[dict[str, Any]]:
    """The nominations `actor` may see, newest first; `search` keeps those whose title has it."""
    query = _within_reach(Nomination.select(*_columns()), Nomination, actor, society_id, status)
    if query is None:
        return []
    if limit is not None:
        query = query.limit(limit).offset(offset)
    if cycle_id is not None:
        query = query.where(Nomination.cycle == cycle_id)
    if pattern := _title_pattern(search):
        query = query.where(Nomination.title.like(pattern))
    return [_view(row) for row in await query]


def _title_pattern(search: str) -> str:
    """A LIKE pattern matching titles that contain `search` (its own wildcards taken literally)."""
    text = search.strip().replace("%", "").replace("_", "")
    return f"%{text}%" if text else ""


async def queue_neighbours(
    actor: Actor, nomination_id: int, cycle_id: int | None, status: str = "", search: str = ""
) -> tuple[int | None, int | None]:
    """(previous, next): the nominations before and after `nomination_id` in the review queue
    as filtered (newest first), None at either end."""
    neighbours: list[int | None] = []
    for newer in (True, False):
        query = Nomination.select(Nomination.id).where(
            Nomination.id > nomination_id if newer else Nomination.id < nomination_id
        )
        if not actor.is_admin:
            query = query.where(Nomination.society_id == (actor.society_id or 0))
        if status:
            query = query.where(Nomination.status == status)
        if cycle_id is not None:
            query = query.where(Nomination.cycle == cycle_id)
        if pattern := _title_pattern(search):
            query = query.where(Nomination.title.like(pattern))
        row = await query.order_by(Nomination.id, ascending=newer).first()
        neighbours.append(int(row["id"]) if row else None)
    return neighbours[0], neighbours[1]


def _within_reach(
    query: Select[Any],
    table: type[Nomination] | type[Recommendation],
    actor: Actor,
    society_id: int | None,
    status: str,
) -> Select[Any] | None:
    """`query` narrowed to what `actor` may see (a society its own records, admins all or the
    society asked for) and to `status`, newest first; None when the actor may see none."""
    if not actor.is_admin:
        if actor.society_id is None or actor.role != "society":
            return None
        query = query.where(table.society_id == actor.society_id)
    elif society_id is not None:
        query = query.where(table.society_id == society_id)
    if status:
        query = query.where(table.status == status)
    return query.order_by(table.id, ascending=False)


def _rec_columns() -> list[Any]:
    return [
        *Recommendation.all_columns(exclude=[Recommendation.snapshot]),
        Recommendation.programme.kind,
        Recommendation.programme.edition_year,
    ]


def _rec_view(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "body": RecommendationIn.model_validate(json_value(row["body"]) or {})}


async def get_recommendation(actor: Actor, recommendation_id: int) -> dict[str, Any]:
    return _rec_view(await _row_in_reach(Recommendation, _rec_columns(), recommendation_id, actor, _talent_not_found))


async def list_recommendations(
    actor: Actor, programme_id: int | None = None, status: str = "", society_id: int | None = None
) -> list[dict[str, Any]]:
    query = _within_reach(Recommendation.select(*_rec_columns()), Recommendation, actor, society_id, status)
    if query is None:
        return []
    if programme_id is not None:
        query = query.where(Recommendation.programme == programme_id)
    return [_rec_view(row) for row in await query]
