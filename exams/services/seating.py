"""Seating and tickets (考场编排与准考证): the allocation with a recorded seed, late registrants on
free seats, one candidate moved by hand, and the door lists and sign-in sheets of a room."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from exams.rules import seating as st
from exams.rules import tickets as tk
from exams.rules.actions import ExamAction
from exams.rules.lifecycles import RegistrationStatus
from exams.schemas import MoveIn
from exams.services._shared import (
    get_registration,
    plan_for_staff,
    registration_view,
    require_staff,
    room_rule,
    rooms_of,
    subjects_of,
)
from exams.services.notices import tell_tickets
from exams.tables import ExamPlan, ExamRoom, Registration
from xuehui.clock import now
from xuehui.db import give_slot_back, json_value, take_slot, write_transaction
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason

ROOM_TABLE = "xh_exam_room"


def _policy(plan: dict[str, Any], seed: int) -> st.SeatingPolicy:
    return st.SeatingPolicy(seed, plan["separate_employers"], plan["one_group_per_room"])


def _group(reg: dict[str, Any]) -> str:
    return "+".join(sorted(json_value(reg["subjects"])))


def _seating_candidate(reg: dict[str, Any]) -> st.SeatingCandidate:
    return st.SeatingCandidate(
        str(reg["id"]),
        _group(reg),
        reg["employer"] or None,
        reg["status"] == RegistrationStatus.APPROVED,
        bool(reg["paid"]),
    )


def _current_plan(regs: list[dict[str, Any]], rooms: list[dict[str, Any]]) -> st.SeatingPlan:
    by_room = {r["id"]: r for r in rooms}
    assignments = []
    for reg in regs:
        if reg["room"] is None:
            continue
        room = by_room[reg["room"]]
        row, col = divmod(reg["seat_no"] - 1, room["columns"])
        assignments.append(
            st.SeatAssignment(
                str(reg["id"]),
                room["site_code"],
                room["room_no"],
                reg["seat_no"],
                row + 1,
                col + 1,
                _group(reg),
                reg["employer"] or None,
            )
        )
    return st.SeatingPlan(0, tuple(assignments), (), ())


async def _write_ticket(plan: dict[str, Any], reg_id: int, room: dict[str, Any], seat_no: int) -> None:
    template = tk.parse_template(plan["ticket_template"])
    assert not isinstance(template, Reason)
    row, col = divmod(seat_no - 1, room["columns"])
    assignment = st.SeatAssignment(str(reg_id), room["site_code"], room["room_no"], seat_no, row + 1, col + 1, "", None)
    number = tk.ticket_number(template, plan["year"], plan["code"], assignment)
    if isinstance(number, Reason):
        raise InvalidInput(number)
    await Registration.update(
        {
            Registration.room: room["id"],
            Registration.seat_no: seat_no,
            Registration.ticket_no: number,
            Registration.updated_at: now(),
        }
    ).where(Registration.id == reg_id)


async def allocate_seats(actor: Actor | None, plan_id: int) -> dict[str, Any]:
    """First call: seat every approved, paid candidate with a new recorded seed. Later calls: seat late
    registrants on free seats without moving anyone. Tickets are issued for every new seat."""
    require_staff(actor)
    plan = await plan_for_staff(actor, plan_id)
    room_rows = await rooms_of(plan_id)
    if not room_rows:
        raise Conflict(Reason("seating.no_rooms", "请先添加考场", "add rooms first"))
    rooms = [room_rule(r) for r in room_rows]
    room_by_key = {(r["site_code"], r["room_no"]): r for r in room_rows}
    seed = st.new_seed()
    async with write_transaction():
        regs = await Registration.select().where(Registration.plan == plan_id)
        # The unpaid are listed as unseated.
        admitted = [r for r in regs if r["status"] == RegistrationStatus.APPROVED]
        first = plan["seated_at"] is None
        if first:
            result = st.allocate_seats([_seating_candidate(r) for r in admitted], rooms, _policy(plan, seed))
            new = list(result.assignments)
        else:
            current = _current_plan(regs, room_rows)
            late = [_seating_candidate(r) for r in admitted if r["room"] is None]
            result = st.seat_late_registrants(current, rooms, late, _policy(plan, seed))
            seated = {a.candidate_id for a in current.assignments}
            new = [a for a in result.assignments if a.candidate_id not in seated]
        counts: dict[int, int] = defaultdict(int)
        for a in new:
            room = room_by_key[a.room_key]
            await _write_ticket(plan, int(a.candidate_id), room, a.seat_no)
            counts[room["id"]] += 1
        for room_id, n in counts.items():
            await ExamRoom.update({ExamRoom.used: ExamRoom.used + n}).where(ExamRoom.id == room_id)
        await ExamPlan.update({ExamPlan.seating_seed: seed, ExamPlan.seated_at: now()}).where(ExamPlan.id == plan_id)
        summary = {
            "seed": seed,
            "first": first,
            "seated": len(new),
            "unseated": [(u.candidate_id, u.reason.zh, u.reason.en) for u in result.unseated],
            "conflicts": len(result.conflicts),
        }
        await audit(actor, ExamAction.SEATS_ALLOCATED, "exam_plan", plan_id, summary, plan["society_id"])
        await tell_tickets(plan, [int(a.candidate_id) for a in new])
    return summary


async def seat_one(actor: Actor | None, registration_id: int) -> dict[str, Any]:
    """Seat one late registrant on a free seat. The room's seat count is taken with a conditional
    UPDATE first (which also locks the room row on PostgreSQL), so concurrent calls never over-fill."""
    require_staff(actor)
    current = await get_registration(actor, registration_id)
    plan = current["plan_row"]
    if current["status"] != RegistrationStatus.APPROVED or not current["paid"]:
        raise Conflict(
            Reason("seating.not_admitted", "审核通过并缴费后才能安排座位", "seat only approved, paid candidates")
        )
    if current["room"] is not None:
        return {"room_id": current["room"], "seat_no": current["seat_no"], "ticket_no": current["ticket_no"]}
    me = _seating_candidate(current)
    for room_row in await rooms_of(plan["id"]):
        room = room_rule(room_row)
        if room.subject_group is not None and room.subject_group != me.subject_group:
            continue
        async with write_transaction():
            if not await take_slot(ROOM_TABLE, room_row["id"], "used", "capacity"):
                continue
            regs = await Registration.select().where(
                (Registration.plan == plan["id"]) & (Registration.room == room_row["id"])
            )
            if plan["one_group_per_room"] and any(_group(r) != me.subject_group for r in regs):
                await give_slot_back(ROOM_TABLE, room_row["id"])
                continue
            existing = _current_plan(regs, [room_row])
            placed = st.seat_late_registrants(existing, [room], [me], _policy(plan, st.new_seed()))
            mine = placed.by_candidate().get(str(registration_id))
            if mine is None:
                await give_slot_back(ROOM_TABLE, room_row["id"])
                continue
            await _write_ticket(plan, registration_id, room_row, mine.seat_no)
            await audit(
                actor,
                ExamAction.SEAT_TAKEN,
                "exam_registration",
                registration_id,
                {"room": room_row["id"], "seat": mine.seat_no},
                plan["society_id"],
            )
            return {"room_id": room_row["id"], "seat_no": mine.seat_no}
    raise Conflict(Reason("seating.full", "没有空余座位，请增加考场", "no free seat left; add a room"))


async def move_candidate(actor: Actor | None, registration_id: int, data: MoveIn) -> None:
    require_staff(actor)
    current = await get_registration(actor, registration_id)
    plan = current["plan_row"]
    room_rows = await rooms_of(plan["id"])
    target = next((r for r in room_rows if r["id"] == data.room_id), None)
    if target is None:
        raise InvalidInput(
            Reason("seating.no_such_seat", "目标座位不存在", "the target seat does not exist", "room_id")
        )
    async with write_transaction():
        regs = await Registration.select().where(Registration.plan == plan["id"])
        moved = st.move_candidate(
            _current_plan(regs, room_rows),
            [room_rule(r) for r in room_rows],
            str(registration_id),
            target["site_code"],
            target["room_no"],
            data.seat_no,
        )
        if isinstance(moved, Reason):
            raise InvalidInput(moved)
        old_room = current["room"]
        await _write_ticket(plan, registration_id, target, data.seat_no)
        if old_room != target["id"]:
            await give_slot_back(ROOM_TABLE, old_room)
            await ExamRoom.update({ExamRoom.used: ExamRoom.used + 1}).where(ExamRoom.id == target["id"])
        await audit(
            actor,
            ExamAction.CANDIDATE_MOVED,
            "exam_registration",
            registration_id,
            {"from": [old_room, current["seat_no"]], "to": [target["id"], data.seat_no]},
            plan["society_id"],
        )


async def room_sheet(actor: Actor | None, room_id: int) -> dict[str, Any]:
    # A missing room and one of a plan this actor may not run get the same answer.
    hidden = NotFound(Reason("room.not_found", "考场不存在或无权查看", "room not found or not visible to you"))
    room = await ExamRoom.select().where(ExamRoom.id == room_id).first()
    if room is None:
        raise hidden
    try:
        plan = await plan_for_staff(actor, room["plan"])
    except NotFound:
        raise hidden from None
    regs = await Registration.select().where(Registration.room == room_id).order_by(Registration.seat_no)
    return {
        "plan": plan,
        "room": room,
        "candidates": [registration_view(r) for r in regs],
        "subjects": await subjects_of(plan["id"]),
    }
