"""Every status the expert pool stores, as one labelled enum per lifecycle with its moves.

Services change a status only through these tables (`LIFECYCLE.move(current, target, role)`)
and write it with a guard on the states the move may start from, so a concurrent change from
another state cannot slip through. Pages and exports show `.label()`, never the code.

Roles: `admin` is association staff, `expert` the reviewer; `*` (ANYONE) marks a move the system
makes on behalf of whoever triggered it (a replacement after a decline, a conflict confirmed).
"""

from __future__ import annotations

from xuehui.lifecycle import ANYONE, Lifecycle, move
from xuehui.vocabulary import Labelled

ADMIN = "admin"
EXPERT = "expert"


class ExpertStatus(Labelled, vocabulary="expert_pool.expert_status"):
    ACTIVE = "active", "在库", "Active"
    SUSPENDED = "suspended", "暂停", "Suspended"
    RETIRED = "retired", "退出", "Retired"


# The registry status is the administrator's to set: any status may follow any other.
EXPERT_LIFECYCLE = Lifecycle(
    "expert",
    ExpertStatus,
    tuple(move(source, target, ADMIN) for source in ExpertStatus for target in ExpertStatus if source != target),
    initial=ExpertStatus.ACTIVE,
)


class BatchStatus(Labelled, vocabulary="expert_pool.batch_status"):
    DRAFT = "draft", "未分配", "Not assigned"
    ASSIGNED = "assigned", "已分配", "Assigned"
    CLOSED = "closed", "已结束", "Closed"


BATCH_LIFECYCLE = Lifecycle(
    "batch",
    BatchStatus,
    (
        move(BatchStatus.DRAFT, BatchStatus.ASSIGNED, ADMIN, "assign"),
        move(BatchStatus.ASSIGNED, BatchStatus.CLOSED, ADMIN, "close"),
    ),
    initial=BatchStatus.DRAFT,
)


class AssignmentStatus(Labelled, vocabulary="expert_pool.assignment_status"):
    ASSIGNED = "assigned", "待确认", "Awaiting reply"
    ACCEPTED = "accepted", "已接受", "Accepted"
    DECLINED = "declined", "已谢绝", "Declined"
    CONFLICT = "conflict", "已回避", "Conflict declared"
    REPLACED = "replaced", "已调整", "Replaced"
    OVERDUE = "overdue", "逾期撤换", "Withdrawn as overdue"


# Statuses that hold a place on an item (and keep the item visible to its expert).
HOLDING = frozenset({AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED})
# Statuses after which the solver must never pick the same expert for the item again.
WITHDRAWN = frozenset({AssignmentStatus.DECLINED, AssignmentStatus.CONFLICT, AssignmentStatus.OVERDUE})

ASSIGNMENT_LIFECYCLE = Lifecycle(
    "assignment",
    AssignmentStatus,
    (
        move(AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED, EXPERT, "accept"),
        move(HOLDING, AssignmentStatus.DECLINED, EXPERT, "decline"),
        # Declared by the expert, or a conflict the administrator confirmed or pinned.
        move(HOLDING, AssignmentStatus.CONFLICT, ANYONE, "conflict"),
        # The administrator withdraws a review not submitted by the deadline, as a decline.
        move(HOLDING, AssignmentStatus.OVERDUE, ADMIN, "withdraw_overdue"),
        # The replacement solver moves a not yet accepted expert to another item.
        move(AssignmentStatus.ASSIGNED, AssignmentStatus.REPLACED, ANYONE, "replace"),
        move(AssignmentStatus.REPLACED, AssignmentStatus.ASSIGNED, ANYONE, "reassign"),
    ),
    initial=AssignmentStatus.ASSIGNED,
)


class ReviewStatus(Labelled, vocabulary="expert_pool.review_status"):
    DRAFT = "draft", "草稿", "Draft"
    SUBMITTED = "submitted", "已提交", "Submitted"


REVIEW_LIFECYCLE = Lifecycle(
    "review",
    ReviewStatus,
    (
        move(ReviewStatus.DRAFT, ReviewStatus.DRAFT, EXPERT, "save"),
        move(ReviewStatus.DRAFT, ReviewStatus.SUBMITTED, EXPERT, "submit"),
    ),
    initial=ReviewStatus.DRAFT,
)


class ConflictStatus(Labelled, vocabulary="expert_pool.conflict_status"):
    POTENTIAL = "potential", "待确认", "Potential"
    CONFIRMED = "confirmed", "已确认", "Confirmed"
    DISMISSED = "dismissed", "已排除", "Dismissed"


# Potential and confirmed conflicts both bar the expert from the item; a dismissed one does not.
BLOCKING = frozenset({ConflictStatus.POTENTIAL, ConflictStatus.CONFIRMED})

CONFLICT_LIFECYCLE = Lifecycle(
    "conflict",
    ConflictStatus,
    (
        move(ConflictStatus.POTENTIAL, ConflictStatus.CONFIRMED, ADMIN, "confirm"),
        move(ConflictStatus.POTENTIAL, ConflictStatus.DISMISSED, ADMIN, "dismiss"),
        # A declaration (expert, nominee, administrator) confirms the record whatever it was,
        # and refreshes the evidence of one already confirmed.
        move((ConflictStatus.DISMISSED, ConflictStatus.CONFIRMED), ConflictStatus.CONFIRMED, ANYONE, "declare"),
    ),
    initial=ConflictStatus.POTENTIAL,
)


class PanelStatus(Labelled, vocabulary="expert_pool.panel_status"):
    OPEN = "open", "进行中", "Open"
    CLOSED = "closed", "已结束", "Closed"


PANEL_LIFECYCLE = Lifecycle(
    "panel",
    PanelStatus,
    (move(PanelStatus.OPEN, PanelStatus.CLOSED, ADMIN, "close"),),
    initial=PanelStatus.OPEN,
)
