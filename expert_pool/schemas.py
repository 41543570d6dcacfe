"""API contracts of the expert pool, including the service API other packages call
(`ReviewItemIn`, `ReviewFormIn`, `BatchIn`): generic review items, never a nomination."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from xuehui.openapi import Input, RecordId


class ExpertIn(Input):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=50)
    sex: str = Field(default="", max_length=10)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    id_number: str = Field(max_length=30)
    title: str = Field(default="", max_length=50)
    rank: str = Field(default="", max_length=20)
    unit: str = Field(default="", max_length=200)
    in_province: bool = True
    primary_discipline: str = Field(max_length=12)
    secondary_disciplines: list[str] = Field(default_factory=list, max_length=10)
    keywords: list[str] = Field(default_factory=list, max_length=20)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=200)
    status: str = Field(default="active", max_length=20)
    # Sign-in account: the user name of an existing `expert` account to link, or of a new one
    # to create with `password`. Empty: no account yet.
    username: str = Field(default="", max_length=64)
    password: str = Field(default="", max_length=128)


class ProfileIn(Input):
    """What an expert keeps up to date themselves (name, identity number and status stay with the admin)."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(default="", max_length=50)
    unit: str = Field(default="", max_length=200)
    primary_discipline: str = Field(max_length=12)
    secondary_disciplines: list[str] = Field(default_factory=list, max_length=10)
    keywords: list[str] = Field(default_factory=list, max_length=20)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=200)


class ExpertOut(BaseModel):
    id: int
    user_id: int | None
    username: str
    name: str
    sex: str
    birth_year: int | None
    id_number: str
    title: str
    rank: str
    unit: str
    unit_normalised: str
    pending_unit: str  # a change the expert asked for, waiting for an admin
    in_province: bool
    primary_discipline: str
    secondary_disciplines: list[str]
    keywords: list[str]
    phone: str
    email: str
    status: str


class RelationIn(Input):
    model_config = ConfigDict(extra="forbid")
    relation: Literal["advisor", "student", "relative", "collaborator", "other"]
    person_name: str = Field(min_length=1, max_length=50)
    person_id_number: str = Field(default="", max_length=30)
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    note: str = Field(default="", max_length=1000)


class PersonIn(Input):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field(default="", max_length=30)


class ExcludedExpertIn(Input):
    """An expert the nominee asks to be kept away from their item (回避专家), named as the nominee
    knows them: the pool finds the expert by name and unit."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=50)
    unit: str = Field(default="", max_length=200)
    reason: str = Field(default="", max_length=500)


class ReviewItemIn(Input):
    """One generic item to review. `kind` + `external_id` identify it for the caller (e.g.
    ("nomination", "123")); the pool never looks inside either."""

    model_config = ConfigDict(extra="forbid")
    kind: str = Field(min_length=1, max_length=40)
    external_id: str = Field(min_length=1, max_length=60)
    title: str = Field(min_length=1, max_length=300)
    disciplines: list[str] = Field(min_length=1, max_length=10)  # the first is the main discipline
    keywords: list[str] = Field(default_factory=list, max_length=30)
    people: list[PersonIn] = Field(default_factory=list, max_length=100)  # contributors / candidates
    units: list[str] = Field(default_factory=list, max_length=50)  # contributing units
    society_id: RecordId | None = None  # the nominating society
    leaders: list[PersonIn] = Field(default_factory=list, max_length=20)  # the nominating body's leadership
    # The nominating society's leaders (secretary-general ...) by name, for the leadership conflict:
    # the pool reads no society record itself, the caller passes them with the item.
    society_leaders: list[str] = Field(default_factory=list, max_length=20)
    category: str = Field(default="", max_length=60)  # ranking group
    grade: str = Field(default="", max_length=40)
    material: str = Field(default="", max_length=100_000)  # text shown to the assigned experts
    links: list[str] = Field(default_factory=list, max_length=20)
    excluded_expert_ids: list[RecordId] = Field(default_factory=list)  # nominee's exclusions (at most 3)
    excluded_experts: list[ExcludedExpertIn] = Field(default_factory=list, max_length=10)  # the same, by name and unit


class CriterionIn(Input):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=30)
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(default="", max_length=200)
    weight: float = 1.0
    min_score: float = 0
    max_score: float = 100
    step: float | None = None


class ReviewFormIn(Input):
    model_config = ConfigDict(extra="forbid")
    criteria: list[CriterionIn] = Field(min_length=1, max_length=30)


Mode = Literal["optimal", "fair", "random"]


class BatchIn(Input):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    stage: Literal["remote", "panel"] = "remote"
    required: int = Field(default=5, ge=1, le=50)  # k experts per item
    max_load: int = Field(default=10, ge=1, le=1000)
    min_outside_share: str = Field(default="0", max_length=20)  # exact fraction: "0", "1/3", "0.2"
    mode: Mode = "optimal"
    cap: str = Field(default="1/2", max_length=20)  # random mode: probability cap, exact fraction
    deadline: dt.date | None = None
    form: ReviewFormIn
    items: list[ReviewItemIn] = Field(default_factory=list, max_length=20_000)


class RunIn(Input):
    model_config = ConfigDict(extra="forbid")
    mode: Mode | None = None
    seed: int | None = Field(default=None, ge=0, lt=2**63)


class UnitDecisionIn(Input):
    """An admin's decision on the unit an expert asked to change to."""

    model_config = ConfigDict(extra="forbid")
    decision: Literal["confirm", "reject"]


