"""A nomination's attachments (提名书附件): uploaded and removed while the nomination can be
edited, listed with the record, opened by whoever may see the nomination (its society, the
association, an expert assigned to it without a conflict), every opening audited."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from expert_pool import services as pool
from nominations.rules.actions import NominationAction
from nominations.rules.attachments import MAX_PER_KIND, kind_label, missing_attachments, unknown_kind
from nominations.rules.cycle.model import Category, CycleConfig
from nominations.services._shared import _not_found
from nominations.services.kinds import PROJECT
from nominations.services.queries import get_nomination
from nominations.tables import Nomination, NominationAttachment
from xuehui import files
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import InvalidInput, NotFound, Reason

FIELD = "attachment_file"  # the upload form's file field, where a refusal is shown
MAX_FILENAME_LENGTH = 200  # the filename column's length; the name is for display only
# Scans and PDFs for everything the form asks for; a Word or Excel original only among "other".
SCANS = frozenset({files.PDF, files.JPEG, files.PNG})
PURPOSES = {
    "other": files.Purpose("nominations.attachment.other", SCANS | {files.DOCX, files.XLSX}, 20_000_000),
}
DEFAULT_PURPOSE = files.Purpose("nominations.attachment", SCANS, 20_000_000)
REVIEW_ITEM_KIND = "nomination"  # what the expert pool calls a nomination's review item


def purpose_of(kind: str) -> files.Purpose:
    return PURPOSES.get(kind, DEFAULT_PURPOSE)


def _columns() -> list[Any]:
    return [
        NominationAttachment.id,
        NominationAttachment.kind,
        NominationAttachment.filename,
        NominationAttachment.media_type,
        NominationAttachment.size,
        NominationAttachment.uploaded_at,
    ]


def _view(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "kind_label": kind_label(row["kind"])}


async def attachments(actor: Actor, nomination_id: int) -> list[dict[str, Any]]:
    """The nomination's attachments, in the order of the form's kinds and then of upload."""
    await get_nomination(actor, nomination_id)
    return await _listed(nomination_id)


async def _listed(nomination_id: int) -> list[dict[str, Any]]:
    rows = await (
        NominationAttachment.select(*_columns())
        .where(NominationAttachment.nomination == nomination_id)
        .order_by(NominationAttachment.id)
    )
    return [_view(row) for row in rows]


async def add_attachment(actor: Actor, nomination_id: int, kind: str, filename: str, content: bytes) -> int:
    """Keep one file of `kind` with an editable nomination; its content decides what it is."""
    current = await get_nomination(actor, nomination_id)
    if current["status"] not in PROJECT.editable:
        raise PROJECT.locked()
    if refusal := unknown_kind(kind):
        raise InvalidInput(refusal)
    media_type = files.check(content, purpose_of(kind), FIELD)
    name = files_name(filename)
    async with write_transaction():
        held = await NominationAttachment.count().where(
            (NominationAttachment.nomination == nomination_id) & (NominationAttachment.kind == kind)
        )
        if held >= MAX_PER_KIND:
            raise InvalidInput(
                Reason(
                    "attachment.too_many",
                    f"每类附件最多{MAX_PER_KIND}个",
                    f"at most {MAX_PER_KIND} files of one kind",
                    FIELD,
                )
            )
        sha = await files.store(content, media_type)
        row = (
            await NominationAttachment.insert(
                NominationAttachment(
                    nomination=nomination_id,
                    kind=kind,
                    filename=name,
                    sha256=sha,
                    media_type=media_type,
                    size=len(content),
                    uploaded_by=actor.user_id,
                    uploaded_at=now(),
                )
            ).returning(NominationAttachment.id)
        )[0]
        summary = {"material": kind, "filename": name}
        await audit(
            actor, NominationAction.ATTACHMENT_ADDED, "nomination", nomination_id, summary, current["society_id"]
        )
    return int(row["id"])


def files_name(filename: str) -> str:
    """The original name as kept for display: its last path part, at most the column's length."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return base[-MAX_FILENAME_LENGTH:] or "file"


async def remove_attachment(actor: Actor, nomination_id: int, attachment_id: int) -> None:
    current = await get_nomination(actor, nomination_id)
    if current["status"] not in PROJECT.editable:
        raise PROJECT.locked()
    async with write_transaction():
        row = await _attachment_row(nomination_id, attachment_id)
        await NominationAttachment.delete().where(NominationAttachment.id == attachment_id)
        summary = {"material": row["kind"], "filename": row["filename"]}
        await audit(
            actor, NominationAction.ATTACHMENT_REMOVED, "nomination", nomination_id, summary, current["society_id"]
        )


async def _attachment_row(nomination_id: int, attachment_id: int) -> dict[str, Any]:
    row = (
        await NominationAttachment.select(*_columns(), NominationAttachment.sha256)
        .where((NominationAttachment.id == attachment_id) & (NominationAttachment.nomination == nomination_id))
        .first()
    )
    if row is None:
        raise _attachment_not_found()
    return row


def _attachment_not_found() -> NotFound:
    return NotFound(Reason("attachment.not_found", "没有该附件", "no such attachment"))


async def _society_in_reach(actor: Actor, nomination_id: int) -> int:
    """The nomination's society when `actor` may see it: its society, the association, or an expert
    holding a visible (assigned, not conflicted) review of it; anyone else finds nothing."""
    row = await Nomination.select(Nomination.society_id).where(Nomination.id == nomination_id).first()
    if row is None:
        raise _not_found()
    if actor.acts_for(row["society_id"]) or await pool.reviews_item(actor, REVIEW_ITEM_KIND, str(nomination_id)):
        return int(row["society_id"])
    raise _not_found()


async def open_attachment(actor: Actor, nomination_id: int, attachment_id: int) -> tuple[bytes, str, str]:
    """One attachment's bytes, media type and original name for whoever may see the nomination;
    the opening is audited (the signed pages and proofs carry people's details)."""
    society_id = await _society_in_reach(actor, nomination_id)
    async with write_transaction():
        row = await _attachment_row(nomination_id, attachment_id)
        stored = await files.load(row["sha256"])
        if stored is None:
            raise _attachment_not_found()
        summary = {"material": row["kind"], "filename": row["filename"]}
        await audit(actor, NominationAction.ATTACHMENT_OPENED, "nomination", nomination_id, summary, society_id)
    return stored[0], stored[1], row["filename"]


async def missing_on_submit(config: CycleConfig, nomination_id: int, category: str) -> list[Reason]:
    """A refusal per attachment kind the cycle requires of the category and the nomination lacks."""
    rule = config.categories.get(Category(category)) if category in set(Category) else None
    if rule is None or not rule.required_attachments:
        return []
    rows = await NominationAttachment.select(NominationAttachment.kind).where(
        NominationAttachment.nomination == nomination_id
    )
    return missing_attachments(rule.required_attachments, {r["kind"] for r in rows})


def required_kinds(config: CycleConfig, category: str) -> tuple[str, ...]:
    """The kinds the cycle requires of `category` (none for an unknown category)."""
    rule = config.categories.get(Category(category)) if category in set(Category) else None
    return rule.required_attachments if rule else ()
