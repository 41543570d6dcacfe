"""Societies and their pilot projects (试点项目) with the task agreement and its records."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
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


class Society(Table, tablename="xh_society"):
    id: Serial
    code = Varchar(length=20, unique=True)
    name_zh = Varchar(length=100)
    name_en = Varchar(length=200, default="")
    discipline_field = Varchar(length=100, default="")
    registration_no = Varchar(length=50, default="")
    secretary_general = Varchar(length=50, default="")
    # The rest of the leadership the conflict rules need (理事长, 副理事长); names as recorded.
    president = Varchar(length=50, default="")
    vice_presidents = JSON(default="[]")
    status = Varchar(length=20, default="active", index=True)
    created_at = Timestamptz()


class PilotProject(Table, tablename="xh_pilot_project"):
    id: Serial
    society = ForeignKey(references=Society, on_delete=OnDelete.restrict, null=False)
    title = Varchar(length=200)
    function_type = Varchar(length=40, index=True)
    department = Varchar(length=100, default="")
    status = Varchar(length=20, default="draft", index=True)
    # The task agreement (任务书) as one validated document (societies.schemas.AgreementIn):
    # immutable once signed; later changes go through PilotAmendment.
    agreement = JSON(default="{}")
    signed_department_on = Date(null=True, default=None)
    signed_society_on = Date(null=True, default=None)
    signed_association_on = Date(null=True, default=None)
    return_reason = Text(default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class PilotAmendment(Table, tablename="xh_pilot_amendment"):
    id: Serial
    project = ForeignKey(references=PilotProject, on_delete=OnDelete.restrict, null=False)
    number = Integer()
    reason = Text()
    before = JSON(default="{}")
    after = JSON(default="{}")
    status = Varchar(length=20, default="proposed")
    proposed_by = Integer()
    proposed_at = Timestamptz()
    decided_by = Integer(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    decision_note = Text(default="")


class KpiReading(Table, tablename="xh_kpi_reading"):
    """The actual value of one agreement KPI at a date (targets live in the agreement)."""

    id: Serial
    project = ForeignKey(references=PilotProject, on_delete=OnDelete.restrict, null=False)
    kpi_key = Varchar(length=60)
    actual = Numeric(digits=(14, 2))
    recorded_on = Date()
    note = Text(default="")


class ProgressReport(Table, tablename="xh_progress_report"):
    id: Serial
    project = ForeignKey(references=PilotProject, on_delete=OnDelete.restrict, null=False)
    kind = Varchar(length=20, default="progress")  # progress | final_summary
    period = Varchar(length=40)
    title = Varchar(length=200)
    body = Text()
    published = Boolean(default=False)
    created_by = Integer()
    created_at = Timestamptz()


class RegularMeeting(Table, tablename="xh_regular_meeting"):
    id: Serial
    project = ForeignKey(references=PilotProject, on_delete=OnDelete.restrict, null=False)
    held_on = Date()
    attendees = Text(default="")
    minutes = Text()
    created_by = Integer()
    created_at = Timestamptz()


class ThirdPartyEvaluation(Table, tablename="xh_third_party_evaluation"):
    id: Serial
    project = ForeignKey(references=PilotProject, on_delete=OnDelete.restrict, null=False)
    evaluator = Varchar(length=200)
    evaluated_on = Date()
    score = Numeric(digits=(5, 1))
    grade = Varchar(length=20)
    findings = Text(default="")
    created_by = Integer()
    created_at = Timestamptz()


class Sanction(Table, tablename="xh_sanction"):
    """A sanction on a society (false material, lobbying...): it suspends the society's
    nominating at once for its period and feeds the next eligibility adjustment."""

    id: Serial
    society = ForeignKey(references=Society, on_delete=OnDelete.restrict, null=False)
    kind = Varchar(length=30)
    reason = Text()
    starts_on = Date()
    ends_on = Date(null=True, default=None)
    nomination_ref = Varchar(length=60, default="")
    recorded_by = Integer()
    recorded_at = Timestamptz()


class IntegrityViolation(Table, tablename="xh_integrity_violation"):
    """An integrity violation found against a society (false material, academic misconduct ...):
    a finding kept for the five-year look-back of the eligibility adjustment, apart from any
    sanction (a sanction is the penalty, with its own period)."""

    id: Serial
    society = ForeignKey(references=Society, on_delete=OnDelete.restrict, null=False)
    kind = Varchar(length=30)
    found_on = Date()
    description = Text()
    source = Varchar(length=200, default="")  # where it was found: a case number, a nomination ...
    recorded_by = Integer()
    recorded_at = Timestamptz()
