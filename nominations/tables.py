"""Award cycles, society quotas and their adjustment, project nominations, notices,
objections and results. Society and user references are plain ids: the nominating society is
a `societies` record, read through its services."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class AwardCycle(Table, tablename="xh_award_cycle"):
    id: Serial
    year = Integer(unique=True)
    version = Integer(default=1)
    config = JSON(default="{}")  # nominations.rules.cycle.CycleConfig as JSON
    policy = JSON(default="{}")  # nominations.rules.quota_adjustment.AdjustmentPolicy as JSON
    updated_at = Timestamptz()


class CycleVersion(Table, tablename="xh_award_cycle_version"):
    """Every saved version of a cycle's settings, so any year's rules can be shown later."""

    id: Serial
    cycle = ForeignKey(references=AwardCycle, on_delete=OnDelete.restrict, null=False)
    version = Integer()
    config = JSON(default="{}")
    policy = JSON(default="{}")
    note = Text(default="")
    saved_by = Integer()
    saved_at = Timestamptz()


class Quota(Table, tablename="xh_quota"):
    """How many nominations a society may submit in a category of a cycle; `used` counts
    submitted ones. Slots are taken with a conditional UPDATE (xuehui.db.take_slot)."""

    id: Serial
    cycle = ForeignKey(references=AwardCycle, on_delete=OnDelete.restrict, null=False)
    society_id = Integer(index=True)
    category = Varchar(length=40)
    quota = Integer(default=0)
    used = Integer(default=0)


class AdjustmentRun(Table, tablename="xh_adjustment_run"):
    """One run of the dynamic adjustment, kept with its inputs so its figures can be explained."""

    id: Serial
    cycle = ForeignKey(references=AwardCycle, on_delete=OnDelete.restrict, null=False)
    as_of = Date()
    policy = JSON(default="{}")
    inputs = JSON(default="[]")
    rows = JSON(default="[]")
    status = Varchar(length=20, default="proposed")  # proposed | published | superseded
    run_by = Integer()
    run_at = Timestamptz()
    published_by = Integer(null=True, default=None)
    published_at = Timestamptz(null=True, default=None)
    objections_close_on = Date(null=True, default=None)  # the last day a society may object


class AdjustmentOverride(Table, tablename="xh_adjustment_override"):
    id: Serial
    run = ForeignKey(references=AdjustmentRun, on_delete=OnDelete.restrict, null=False)
    society_id = Integer()
    may_nominate = Boolean()
    quotas = JSON(default="{}")
    reason = Text()
    by = Integer()
    at = Timestamptz()


class AdjustmentObjection(Table, tablename="xh_adjustment_objection"):
    """A society's objection to its row of a published adjustment, and the answer on the record."""

    id: Serial
    run = ForeignKey(references=AdjustmentRun, on_delete=OnDelete.restrict, null=False)
    society_id = Integer(index=True)
    grounds = Text()
    state = Varchar(length=20, default="received")  # rules.lifecycles.AdjustmentObjectionState
    answer = Text(default="")
    lodged_by = Integer()
    lodged_at = Timestamptz()
    answered_by = Integer(null=True, default=None)
    answered_at = Timestamptz(null=True, default=None)


class Nomination(Table, tablename="xh_nomination"):
    id: Serial
    cycle = ForeignKey(references=AwardCycle, on_delete=OnDelete.restrict, null=False)
    society_id = Integer(index=True)
    pilot_project_id = Integer()
    status = Varchar(length=20, default="draft", index=True)
    title = Varchar(length=200)
    category = Varchar(length=40)
    grade = Varchar(length=20, default="")
    discipline_code = Varchar(length=20, default="")
    body = JSON(default="{}")  # nominations.schemas.NominationBody: texts, people, units, papers, patents
    fingerprint = JSON(default="{}")
    snapshot = JSON(default="{}")  # frozen at submission: what was submitted, exactly
    quota = Integer(null=True, default=None)  # the Quota row whose slot this nomination holds
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)
    return_reasons = Text(default="")
    correction_deadline = Date(null=True, default=None)
    submitted_at = Timestamptz(null=True, default=None)
    created_by = Integer()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class NominationAttachment(Table, tablename="xh_nomination_attachment"):
    """A file of a nomination (nominations.rules.attachments kinds); the bytes are in the frame's
    file store (xuehui.files), the original name is for display only."""

    id: Serial
    nomination = ForeignKey(references=Nomination, on_delete=OnDelete.cascade, null=False)
    kind = Varchar(length=40)
    filename = Varchar(length=200)
    sha256 = Varchar(length=64)
    media_type = Varchar(length=100)
    size = Integer()
    uploaded_by = Integer()
    uploaded_at = Timestamptz()