class RespondIn(Input):
    model_config = ConfigDict(extra="forbid")
    action: Literal["accept", "decline", "conflict"]
    reason: str = Field(default="", max_length=2000)


class ReviewIn(Input):
    model_config = ConfigDict(extra="forbid")
    scores: dict[str, float] = Field(default_factory=dict)
    comment: str = Field(default="", max_length=20_000)
    recommendation: str = Field(default="", max_length=20)
    submit: bool = False


class ConflictDecisionIn(Input):
    model_config = ConfigDict(extra="forbid")
    ids: list[RecordId] = Field(min_length=1, max_length=5000)
    decision: Literal["confirm", "dismiss"]


class ReminderIn(Input):
    model_config = ConfigDict(extra="forbid")
    expert_id: RecordId
    message: str = Field(min_length=1, max_length=2000)


class BatchOut(BaseModel):
    id: int
    name: str
    stage: str
    required: int
    max_load: int
    min_outside_share: str
    mode: str
    cap: str
    deadline: dt.date | None
    status: str
    seed: int | None
    items: int
    assign_job: int | None = None  # the background job of the latest long assignment run


class RunOut(BaseModel):
    batch_id: int
    mode: str
    seed: int | None
    pairs: int
    total_affinity: float
    weakest_affinity: float


class RunQueuedOut(BaseModel):
    """A large batch's assignment started as a background job (answered 202). Poll
    `GET /api/review-batches/{batch_id}`: `status` turns "assigned" when the job has stored the
    assignments (all or nothing), and `assign_job` names the job; the batch page shows its
    progress and, if the batch cannot be staffed, every reason."""

    batch_id: int
    job_id: int
    state: str  # the job's state as the answer left: "queued", "running" (or already "succeeded")


class MyAssignmentOut(BaseModel):
    """What an expert sees of one of their own assignments: never another expert."""

    id: int
    status: str
    batch_name: str
    deadline: dt.date | None
    kind: str
    title: str
    review_status: str
    lateness: str  # open | on_time | submitted_late | overdue


class ItemResultOut(BaseModel):
    """One item's aggregated result, with no expert named (safe for the nominating side)."""

    item_id: int
    kind: str
    external_id: str
    title: str
    category: str
    grade: str
    reviews: int
    required: int
    raw_mean: float | None
    normalised_mean: float | None
    normalised_on_raw_scale: float | None
    rank: int | None
    tied_with: list[str]


class ConflictOut(BaseModel):
    id: int
    item_id: int
    item_title: str
    batch_id: int
    expert_id: int
    expert_name: str
    type: str
    source: str
    status: str
    evidence: str


class PanelIn(Input):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    held_on: dt.date | None = None
    quorum: str = Field(default="2/3", max_length=20)  # exact fraction of the roll present
    threshold: str = Field(default="1/2", max_length=20)  # exact fraction of yes votes
    strict: bool = True  # True: more than the threshold ("more than half"); False: at least ("two-thirds")
    base: Literal["voting", "present", "roll"] = "voting"
    expert_ids: list[RecordId] = Field(min_length=1, max_length=200)


class PanelOutcomeOut(BaseModel):
    """One item's panel vote: counts and the exact share, never who voted how."""

    item_id: int
    kind: str
    external_id: str
    title: str
    passed: bool
    yes: int
    no: int
    abstain: int
    share: str  # an exact fraction, e.g. "5/7"
    reasons: list[dict[str, object]]
