"""Qualification exams: plans with subjects and rooms, registrations, scores, violation cases, re-checks,
certificates. Societies, pilot projects and users are referred to by plain id (no cross-package
foreign keys, as in accounts). Composite uniqueness lives in raw unique indexes (see migrations).
Uploaded files (photos, proofs, score sheets) live in the frame's one store, `xuehui.files`; a
registration or an import keeps only the SHA-256 of its file."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class ExamPlan(Table, tablename="xh_exam_plan"):
    id: Serial
    society_id = Integer(index=True)
    pilot_project_id = Integer()
    code = Varchar(length=20, unique=True)  # letters and digits: the {plan} of the ticket template
    exam_code = Varchar(length=6, index=True)  # the exam across years (rolling window, certificates)
    name = Varchar(length=200)
    year = Integer()
    registration_opens = Date()
    registration_closes = Date()
    fee = Numeric(digits=(10, 2))
    cutoff_date = Date()
    count_after_graduation_only = Boolean(default=False)
    eligibility = JSON(default="[]")  # [{education, min_years, related_major}]
    exemptions = JSON(default="[]")  # [{certificate, subjects: [...], candidate_group}]
    rolling = JSON(default="{}")  # candidate group -> N years
    ticket_template = Varchar(length=100)
    separate_employers = Boolean(default=True)
    one_group_per_room = Boolean(default=True)
    publication_date = Date()
    published_at = Timestamptz(null=True, default=None)
    seating_seed = BigInt(null=True, default=None)
    seated_at = Timestamptz(null=True, default=None)
    certificate_seq = Integer(default=0)
    commitment_bar_years = Integer(default=5)  # a decided false commitment closes 告知承诺制 this long
    certificate_valid_years = Integer(null=True, default=None)  # None: certificates do not expire
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz()


class ExamSubject(Table, tablename="xh_exam_subject"):
    id: Serial
    plan = ForeignKey(references=ExamPlan, on_delete=OnDelete.restrict, null=False)
    code = Varchar(length=10)
    name = Varchar(length=100)
    full_marks = Numeric(digits=(6, 1))
    pass_mark = Numeric(digits=(6, 1))
    decimal_places = Integer(default=0)
    objective = Boolean(default=False)
    starts_at = Timestamptz()
    ends_at = Timestamptz()


class ExamRoom(Table, tablename="xh_exam_room"):
    id: Serial
    plan = ForeignKey(references=ExamPlan, on_delete=OnDelete.restrict, null=False)
    site_code = Varchar(length=10)
    site_name = Varchar(length=100)
    address = Varchar(length=200, default="")
    room_no = Integer()
    rows = Integer()
    columns = Integer()
    spare_seats = Integer(default=0)
    mode = Varchar(length=10, default="paper")  # paper | computer
    subject_group = Varchar(length=60, null=True, default=None)
    capacity = Integer()  # desks minus spare seats
    used = Integer(default=0)  # seats taken (conditional UPDATE keeps it <= capacity)


class Registration(Table, tablename="xh_exam_registration"):
    id: Serial
    plan = ForeignKey(references=ExamPlan, on_delete=OnDelete.restrict, null=False)
    user_id = Integer(null=True, default=None, index=True)
    id_number = Varchar(length=18, index=True)
    name = Varchar(length=50)
    sex = Varchar(length=10)
    birth_date = Date()
    education = Integer()
    related_major = Boolean(default=True)
    graduation_date = Date()
    work_start = Date()
    work_end = Date(null=True, default=None)
    employer = Varchar(length=200)
    subjects = JSON(default="[]")  # subject codes sat in this sitting
    held_certificates = Varchar(length=200, default="")
    candidate_group = Varchar(length=20, default="full")
    exempt_subjects = JSON(default="[]")
    route = Varchar(length=20, default="commitment")  # commitment | proof
    photo_sha = Varchar(length=64, default="")
    proof_sha = Varchar(length=64, default="")
    status = Varchar(length=20, default="submitted", index=True)  # RegistrationStatus (rules/lifecycles.py)
    eligible = Boolean(default=False)
    eligibility_zh = Text(default="")
    eligibility_en = Text(default="")
    review_note = Text(default="")
    paid = Boolean(default=False)
    paid_at = Timestamptz(null=True, default=None)
    room = ForeignKey(references=ExamRoom, on_delete=OnDelete.restrict, null=True, default=None)
    seat_no = Integer(null=True, default=None)
    ticket_no = Varchar(length=32, null=True, default=None, index=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ScoreImport(Table, tablename="xh_exam_score_import"):
    id: Serial
    plan = ForeignKey(references=ExamPlan, on_delete=OnDelete.restrict, null=False)
    file_sha = Varchar(length=64)
    filename = Varchar(length=200, default="")
    state = Varchar(length=20, default="validating")  # ImportState (rules/lifecycles.py)
    rows = Integer(default=0)
    problems = JSON(default="[]")
    totals = JSON(default="[]")
    # The preview beyond the totals: the sheets read and not read, and what the import changes
    # against the current scores (added, changed old → new, kept); see rules/score_changes.py.
    details = JSON(default="{}")
    validate_job = Integer(null=True, default=None)
    commit_job = Integer(null=True, default=None)
    version = Integer(null=True, default=None)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz()
    committed_at = Timestamptz(null=True, default=None)


class Score(Table, tablename="xh_exam_score"):
    """One score per registration, subject and version; re-imports add a version, older ones stay."""

    id: Serial
    registration = ForeignKey(references=Registration, on_delete=OnDelete.restrict, null=False)
    subject_code = Varchar(length=10)
    status = Varchar(length=20)  # ScoreStatus (rules/score_import.py)
    score = Numeric(digits=(6, 1), null=True, default=None)
    version = Integer()
    current = Boolean(default=True, index=True)


class ViolationCase(Table, tablename="xh_exam_violation_case"):
    """A violation case (违纪违规案件): recorded with its evidence, notified to the candidate (告知),
    the candidate's statement (陈述申辩), the written decision (处理决定) and its service (送达).
    Its effects count from `decided_on`; `level` and `article` are proposed at recording and final
    at the decision. Evidence files live in the frame's store: `[{"sha256", "name"}]`."""

    id: Serial
    registration = ForeignKey(references=Registration, on_delete=OnDelete.restrict, null=False)
    id_number = Varchar(length=18, index=True)
    kind = Varchar(length=30, default="exam_conduct")  # ViolationKind (rules/violations.py)
    subject_code = Varchar(length=10)
    level = Varchar(length=30)  # ViolationLevel (rules/violations.py)
    article = Varchar(length=100)
    facts = Text()
    evidence = JSON(default="[]")
    state = Varchar(length=20, default="recorded", index=True)  # ViolationCaseState (rules/lifecycles.py)
    recorded_on = Date()
    notified_on = Date(null=True, default=None)
    notice_zh = Text(default="")
    notice_en = Text(default="")
    statement_due = Date(null=True, default=None)
    statement = Text(default="")
    stated_on = Date(null=True, default=None)
    stated_by_candidate = Boolean(default=False)
    decided_on = Date(null=True, default=None)
    record_until = Date(null=True, default=None)
    decision_zh = Text(default="")
    decision_en = Text(default="")
    served_on = Date(null=True, default=None)
    appeal_until = Date(null=True, default=None)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Recheck(Table, tablename="xh_exam_recheck"):
    id: Serial
    registration = ForeignKey(references=Registration, on_delete=OnDelete.restrict, null=False)
    subject_code = Varchar(length=10)
    reason = Text(default="")
    state = Varchar(length=20, default="pending")  # RecheckState (rules/lifecycles.py)
    outcome = Varchar(length=30, default="")  # RecheckOutcome (rules/rechecks.py)
    old_score = Numeric(digits=(6, 1), null=True, default=None)
    new_score = Numeric(digits=(6, 1), null=True, default=None)
    old_status = Varchar(length=20, default="")
    new_status = Varchar(length=20, default="")
    note = Text(default="")
    requested_at = Timestamptz()
    handled_by = Integer(null=True, default=None)
    handled_at = Timestamptz(null=True, default=None)