class OfficialResult(Table, tablename="xh_official_result"):
    """One row of the provincial system's official results of a cycle, as imported (the whole
    list of a cycle is replaced by each import), linked to our nomination where it is one."""

    id: Serial
    cycle = ForeignKey(references=AwardCycle, on_delete=OnDelete.restrict, null=False)
    row_no = Integer()  # the row in the imported file
    title = Varchar(length=200)
    category = Varchar(length=40)
    grade = Varchar(length=20, default="")
    outcome = Varchar(length=20)  # rules.official_results.OfficialOutcome
    nomination = ForeignKey(references=Nomination, on_delete=OnDelete.restrict, null=True, default=None)
    society_id = Integer(null=True, default=None)
    imported_by = Integer()
    imported_at = Timestamptz()


class NominationContributor(Table, tablename="xh_nomination_contributor"):
    id: Serial
    nomination = ForeignKey(references=Nomination, on_delete=OnDelete.cascade, null=False)
    cycle_id = Integer(index=True)
    id_number = Varchar(length=18, index=True)
    name = Varchar(length=50)


class ReviewStep(Table, tablename="xh_nomination_review_step"):
    """A decision on a nomination: formal review, remote review, panel review, award committee."""

    id: Serial
    nomination = ForeignKey(references=Nomination, on_delete=OnDelete.restrict, null=False)
    stage = Varchar(length=30)
    outcome = Varchar(length=30)
    grade = Varchar(length=20, default="")
    note = Text(default="")
    # the formal-review checklist as marked: [{code, zh, en, passed, reason}] (rules.formal_checklist)
    checklist = JSON(default="[]")
    decided_by = Integer()
    decided_at = Timestamptz()


# --- talent programmes and person recommendations (issue 5) ---------------------------------


class TalentProgramme(Table, tablename="xh_talent_programme"):
    """One edition of a talent programme (youth award, academician candidates, outstanding
    workers); `config` is nominations.rules.programme.Programme as JSON."""

    id: Serial
    kind = Varchar(length=30)
    edition_year = Integer()
    config = JSON(default="{}")
    version = Integer(default=1)
    updated_at = Timestamptz()


class TalentQuota(Table, tablename="xh_talent_quota"):
    """How many people a society may recommend in a programme; `used` counts submitted ones,
    taken with xuehui.db.take_slot like Quota."""

    id: Serial
    programme = ForeignKey(references=TalentProgramme, on_delete=OnDelete.restrict, null=False)
    society_id = Integer(index=True)
    quota = Integer(default=0)
    used = Integer(default=0)


class Recommendation(Table, tablename="xh_recommendation"):
    """A person put forward by a society in a talent programme."""

    id: Serial
    programme = ForeignKey(references=TalentProgramme, on_delete=OnDelete.restrict, null=False)
    society_id = Integer(index=True)
    pilot_project_id = Integer()
    status = Varchar(length=20, default="draft", index=True)
    name = Varchar(length=50)
    id_number = Varchar(length=18, default="", index=True)
    unit = Varchar(length=200, default="")
    channel = Varchar(length=20, default="society")  # nominations.rules.talent.RecommendationChannel
    nominating_academician = Varchar(length=50, default="")  # the academician channel's nominator
    body = JSON(default="{}")  # nominations.schemas.RecommendationIn
    snapshot = JSON(default="{}")
    quota = Integer(null=True, default=None)  # the TalentQuota row whose slot it holds
    idempotency_key = Varchar(length=64, null=True, default=None, unique=True)
    return_reasons = Text(default="")
    correction_deadline = Date(null=True, default=None)
    votes = Integer(null=True, default=None)  # yes votes at the committee ballot
    submitted_at = Timestamptz(null=True, default=None)
    created_by = Integer()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class OtherChannelCandidate(Table, tablename="xh_other_channel_candidate"):
    """A person on another channel's candidate list of the same programme edition, as imported
    (nominations.rules.other_channels); the single-channel rule refuses them here."""

    id: Serial
    programme = ForeignKey(references=TalentProgramme, on_delete=OnDelete.restrict, null=False)
    row_no = Integer()
    name = Varchar(length=50)
    id_number = Varchar(length=18, index=True)
    channel = Varchar(length=30)
    via = Varchar(length=100, default="")
    imported_by = Integer()
    imported_at = Timestamptz()


