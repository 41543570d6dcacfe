"""The other channels' candidate lists of a talent programme (其他渠道候选人名单): previewed from the
uploaded list, then imported all or nothing (every bad row reported, nothing written). The
single-channel rule of the academician programme reads them for every recommendation."""

from __future__ import annotations

from collections import Counter
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.lifecycles import RECOMMENDATION_LIVE
from nominations.rules.other_channels import (
    CHANNEL_HEADERS,
    REQUIRED_HEADERS,
    ChannelRow,
    channel_words,
    parse_rows,
)
from nominations.services._workbook_lists import WorkbookList, keep_for_import, previewed_file, read_list
from nominations.services.programmes import programme_row
from nominations.tables import OtherChannelCandidate, Recommendation
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import Reason

_UPLOAD = "other_channels"
_LIST = WorkbookList[ChannelRow](
    CHANNEL_HEADERS,
    REQUIRED_HEADERS,
    Reason("other_channels.empty", "文件中没有候选人行", "the file has no candidate rows", "file"),
    parse_rows,
)


async def _parsed(data: bytes) -> tuple[str, list[ChannelRow]]:
    return await read_list(data, _LIST)


async def _stored(sha: str) -> bytes:
    return await previewed_file(sha, "other_channels.file")


async def _recommended_here(programme_id: int) -> dict[str, str]:
    """The programme's live recommendations by identity number: name."""
    rows = await Recommendation.select(Recommendation.id_number, Recommendation.name).where(
        (Recommendation.programme == programme_id)
        & Recommendation.submitted_at.is_not_null()
        & Recommendation.status.is_in(list(RECOMMENDATION_LIVE))
    )
    return {r["id_number"]: r["name"] for r in rows}


async def _preview(programme_id: int, data: bytes, sha: str) -> dict[str, Any]:
    sheet, rows = await _parsed(data)
    here = await _recommended_here(programme_id)
    return {
        "sha": sha,
        "sheet": sheet,
        "rows": len(rows),
        "by_channel": dict(Counter(str(r.channel) for r in rows)),
        # Already recommended here as well: the admins settle these with the society.
        "also_here": [r.name for r in rows if r.id_number in here],
        "replaces": await OtherChannelCandidate.count().where(OtherChannelCandidate.programme == programme_id),
    }


async def preview_other_channels(actor: Actor, programme_id: int, data: bytes) -> dict[str, Any]:
    """What the import would write: the sheet read, the rows by channel, who is recommended here
    as well, and how many current rows it replaces. The file is kept (by `sha`) for the import."""
    require_admin(actor)
    await programme_row(programme_id)
    return await keep_for_import(data, _UPLOAD, lambda content, sha: _preview(programme_id, content, sha))


async def preview_stored_channels(actor: Actor, programme_id: int, sha: str) -> dict[str, Any]:
    """The preview of a file already uploaded (the page shows it after the upload)."""
    require_admin(actor)
    await programme_row(programme_id)
    return await _preview(programme_id, await _stored(sha), sha)


async def import_other_channels(actor: Actor, programme_id: int, sha: str) -> int:
    """Replace the programme's other-channel lists with the previewed file's rows, all or nothing."""
    require_admin(actor)
    await programme_row(programme_id)
    _, rows = await _parsed(await _stored(sha))
    moment = now()
    async with write_transaction():
        await OtherChannelCandidate.delete().where(OtherChannelCandidate.programme == programme_id)
        await OtherChannelCandidate.insert(
            *[
                OtherChannelCandidate(
                    programme=programme_id,
                    row_no=r.row,
                    name=r.name,
                    id_number=r.id_number,
                    channel=r.channel.value,
                    via=r.via,
                    imported_by=actor.user_id,
                    imported_at=moment,
                )
                for r in rows
            ]
        )
        await audit(actor, "talent.other_channels_imported", "talent_programme", programme_id, {"rows": len(rows)})
    return len(rows)


async def other_channel_candidates(programme_id: int) -> list[dict[str, Any]]:
    return (
        await OtherChannelCandidate.select()
        .where(OtherChannelCandidate.programme == programme_id)
        .order_by(OtherChannelCandidate.row_no)
    )


async def other_channels_of(programme_id: int, number: str) -> dict[str, tuple[str, str]]:
    """The other channel one person (normalised number) came through, in words, if any."""
    rows = await OtherChannelCandidate.select(OtherChannelCandidate.channel, OtherChannelCandidate.via).where(
        (OtherChannelCandidate.programme == programme_id) & (OtherChannelCandidate.id_number == number)
    )
    return {number: channel_words(rows[0]["channel"], rows[0]["via"])} if rows else {}