class Certificate(Table, tablename="xh_exam_certificate"):
    id: Serial
    plan = ForeignKey(references=ExamPlan, on_delete=OnDelete.restrict, null=False)
    registration = ForeignKey(references=Registration, on_delete=OnDelete.restrict, null=False)
    number = Varchar(length=24, unique=True)
    name = Varchar(length=50)
    id_number = Varchar(length=18)
    issued_on = Date()
    status = Varchar(length=20, default="valid")  # CertificateStatus (rules/lifecycles.py)
    valid_until = Date(null=True, default=None)  # None: no expiry
    revoked_on = Date(null=True, default=None)
    revoked_reason = Text(default="")
    revoked_by = Integer(null=True, default=None)


class CertificateNote(Table, tablename="xh_exam_certificate_note"):
    """A note stamped on a certificate (加注) by the office, shown on public verification; a note
    may carry its own validity (e.g. the 加注 for use until a date)."""

    id: Serial
    certificate = ForeignKey(references=Certificate, on_delete=OnDelete.restrict, null=False)
    text = Text()
    noted_on = Date()
    valid_until = Date(null=True, default=None)
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz()


class LookupAttempt(Table, tablename="xh_exam_lookup_attempt"):
    """A public result look-up that found nothing (and one under way), counted per address and
    per identity number within the window; the identity number is kept only as a keyed hash."""

    id: Serial
    ip = Varchar(length=45, index=True)
    identity = Varchar(length=64, index=True)
    at = Timestamptz(index=True)


class IdentityClash(Table, tablename="xh_exam_identity_clash"):
    """A candidate account tried to register with an identity number another account has
    registered in the plan: a case for the exam office, resolved by voiding the registration
    that misuses the number (or left open when the first one is the real person's)."""

    id: Serial
    plan = ForeignKey(references=ExamPlan, on_delete=OnDelete.restrict, null=False)
    registration = ForeignKey(references=Registration, on_delete=OnDelete.restrict, null=False)
    claimant_user_id = Integer(index=True)  # the account that was refused
    claimant_name = Varchar(length=50)
    id_number = Varchar(length=18, index=True)
    state = Varchar(length=20, default="open")  # open | resolved
    created_at = Timestamptz()
    resolved_by = Integer(null=True, default=None)
    resolved_at = Timestamptz(null=True, default=None)
