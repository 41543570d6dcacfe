"""Panel meetings (会评) and anonymous ballots: a meeting on a batch's items with its members,
the roll call, one ballot per present member and item (counters only, a receipt that the member
voted, never how), and the close with quorum and an exact-fraction threshold."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from expert_pool.rules.ballots import BallotRule, Tally, decide, quorum_reason
from expert_pool.rules.lifecycles import PANEL_LIFECYCLE, PanelStatus
from expert_pool.rules.vocabulary import PoolAction, Vote
from expert_pool.schemas import PanelIn, PanelOutcomeOut
from expert_pool.services._shared import BLOCKING_CODES, dumps, loads, panel_not_found, parse_fraction
from expert_pool.services.batches import get_batch
from expert_pool.services.registry import my_expert
from expert_pool.tables import (
    BallotReceipt,
    ConflictRecord,
    Expert,
    PanelMeeting,
    PanelMember,
    PanelTally,
    ReviewItem,
)
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason


def _closed() -> Conflict:
    return Conflict(Reason("panel.closed", "会评已结束", "the panel meeting is closed"))


async def create_panel(actor: Actor, batch_id: int, data: PanelIn) -> int:
    """A panel meeting voting on the items of `batch_id`, with its members (experts of the pool)."""
    await get_batch(actor, batch_id)
    quorum = parse_fraction(data.quorum, "quorum", Fraction(0), Fraction(1))
    threshold = parse_fraction(data.threshold, "threshold", Fraction(0), Fraction(1))
    members = sorted(set(data.expert_ids))
    known = {r["id"] for r in await Expert.select(Expert.id).where(Expert.id.is_in(members))}
    if missing := [m for m in members if m not in known]:
        raise InvalidInput(
            Reason("panel.members", f"专家不存在：{missing}", f"unknown experts: {missing}", "expert_ids")
        )
    items = await ReviewItem.select(ReviewItem.id).where(ReviewItem.batch == batch_id)
    async with write_transaction():
        meeting = PanelMeeting(
            batch=batch_id,
            name=data.name.strip(),
            held_on=data.held_on,
            quorum=str(quorum),
            threshold=str(threshold),
            strict=data.strict,
            base=data.base,
            status=PANEL_LIFECYCLE.initial,
            created_by=actor.user_id,
            created_at=now(),
        )
        await meeting.save()
        await PanelMember.insert(*[PanelMember(meeting=meeting.id, expert=m, present=False) for m in members])
        if items:
            await PanelTally.insert(*[PanelTally(meeting=meeting.id, item=i["id"]) for i in items])
        await audit(
            actor, PoolAction.PANEL_CREATED, "panel_meeting", meeting.id, {"batch": batch_id, "members": members}
        )
    return int(meeting.id)


async def get_panel(actor: Actor, meeting_id: int) -> dict[str, Any]:
    require_admin(actor)
    row = await PanelMeeting.select().where(PanelMeeting.id == meeting_id).first()
    if row is None:
        raise panel_not_found()
    row["members"] = await (
        PanelMember.select(PanelMember.id, PanelMember.expert, PanelMember.present, PanelMember.expert.name)
        .where(PanelMember.meeting == meeting_id)
        .order_by(PanelMember.id)
    )
    row["results"] = loads(row["results"]) or []
    row["voted"] = await BallotReceipt.count().where(BallotReceipt.meeting == meeting_id)
    return row


async def list_panels(actor: Actor, batch_id: int) -> list[dict[str, Any]]:
    require_admin(actor)
    return await PanelMeeting.select().where(PanelMeeting.batch == batch_id).order_by(PanelMeeting.id)


async def set_roll(actor: Actor, meeting_id: int, present_expert_ids: Sequence[int]) -> int:
    """Record the roll call: who of the members is present. Returns the number present."""
    meeting = await get_panel(actor, meeting_id)
    if meeting["status"] != PanelStatus.OPEN:
        raise _closed()
    present = set(present_expert_ids)
    async with write_transaction():
        for member in meeting["members"]:
            await PanelMember.update({PanelMember.present: member["expert"] in present}).where(
                PanelMember.id == member["id"]
            )
        count = sum(1 for m in meeting["members"] if m["expert"] in present)
        await audit(
            actor,
            PoolAction.PANEL_ROLL,
            "panel_meeting",
            meeting_id,
            {"present": count, "roll": len(meeting["members"])},
        )
    return count


async def _blocked_items(expert_id: int, item_ids: Sequence[int]) -> set[int]:
    rows = await ConflictRecord.select(ConflictRecord.item).where(
        (ConflictRecord.expert == expert_id)
        & ConflictRecord.status.is_in(BLOCKING_CODES)
        & ConflictRecord.item.is_in(list(item_ids) or [0])
    )
    return {r["item"] for r in rows}


async def my_panels(actor: Actor) -> list[dict[str, Any]]:
    """Open meetings where the expert is present, with the items they may still vote on (never a
    conflicted one)."""
    me = await my_expert(actor)
    meetings = await PanelMeeting.select().where(
        (PanelMeeting.status == PanelStatus.OPEN)
        & PanelMeeting.id.is_in(
            PanelMember.select(PanelMember.meeting).where(
                (PanelMember.expert == me["id"]) & (PanelMember.present == True)  # noqa: E712 - Piccolo expression
            )
        )
    )
    out = []
    for meeting in meetings:
        items = (
            await ReviewItem.select(ReviewItem.id, ReviewItem.title, ReviewItem.kind)
            .where(ReviewItem.batch == meeting["batch"])
            .order_by(ReviewItem.id)
        )
        blocked = await _blocked_items(me["id"], [i["id"] for i in items])
        voted = {
            r["item"]
            for r in await BallotReceipt.select(BallotReceipt.item).where(
                (BallotReceipt.meeting == meeting["id"]) & (BallotReceipt.expert == me["id"])
            )
        }
        visible = [{**i, "voted": i["id"] in voted} for i in items if i["id"] not in blocked]
        out.append({"id": meeting["id"], "name": meeting["name"], "held_on": meeting["held_on"], "items": visible})
    return out


async def cast_ballot(actor: Actor, meeting_id: int, item_id: int, vote: str) -> None:
    """An anonymous ballot: the tally grows by one and a receipt records only that the member voted."""
    chosen = Vote.parse(vote)
    if chosen is None:
        raise InvalidInput(Reason("ballot.vote", "请选择赞成、反对或弃权", "vote yes, no or abstain", "vote"))
    me = await my_expert(actor)
    meeting = await PanelMeeting.select().where(PanelMeeting.id == meeting_id).first()
    member = (
        await PanelMember.select().where((PanelMember.meeting == meeting_id) & (PanelMember.expert == me["id"])).first()
    )
    item = await ReviewItem.select(ReviewItem.id, ReviewItem.batch).where(ReviewItem.id == item_id).first()
    if meeting is None or member is None or item is None or item["batch"] != meeting["batch"]:
        raise panel_not_found()
    if await _blocked_items(me["id"], [item_id]):
        raise panel_not_found()
    if meeting["status"] != PanelStatus.OPEN or not member["present"]:
        raise Conflict(
            Reason(
                "ballot.not_open",
                "只有出席的委员在会评进行中才能投票",
                "only members present may vote while the meeting is open",
            )
        )
    column = {Vote.YES: PanelTally.yes, Vote.NO: PanelTally.no, Vote.ABSTAIN: PanelTally.abstain}[chosen]
    async with write_transaction():
        if await BallotReceipt.exists().where(
            (BallotReceipt.meeting == meeting_id) & (BallotReceipt.item == item_id) & (BallotReceipt.expert == me["id"])
        ):
            raise Conflict(Reason("ballot.cast", "您已对该项目投票", "you have voted on this item already"))
        await BallotReceipt.insert(BallotReceipt(meeting=meeting_id, item=item_id, expert=me["id"]))
        await PanelTally.update({column: column + 1}).where(
            (PanelTally.meeting == meeting_id) & (PanelTally.item == item_id)
        )
        await audit(actor, PoolAction.PANEL_BALLOT_CAST, "panel_meeting", meeting_id, {"item": item_id})


async def close_panel(actor: Actor, meeting_id: int) -> list[PanelOutcomeOut]:
    """Close the vote and record the results: refused (and left open) without a quorum. A member
    conflicted with an item is not counted on that item's roll."""
    meeting = await get_panel(actor, meeting_id)
    if meeting["status"] != PanelStatus.OPEN:
        raise _closed()
    rule = BallotRule(
        quorum=Fraction(meeting["quorum"]),
        threshold=Fraction(meeting["threshold"]),
        strict=bool(meeting["strict"]),
        base=meeting["base"],
    )
    members = meeting["members"]
    closed = PANEL_LIFECYCLE.move(meeting["status"], PanelStatus.CLOSED, actor.role)
    refusal = quorum_reason(len(members), sum(1 for m in members if m["present"]), rule)
    if refusal is not None:
        raise Conflict(refusal)
    tallies = (
        await PanelTally.select(
            PanelTally.item,
            PanelTally.yes,
            PanelTally.no,
            PanelTally.abstain,
            PanelTally.item.kind,
            PanelTally.item.external_id,
            PanelTally.item.title,
        )
        .where(PanelTally.meeting == meeting_id)
        .order_by(PanelTally.item)
    )
    blocked = {
        (r["item"], r["expert"])
        for r in await ConflictRecord.select(ConflictRecord.item, ConflictRecord.expert).where(
            ConflictRecord.status.is_in(BLOCKING_CODES) & (ConflictRecord.item.batch == meeting["batch"])
        )
    }
    results = []
    for t in tallies:
        eligible = [m for m in members if (t["item"], m["expert"]) not in blocked]
        present = sum(1 for m in eligible if m["present"])
        outcome = decide(str(t["item"]), Tally(t["yes"], t["no"], t["abstain"]), len(eligible), present, rule)
        results.append(
            PanelOutcomeOut(
                item_id=t["item"],
                kind=t["item.kind"],
                external_id=t["item.external_id"],
                title=t["item.title"],
                passed=outcome.passed,
                yes=t["yes"],
                no=t["no"],
                abstain=t["abstain"],
                share=str(outcome.share),
                reasons=[r.as_dict() for r in outcome.reasons],
            )
        )
    async with write_transaction():
        done = await (
            PanelMeeting.update(
                {
                    PanelMeeting.status: closed,
                    PanelMeeting.closed_at: now(),
                    PanelMeeting.results: dumps([r.model_dump() for r in results]),
                }
            )
            .where((PanelMeeting.id == meeting_id) & PanelMeeting.status.is_in(sorted(PANEL_LIFECYCLE.sources(closed))))
            .returning(PanelMeeting.id)
        )
        if not done:
            raise _closed()
        await audit(
            actor,
            PoolAction.PANEL_CLOSED,
            "panel_meeting",
            meeting_id,
            {"passed": [r.external_id for r in results if r.passed]},
        )
    return results


async def panel_results(actor: Actor, meeting_id: int) -> list[PanelOutcomeOut]:
    """The recorded results of a closed meeting (empty while it is open). Names no member."""
    meeting = await get_panel(actor, meeting_id)
    return [PanelOutcomeOut(**r) for r in meeting["results"]]
