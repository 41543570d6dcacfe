"""Input and output models of the exams API (the pages build the same inputs from their forms)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from xuehui.openapi import Input, RecordId

# A subject code as the plan defines it ("A", "B1"); a registration names at most 20.
SubjectCode = Annotated[str, Field(max_length=10)]


class SubjectIn(Input):
    code: str = Field(max_length=10)
    name: str = Field(max_length=100)
    full_marks: Decimal = Field(gt=0, le=1000)
    pass_mark: Decimal = Field(ge=0, le=1000)
    decimal_places: int = Field(default=0, ge=0, le=1)
    objective: bool = False
    starts_at: dt.datetime
    ends_at: dt.datetime


class RoomIn(Input):
    site_code: str = Field(max_length=10)
    site_name: str = Field(max_length=100)
    address: str = Field(default="", max_length=200)
    room_no: int = Field(ge=1, le=999)
    rows: int = Field(ge=1, le=50)
    columns: int = Field(ge=1, le=50)
    spare_seats: int = Field(default=0, ge=0)
    mode: str = Field(default="paper", max_length=10)
    subject_group: str | None = Field(default=None, max_length=60)


class EligibilityRowIn(Input):
    education: int
    min_years: int = Field(ge=0, le=50)
    related_major: bool | None = None


class ExemptionIn(Input):
    certificate: str = Field(max_length=60)
    subjects: list[SubjectCode] = Field(max_length=20)
    candidate_group: str = Field(default="exempt", max_length=20)


class PlanIn(Input):
    society_id: RecordId | None = None
    code: str = Field(max_length=20)
    exam_code: str = Field(max_length=6)
    name: str = Field(max_length=200)
    year: int = Field(ge=2000, le=2100)
    registration_opens: dt.date
    registration_closes: dt.date
    fee: Decimal = Field(ge=0, le=100000)
    cutoff_date: dt.date
    count_after_graduation_only: bool = False
    eligibility: list[EligibilityRowIn] = Field(default_factory=list)
    exemptions: list[ExemptionIn] = Field(default_factory=list)
    rolling: dict[str, int] = Field(default_factory=lambda: {"full": 4, "exempt": 2})
    ticket_template: str = Field(default="{year}{plan}{site:02}{room:03}{seat:02}", max_length=100)
    separate_employers: bool = True
    one_group_per_room: bool = True
    publication_date: dt.date
    # Years a decided false commitment closes the commitment route (assumed 5: the reference gives none).
    commitment_bar_years: int = Field(default=5, ge=1, le=50)
    # Years a certificate is valid from its issue; None: it does not expire.
    certificate_valid_years: int | None = Field(default=None, ge=1, le=50)
    subjects: list[SubjectIn] = Field(default_factory=list)
    rooms: list[RoomIn] = Field(default_factory=list)


class RegistrationIn(Input):
    id_number: str = Field(max_length=30)
    name: str = Field(max_length=50)
    education: int
    related_major: bool = True
    graduation_date: dt.date
    work_start: dt.date
    work_end: dt.date | None = None
    employer: str = Field(max_length=200)
    subjects: list[SubjectCode] = Field(max_length=20)
    held_certificates: str = Field(default="", max_length=200)
    route: str = Field(default="commitment", max_length=20)
    commitment_signed: bool = False


class ReviewIn(Input):
    decision: str = Field(max_length=10)  # approve | reject | return
    note: str = Field(default="", max_length=2000)


class MoveIn(Input):
    room_id: RecordId
    seat_no: int = Field(ge=1, le=9999)


class ViolationIn(Input):
    kind: str = Field(default="exam_conduct", max_length=30)
    subject_code: str = Field(max_length=10)
    level: str = Field(max_length=30)
    article: str = Field(max_length=100)
    facts: str = Field(max_length=2000)


class StatementIn(Input):
    text: str = Field(max_length=4000)


class ViolationDecisionIn(Input):
    level: str = Field(max_length=30)
    article: str = Field(max_length=100)
    note: str = Field(default="", max_length=2000)


class CertificateRevokeIn(Input):
    reason: str = Field(max_length=2000)
    revoked_on: dt.date


class CertificateNoteIn(Input):
    text: str = Field(max_length=500)
    valid_until: dt.date | None = None


class LookupIn(Input):
    """The public result look-up: all three must match a published registration."""

    name: str = Field(max_length=50)
    ticket_no: str = Field(max_length=50)
    id_number: str = Field(max_length=50)


class RecheckIn(Input):
    subject_code: str = Field(max_length=10)
    reason: str = Field(default="", max_length=2000)


class RecheckDecisionIn(Input):
    new_score: Decimal | None = None
    new_status: str = Field(default="present", max_length=20)
    note: str = Field(default="", max_length=2000)


class ScoreCommitIn(Input):
    confirm_replace: bool = False
    # Also remove the current scores of the file's subjects that the file does not contain.
    remove_missing: bool = False


class PlanOut(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int
    society_id: int
    pilot_project_id: int
    code: str
    exam_code: str
    name: str
    year: int
    registration_opens: dt.date
    registration_closes: dt.date
    fee: Decimal
    cutoff_date: dt.date
    publication_date: dt.date
    published_at: dt.datetime | None
    ticket_template: str
    subjects: list[dict[str, Any]] = Field(default_factory=list)
    rooms: list[dict[str, Any]] = Field(default_factory=list)


class RegistrationOut(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int
    plan: int
    name: str
    id_number: str
    sex: str
    birth_date: dt.date
    employer: str
    subjects: list[str]
    route: str
    status: str
    eligible: bool
    eligibility_zh: str
    eligibility_en: str
    review_note: str
    paid: bool
    ticket_no: str | None
    seat_no: int | None


class JobOut(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: int
    kind: str
    state: str
    progress: int
    message: str
    result: Any
    errors: Any
