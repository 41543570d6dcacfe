"""The printable nomination documents: the 提名书 of a submitted project nomination, exactly its
snapshot (what was submitted), with the snapshot's SHA-256 and submission time for the footer;
the 推荐书 of a submitted talent recommendation, the same way;
a public notice (公示) with its frozen list; a talent programme's final list. The pages render them
(`nominations/pages/documents.py`)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from accounts.rules import Actor
from nominations.rules.lifecycles import RecommendationState
from nominations.schemas import NominationIn, RecommendationIn
from nominations.services._shared import _not_found, _talent_not_found
from nominations.services.notices import public_notice
from nominations.services.programmes import programme_row
from nominations.services.queries import _row_in_reach
from nominations.services.results import final_list
from nominations.tables import Nomination, Recommendation
from societies import services as societies
from xuehui.clock import aware
from xuehui.db import json_value
from xuehui.errors import Conflict, Reason
from xuehui.pdf import content_hash
from xuehui.settings import get_settings

EMPTY_LIST_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)  # a final list nobody is on


def snapshot_hash(snapshot: dict[str, Any]) -> str:
    """The SHA-256 of a snapshot in one canonical form (keys sorted), as the document prints it."""
    return content_hash(json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")))


async def nomination_document(actor: Actor, nomination_id: int) -> dict[str, Any]:
    """The nomination as submitted, for its society and for admins; a draft has no 提名书 yet."""
    columns = [*Nomination.all_columns(), Nomination.cycle.year]
    row = await _row_in_reach(Nomination, columns, nomination_id, actor, _not_found)
    snapshot: dict[str, Any] = json_value(row["snapshot"]) or {}
    if not snapshot.get("submitted_at"):
        raise Conflict(
            Reason("nomination.not_submitted", "提名尚未提交，没有提名书", "the nomination has not been submitted yet")
        )
    submitted = aware(dt.datetime.fromisoformat(snapshot["submitted_at"]))
    data = NominationIn.model_validate({k: v for k, v in snapshot.items() if k != "submitted_at"})
    names = await societies.society_names([row["society_id"]])
    return {
        "nomination": row,
        "data": data,
        "society": names.get(row["society_id"], ""),
        "year": row["cycle.year"],
        "hash": snapshot_hash(snapshot),
        "submitted_at": submitted,
        "created": submitted,
    }


async def notice_document(notice_id: int) -> dict[str, Any]:
    """A public notice (公示) as printed: its frozen list, the hash of that list, and the address
    where objections are raised; dated by its publication."""
    notice = await public_notice(notice_id)
    entries = json.dumps(notice["entries"], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return {
        "pn": notice,
        "hash": content_hash(notice["title"], str(notice["starts_on"]), str(notice["ends_on"]), entries),
        "notice_url": f"{get_settings().base_url.rstrip('/')}/public/notices/{notice_id}",
        "created": aware(notice["published_at"]),
    }


async def recommendation_document(actor: Actor, recommendation_id: int) -> dict[str, Any]:
    """The 推荐书 of a submitted talent recommendation from its snapshot, for its society and admins."""
    columns = [*Recommendation.all_columns(), Recommendation.programme.kind, Recommendation.programme.edition_year]
    row = await _row_in_reach(Recommendation, columns, recommendation_id, actor, _talent_not_found)
    snapshot: dict[str, Any] = json_value(row["snapshot"]) or {}
    if not snapshot.get("submitted_at"):
        raise Conflict(
            Reason("talent.not_submitted", "推荐尚未提交，没有推荐书", "the recommendation has not been submitted yet")
        )
    submitted = aware(dt.datetime.fromisoformat(snapshot["submitted_at"]))
    person = RecommendationIn.model_validate(
        {k: v for k, v in snapshot.items() if k not in ("submitted_at", "materials")}
    )
    names = await societies.society_names([row["society_id"]])
    return {
        "recommendation": row,
        "data": person,
        "materials": snapshot.get("materials", []),
        "kind": row["programme.kind"],
        "year": row["programme.edition_year"],
        "society": names.get(row["society_id"], ""),
        "hash": snapshot_hash(snapshot),
        "submitted_at": submitted,
        "created": submitted,
    }


async def final_list_document(actor: Actor, programme_id: int) -> dict[str, Any]:
    """A talent programme's final list as printed, dated by the last change to a selected person."""
    programme = await programme_row(programme_id)
    rows = await final_list(actor, programme_id)
    changed = await Recommendation.select(Recommendation.updated_at).where(
        (Recommendation.programme == programme_id) & (Recommendation.status == RecommendationState.SELECTED)
    )
    stamps = [aware(r["updated_at"]) for r in changed]
    listed = json.dumps(rows, sort_keys=True, ensure_ascii=False, default=str)
    return {
        "programme": programme,
        "rows": rows,
        "hash": content_hash(listed),
        "created": max(stamps) if stamps else EMPTY_LIST_DATE,
    }
