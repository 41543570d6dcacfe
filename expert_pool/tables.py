"""The expert registry, relations, unit aliases, conflicts, review batches, items, assignments,
reviews and reminders.

Composite uniqueness ((batch, kind, external id), (item, expert) per assignment and per conflict
type, one review per assignment) is made by raw `CREATE UNIQUE INDEX` in a hand-written
migration (Piccolo's composite constraints break SQLite migrations).
"""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from accounts.tables import User


class Expert(Table, tablename="xh_expert"):
    id: Serial
    # The expert's sign-in account (role `expert`); null until the admin creates or links one.
    user = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True, default=None, unique=True)
    name = Varchar(length=50)
    sex = Varchar(length=10, default="")  # male | female
    birth_year = Integer(null=True, default=None)
    id_number = Varchar(length=18, unique=True)
    title = Varchar(length=50, default="")  # 职称, e.g. 教授
    rank = Varchar(length=20, default="")  # senior | associate_senior | intermediate
    unit = Varchar(length=200, default="")
    unit_normalised = Varchar(length=200, default="", index=True)
    # A unit the expert entered themselves, waiting for an admin's confirmation; until then both
    # units count for conflict detection (an expert cannot leave a conflict by editing the field).
    pending_unit = Varchar(length=200, default="")
    pending_unit_since = Timestamptz(null=True, default=None)
    in_province = Boolean(default=True)
    primary_discipline = Varchar(length=12, index=True)
    secondary_disciplines = JSON(default="[]")
    keywords = JSON(default="[]")
    phone = Varchar(length=30, default="")
    email = Varchar(length=200, default="")
    status = Varchar(length=20, default="active", index=True)  # active | suspended | retired
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ExpertRelation(Table, tablename="xh_expert_relation"):
    """A relation the expert declared: advisor, student, relative or a dated collaboration."""

    id: Serial
    expert = ForeignKey(references=Expert, on_delete=OnDelete.restrict, null=False)
    relation = Varchar(length=20)  # advisor | student | relative | collaborator | other
    person_name = Varchar(length=50)
    person_id_number = Varchar(length=18, default="")
    started_on = Date(null=True, default=None)
    ended_on = Date(null=True, default=None)
    note = Text(default="")
    created_at = Timestamptz()


class UnitAlias(Table, tablename="xh_unit_alias"):
    """An affiliated unit (hospital, campus, institute) mapped to its parent for the same-unit rule."""

    id: Serial
    child = Varchar(length=200, unique=True)
    parent = Varchar(length=200)
    created_at = Timestamptz()


class ReviewBatch(Table, tablename="xh_review_batch"):
    id: Serial
    name = Varchar(length=200)
    stage = Varchar(length=20, default="remote")  # remote | panel
    required = Integer(default=5)  # k experts per item
    max_load = Integer(default=10)
    min_outside_share = Varchar(length=20, default="0")  # an exact fraction, e.g. "1/3"
    mode = Varchar(length=20, default="optimal")  # optimal | fair | random
    cap = Varchar(length=20, default="1/2")  # random mode: the probability cap as a fraction
    deadline = Date(null=True, default=None)
    form = JSON(default="{}")  # the review form: weighted criteria with score ranges
    status = Varchar(length=20, default="draft", index=True)  # draft | assigned | closed
    seed = BigInt(null=True, default=None)  # recorded for random draws so they can be replayed
    run_at = Timestamptz(null=True, default=None)
    run_summary = JSON(default="{}")
    assign_job = Integer(null=True, default=None)  # the xuehui.jobs job of a long assignment run
    created_by = Integer()
    created_at = Timestamptz()


class ReviewItem(Table, tablename="xh_review_item"):
    """A generic review item: a nomination, a person recommendation, an evaluation item..."""

    id: Serial
    batch = ForeignKey(references=ReviewBatch, on_delete=OnDelete.restrict, null=False)
    kind = Varchar(length=40)
    external_id = Varchar(length=60)
    title = Varchar(length=300)
    disciplines = JSON(default="[]")
    keywords = JSON(default="[]")
    people = JSON(default="[]")  # [{"name": ..., "id_number": ...}]
    units = JSON(default="[]")
    society_id = Integer(null=True, default=None, index=True)
    leaders = JSON(default="[]")  # leaders of the nominating body: [{"name": ..., "id_number": ...}]
    category = Varchar(length=60, default="")
    grade = Varchar(length=40, default="")
    material = Text(default="")
    links = JSON(default="[]")
    created_at = Timestamptz()


