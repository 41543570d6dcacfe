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
    RawRow,
    match_key,
    parse_rows,
)
from nominations.services.cycles import cycle_row
from nominations.tables import Nomination, OfficialResult
from xuehui import files, jobs
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import InvalidInput, NotFound, Reason
from xuehui.excel_import import CellKind, ExcelLimits, column_letter, read_table, upload_limits
from xuehui.settings import get_settings


def _upload() -> files.Purpose:
    return files.Purpose("official_results", frozenset({files.XLSX}), get_settings().max_upload_bytes)


def _read(data: bytes, limits: ExcelLimits) -> tuple[str, list[RawRow]] | list[Reason]:
    """In the process pool: the sheet read and its rows, or the reasons it is refused (returned,
    not raised: a refusal's reasons do not survive pickling as an exception)."""
    try:
        table = read_table(data, OFFICIAL_HEADERS, required=tuple(OFFICIAL_HEADERS), limits=limits)
    except InvalidInput as refused:
        return refused.reasons
    raws = []
    for row in table.rows:
        cells = {}
        for field, index in table.header.columns.items():
            value = "" if row.kind(index) is CellKind.EMPTY else str(row.value(index))
            cells[field] = (value, column_letter(index))
        raws.append(RawRow(row.number, cells))
    return table.sheet_name, raws


async def _parsed(data: bytes) -> tuple[str, list[OfficialRow]]:
    read = await jobs.run_in_process(_read, data, upload_limits())
    if isinstance(read, list):
        raise InvalidInput(read)
    sheet, raws = read
    if not raws:
        raise InvalidInput(Reason("official_results.empty", "文件中没有结果行", "the file has no result rows", "file"))
    rows, problems = parse_rows(raws)
    if problems:
        raise InvalidInput(problems)
    return sheet, rows


async def _our_nominations(cycle_id: int) -> dict[str, dict[str, Any]]:
    rows = await Nomination.select(Nomination.id, Nomination.society_id, Nomination.title, Nomination.category).where(
        (Nomination.cycle == cycle_id) & Nomination.status.is_in(list(NOMINATION_SUBMITTED))
    )
    return {match_key(r["title"], r["category"]): r for r in rows}


async def _stored(sha: str) -> bytes:
    stored = await files.load(sha) if len(sha) == 64 else None
    if stored is None:
        raise NotFound(
            Reason("official_results.file", "请重新上传文件后预览", "upload the file again and preview it", "file")
        )
    return stored[0]


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
    kind = files.check(data, _upload())
    preview = await _preview(cycle_id, data, "")
    async with write_transaction():
        sha = await files.store(data, kind)
    return {**preview, "sha": sha}


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
