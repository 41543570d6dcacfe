"""The provincial system's official results of a cycle (省级评审结果): previewed from the uploaded
list, then imported all or nothing (every bad row reported, nothing written), each row linked to
our nomination of the same title and category. They feed the adjustment's pass and award rates."""

from __future__ import annotations

from collections import Counter
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.lifecycles import NOMINATION_SUBMITTED
from nominations.rules.official_results import (
    OFFICIAL_HEADERS,
    OfficialOutcome,
    OfficialRow,
    match_key,
    parse_rows,
)
from nominations.services._workbook_lists import WorkbookList, keep_for_import, previewed_file, read_list
from nominations.services.cycles import cycle_row
from nominations.tables import Nomination, OfficialResult
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import Reason

_UPLOAD = "official_results"
_LIST = WorkbookList[OfficialRow](
    OFFICIAL_HEADERS,
    tuple(OFFICIAL_HEADERS),
    Reason("official_results.empty", "文件中没有结果行", "the file has no result rows", "file"),
    parse_rows,
)


async def _parsed(data: bytes) -> tuple[str, list[OfficialRow]]:
    return await read_list(data, _LIST)


async def _our_nominations(cycle_id: int) -> dict[str, dict[str, Any]]:
    rows = await Nomination.select(Nomination.id, Nomination.society_id, Nomination.title, Nomination.category).where(
        (Nomination.cycle == cycle_id) & Nomination.status.is_in(list(NOMINATION_SUBMITTED))
    )
    return {match_key(r["title"], r["category"]): r for r in rows}


async def _stored(sha: str) -> bytes:
    return await previewed_file(sha, "official_results.file")


async def _preview(cycle_id: int, data: bytes, sha: str) -> dict[str, Any]:
    sheet, rows = await _parsed(data)
    ours = await _our_nominations(cycle_id)
    return {
        "sha": sha,
        "sheet": sheet,
        "rows": len(rows),
        "by_outcome": dict(Counter(str(r.outcome) for r in rows)),
        "matched": sum(1 for r in rows if r.key in ours),
        "unmatched": [r.title for r in rows if r.key not in ours],
        "replaces": await OfficialResult.count().where(OfficialResult.cycle == cycle_id),
    }


async def preview_official_results(actor: Actor, cycle_id: int, data: bytes) -> dict[str, Any]:
    """What the import would write: the sheet read, the rows by outcome, which are ours and which
    not, and how many current rows it replaces. The file is kept (by `sha`) for the import."""
    require_admin(actor)
    await cycle_row(cycle_id)
    return await keep_for_import(data, _UPLOAD, lambda content, sha: _preview(cycle_id, content, sha))


async def preview_stored_results(actor: Actor, cycle_id: int, sha: str) -> dict[str, Any]:
    """The preview of a file already uploaded (the page shows it after the upload)."""
    require_admin(actor)
    await cycle_row(cycle_id)
    return await _preview(cycle_id, await _stored(sha), sha)


async def import_official_results(actor: Actor, cycle_id: int, sha: str) -> int:
    """Replace the cycle's official results with the previewed file's rows, all or nothing."""
    require_admin(actor)
    await cycle_row(cycle_id)
    _, rows = await _parsed(await _stored(sha))
    ours = await _our_nominations(cycle_id)
    moment = now()
    async with write_transaction():
        await OfficialResult.delete().where(OfficialResult.cycle == cycle_id)
        await OfficialResult.insert(
            *[
                OfficialResult(
                    cycle=cycle_id,
                    row_no=r.row,
                    title=r.title,
                    category=r.category.value,
                    grade=r.grade.value if r.grade else "",
                    outcome=r.outcome.value,
                    nomination=ours[r.key]["id"] if r.key in ours else None,
                    society_id=ours[r.key]["society_id"] if r.key in ours else None,
                    imported_by=actor.user_id,
                    imported_at=moment,
                )
                for r in rows
            ]
        )
        await audit(
            actor,
            "results.official_imported",
            "award_cycle",
            cycle_id,
            {"rows": len(rows), "matched": sum(1 for r in rows if r.key in ours)},
        )
    return len(rows)


async def official_results(cycle_id: int) -> list[dict[str, Any]]:
    return await OfficialResult.select().where(OfficialResult.cycle == cycle_id).order_by(OfficialResult.row_no)


async def official_record(cycle_id: int) -> dict[int, Counter[str]] | None:
    """Per society, how many of its nominations passed formal review and were awarded by the
    official results of the cycle; None when none were imported."""
    rows = await OfficialResult.select(OfficialResult.society_id, OfficialResult.outcome).where(
        OfficialResult.cycle == cycle_id
    )
    if not rows:
        return None
    record: dict[int, Counter[str]] = {}
    for row in rows:
        if row["society_id"] is None:
            continue
        tally = record.setdefault(row["society_id"], Counter())
        if row["outcome"] != OfficialOutcome.REJECTED:
            tally["passed"] += 1
        if row["outcome"] == OfficialOutcome.AWARDED:
            tally["awarded"] += 1
    return record