class ConflictRecord(Table, tablename="xh_conflict"):
    """A typed conflict of interest (回避) between an expert and an item, with its provenance.

    `potential` (auto-detected, waiting in the queue) and `confirmed` conflicts both bar the
    expert from the item; only a `dismissed` one does not.
    """

    id: Serial
    item = ForeignKey(references=ReviewItem, on_delete=OnDelete.restrict, null=False)
    expert = ForeignKey(references=Expert, on_delete=OnDelete.restrict, null=False)
    type = Varchar(length=30)
    source = Varchar(length=20)  # auto | expert | nominee | admin
    status = Varchar(length=20, index=True)  # potential | confirmed | dismissed
    evidence = Text(default="")
    found_at = Timestamptz()
    decided_by = Integer(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)


class ReviewAssignment(Table, tablename="xh_review_assignment"):
    id: Serial
    item = ForeignKey(references=ReviewItem, on_delete=OnDelete.restrict, null=False)
    expert = ForeignKey(references=Expert, on_delete=OnDelete.restrict, null=False)
    # assigned | accepted | declined | conflict | replaced
    status = Varchar(length=20, default="assigned", index=True)
    pinned = Boolean(default=False)
    affinity = DoublePrecision(default=0.0)
    reason = Text(default="")
    assigned_at = Timestamptz()
    responded_at = Timestamptz(null=True, default=None)


class Review(Table, tablename="xh_review"):
    id: Serial
    assignment = ForeignKey(references=ReviewAssignment, on_delete=OnDelete.restrict, null=False, unique=True)
    scores = JSON(default="{}")
    comment = Text(default="")
    recommendation = Varchar(length=20, default="")
    total = DoublePrecision(null=True, default=None)
    status = Varchar(length=20, default="draft")  # draft | submitted
    updated_at = Timestamptz()
    submitted_at = Timestamptz(null=True, default=None)


class Reminder(Table, tablename="xh_review_reminder"):
    """A reminder is an audited record shown to the expert on their assignment list (no e-mail).
    `kind` is `manual` (the admin's own words in `message`) or `deadline` (the automatic one
    before the batch's deadline, at most one per batch, expert and deadline; worded on the page)."""

    id: Serial
    kind = Varchar(length=20, default="manual")
    deadline = Date(null=True, default=None)
    batch = ForeignKey(references=ReviewBatch, on_delete=OnDelete.restrict, null=False)
    expert = ForeignKey(references=Expert, on_delete=OnDelete.restrict, null=False)
    message = Text()
    sent_by = Integer()
    sent_at = Timestamptz()


class PanelMeeting(Table, tablename="xh_panel_meeting"):
    """A panel meeting (会评) voting on the items of one batch, with anonymous ballots."""

    id: Serial
    batch = ForeignKey(references=ReviewBatch, on_delete=OnDelete.restrict, null=False)
    name = Varchar(length=200)
    held_on = Date(null=True, default=None)
    quorum = Varchar(length=20, default="2/3")  # exact fraction of the roll that must be present
    threshold = Varchar(length=20, default="1/2")  # exact fraction of yes votes
    strict = Boolean(default=True)  # True: more than the threshold; False: at least
    base = Varchar(length=10, default="voting")  # voting | present | roll
    status = Varchar(length=20, default="open")  # open | closed
    results = JSON(default="[]")
    created_by = Integer()
    created_at = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)


class PanelMember(Table, tablename="xh_panel_member"):
    id: Serial
    meeting = ForeignKey(references=PanelMeeting, on_delete=OnDelete.restrict, null=False)
    expert = ForeignKey(references=Expert, on_delete=OnDelete.restrict, null=False)
    present = Boolean(default=False)


class PanelTally(Table, tablename="xh_panel_tally"):
    """Votes per item as counters only: no row says how any member voted."""

    id: Serial
    meeting = ForeignKey(references=PanelMeeting, on_delete=OnDelete.restrict, null=False)
    item = ForeignKey(references=ReviewItem, on_delete=OnDelete.restrict, null=False)
    yes = Integer(default=0)
    no = Integer(default=0)
    abstain = Integer(default=0)


class BallotReceipt(Table, tablename="xh_ballot_receipt"):
    """That a member has voted on an item (so nobody votes twice), never how."""

    id: Serial
    meeting = ForeignKey(references=PanelMeeting, on_delete=OnDelete.restrict, null=False)
    item = ForeignKey(references=ReviewItem, on_delete=OnDelete.restrict, null=False)
    expert = ForeignKey(references=Expert, on_delete=OnDelete.restrict, null=False)
