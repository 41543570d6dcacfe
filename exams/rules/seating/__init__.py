"""Seating (考场编排): allocate approved, paid candidates to sites, rooms and seats.

- A room is ``rows x columns`` desks; seat numbers run left to right, front to back (1 is front-left).
  The last ``spare_seats`` seats stay empty for emergencies (a broken desk, a manual move).
- The order is random from a recorded ``seed``: candidates are first sorted by id, so the same
  candidates, rooms and seed always give the same plan, whatever order the caller passes them in.
- Each subject group takes its fixed rooms, then as few free rooms (in room order) as it needs, and
  its candidates are dealt round-robin over those rooms, largest employer first, so no room gets
  more than its share of one employer.
- Candidates from the same employer are not seated side by side or front to back when
  ``separate_employers`` is set. Each room is filled by a seeded random greedy pass (a seat may be
  left empty when the room has seats to spare); if that leaves a clash, a bounded exact search over
  employer labels tries again; any clash left is *reported* in `SeatingPlan.conflicts`, never hidden.
  A room where one employer has more than half the seats cannot be separated; the search is skipped.
- With ``one_group_per_room`` a room holds one subject group; a room may also be fixed to a group.
- Late registrants fill free seats without moving anyone; one candidate can be moved by hand.
- Too few seats fails loudly: every candidate left without a seat is listed with the reason.

Modules: `model` (rooms, candidates, seats, the plan), `arrange` (one room, employer separation),
`allocate` (the whole allocation), `changes` (late registrants, moving one candidate).
"""

from exams.rules.seating.allocate import allocate_seats
from exams.rules.seating.arrange import find_conflicts
from exams.rules.seating.changes import move_candidate, room_occupancy, seat_late_registrants
from exams.rules.seating.model import (
    NeighbourConflict,
    Room,
    RoomKey,
    SeatAssignment,
    SeatingCandidate,
    SeatingPlan,
    SeatingPolicy,
    Unseated,
    new_seed,
)

__all__ = [
    "NeighbourConflict",
    "Room",
    "RoomKey",
    "SeatAssignment",
    "SeatingCandidate",
    "SeatingPlan",
    "SeatingPolicy",
    "Unseated",
    "allocate_seats",
    "find_conflicts",
    "move_candidate",
    "new_seed",
    "room_occupancy",
    "seat_late_registrants",
]