class RecommendationFile(Table, tablename="xh_recommendation_file"):
    """An uploaded material (提名表, 征求意见表...) of a recommendation."""

    id: Serial
    recommendation = ForeignKey(references=Recommendation, on_delete=OnDelete.cascade, null=False)
    material = Varchar(length=40)
    filename = Varchar(length=200)
    sha256 = Varchar(length=64)  # the bytes are in the frame's file store (xuehui.files)
    size = Integer()
    uploaded_by = Integer()
    uploaded_at = Timestamptz()


class RecommendationStep(Table, tablename="xh_recommendation_step"):
    """A decision on a recommendation: formal review, committee ballot, objection, final list."""

    id: Serial
    recommendation = ForeignKey(references=Recommendation, on_delete=OnDelete.restrict, null=False)
    stage = Varchar(length=30)
    outcome = Varchar(length=30)
    note = Text(default="")
    checklist = JSON(default="[]")  # the formal-review checklist as marked (rules.formal_checklist)
    decided_by = Integer()
    decided_at = Timestamptz()


class Ballot(Table, tablename="xh_talent_ballot"):
    """An anonymous committee ballot: only the counts per recommendation are kept."""

    id: Serial
    programme = ForeignKey(references=TalentProgramme, on_delete=OnDelete.restrict, null=False)
    roll = Integer()
    present = Integer()
    places = Integer()
    tallies = JSON(default="{}")  # {recommendation id: {yes, no, abstain}}
    result = JSON(default="{}")  # outcomes, selected, tied, open places
    recorded_by = Integer()
    recorded_at = Timestamptz()


class Notice(Table, tablename="xh_notice"):
    """A public notice window (公示) listing the nominations under notice."""

    id: Serial
    cycle = ForeignKey(references=AwardCycle, on_delete=OnDelete.restrict, null=True, default=None)
    programme = ForeignKey(references=TalentProgramme, on_delete=OnDelete.restrict, null=True, default=None)
    kind = Varchar(length=20)  # acceptance | results | talent (a talent programme's proposed list)
    title = Varchar(length=200)
    starts_on = Date()
    ends_on = Date()
    entries = JSON(default="[]")  # frozen copy of what the public sees
    published_by = Integer()
    published_at = Timestamptz()


class Objection(Table, tablename="xh_objection"):
    id: Serial
    notice = ForeignKey(references=Notice, on_delete=OnDelete.restrict, null=False)
    nomination = ForeignKey(references=Nomination, on_delete=OnDelete.restrict, null=True, default=None)
    recommendation = ForeignKey(references=Recommendation, on_delete=OnDelete.restrict, null=True, default=None)
    name = Varchar(length=50)
    id_number = Varchar(length=18)
    phone = Varchar(length=30)
    unit = Varchar(length=200, default="")
    reasons = Text()
    ip = Varchar(length=45, default="", index=True)  # the address it came from, for the flood limits
    evidence = JSON(default="[]")  # [{filename, sha256, size}] with the bytes in the file store
    state = Varchar(length=20, default="received")
    nominator_response = Text(default="")
    decision = Text(default="")
    outcome = Varchar(length=20, default="")  # disqualify | send_back
    submitted_on = Date()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ObjectionFile(Table, tablename="xh_objection_file"):
    """An evidence file of an objection; the bytes are in the frame's file store (xuehui.files)."""

    id: Serial
    objection = ForeignKey(references=Objection, on_delete=OnDelete.cascade, null=False)
    filename = Varchar(length=200)
    sha256 = Varchar(length=64)
    size = Integer()


class AwardRecord(Table, tablename="xh_award_record"):
    """A past winner by identity number (feeds the recent-winner bar), from published results."""

    id: Serial
    year = Integer()
    id_number = Varchar(length=18, index=True)
    name = Varchar(length=50)
    nomination_ref = Varchar(length=60, default="")
    category = Varchar(length=40)
    grade = Varchar(length=20, default="")
    recorded_at = Timestamptz()
