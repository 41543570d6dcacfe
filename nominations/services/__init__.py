"""Award-nomination and talent-recommendation use cases, one module per area:
- `_shared`: what several use cases share: labels, not-found answers, the running-pilot check.
- `adjustment`: The dynamic eligibility adjustment (遴选和动态调整): runs, overrides, publication.
- `official_results`: the provincial official results of a cycle, previewed and imported from .xlsx.
- `other_channels`: the other channels' candidate lists of a talent programme, imported from .xlsx.
- `adjustment_objections`: a society's own row, its objection in the window, the answer on the record.
- `attachments`: a nomination's attachments: upload and removal while editable, listing, opening.
- `ballots`: The selection committee's anonymous ballot on recommendations.
- `cycles`: Award cycles (评审年度): their configuration, policy and versions.
- `kpis`: Live KPIs of a society's award-nomination pilot.
- `notices`: Public notices (公示) of accepted nominations and of proposed talent lists.
- `objections`: Objections (异议) from the public against entries under notice, and their handling.
- `programmes`: Talent programmes (人才推荐项目) and their per-society quotas.
- `projects`: Project nominations (项目推荐): drafts, the live check, submission, withdrawal, snapshots.
- `quotas`: Society quotas (推荐名额) per cycle and category.
- `remote_review`: Remote review of nominations through the expert pool.
- `results`: Stage results, winners and final talent lists.
- `review`: Formal review (形式审查) of nominations and recommendations, and their history steps.
- `sanctions`: Sanctions on a society after a nomination's misconduct.
- `talent`: Talent recommendations (人才推荐): drafts, materials, the live check, submission, snapshots.

Rules decide (`nominations/rules`); each use case loads what they need, writes in one
transaction, keeps quotas exact with conditional updates and audits every change. The
submission workflow shared with every other kind of submission lives in `xuehui/submission`.
"""

from nominations.services._shared import (
    CATEGORY_LABELS,
    KIND_NAMES,
)
from nominations.services.adjustment import (
    adjustment_runs,
    adjustment_table,
    override_row,
    publish_adjustment,
    published_adjustment,
    run_adjustment,
)
from nominations.services.adjustment_objections import (
    adjustment_objections,
    answer_adjustment_objection,
    lodge_adjustment_objection,
    own_adjustment,
)
from nominations.services.attachments import (
    add_attachment,
    attachments,
    open_attachment,
    remove_attachment,
    required_kinds,
)
from nominations.services.ballots import (
    ballot_rule,
    ballots,
    record_ballot,
)
from nominations.services.cycles import (
    cycle_config,
    cycle_policy,
    cycle_row,
    cycle_versions,
    cycles,
    ensure_cycle,
    find_cycle,
    latest_cycle_id,
    save_cycle,
    working_calendar,
)
from nominations.services.kinds import (
    project_correction_deadline,
    talent_correction_deadline,
)
from nominations.services.kpis import (
    pilot_kpis,
    society_kpis,
    talent_kpis,
)
from nominations.services.notices import (
    notice_end,
    public_notice,
    public_notices,
    publish_notice,
    publish_talent_notice,
)
from nominations.services.objections import (
    decide_objection,
    file_objection,
    objections,
    respond_to_objection,
)
from nominations.services.official_results import (
    import_official_results,
    official_results,
    preview_official_results,
    preview_stored_results,
)
from nominations.services.other_channels import (
    import_other_channels,
    other_channel_candidates,
    preview_other_channels,
    preview_stored_channels,
)
from nominations.services.programmes import (
    ensure_programme,
    open_programmes,
    programme_config,
    programme_row,
    programmes,
    save_programme,
    set_talent_quota,
    talent_quota,
    talent_quotas,
)
from nominations.services.projects import (
    check,
    create_nomination,
    snapshot,
    stored_input,
    submit,
    update_nomination,
    withdraw,
)
from nominations.services.queries import (
    get_nomination,
    get_recommendation,
    list_nominations,
    list_recommendations,
    queue_neighbours,
)
from nominations.services.quotas import (
    set_quota,
    society_quotas,
)
from nominations.services.remote_review import (
    recommendation_review_scores,
    remote_review_scores,
    send_recommendations_to_review,
    send_to_remote_review,
)
from nominations.services.results import (
    final_list,
    finalise_list,
    record_stage,
    record_winners,
)
from nominations.services.review import (
    formal_review,
    recommendation_steps,
    review_recommendation,
    review_steps,
)
from nominations.services.sanctions import (
    add_years_months,
    sanction_nomination,
)
from nominations.services.talent import (
    add_material,
    check_recommendation,
    create_recommendation,
    recommendation_materials,
    recommendation_snapshot,
    submit_recommendation,
    update_recommendation,
)

__all__ = [
    "CATEGORY_LABELS",
    "KIND_NAMES",
    "add_attachment",
    "add_material",
    "add_years_months",
    "adjustment_objections",
    "adjustment_runs",
    "adjustment_table",
    "answer_adjustment_objection",
    "attachments",
    "ballot_rule",
    "ballots",
    "check",
    "check_recommendation",
    "create_nomination",
    "create_recommendation",
    "cycle_config",
    "cycle_policy",
    "cycle_row",
    "cycle_versions",
    "cycles",
    "decide_objection",
    "ensure_cycle",
    "ensure_programme",
    "file_objection",
    "final_list",
    "finalise_list",
    "find_cycle",
    "formal_review",
    "get_nomination",
    "get_recommendation",
    "import_official_results",
    "import_other_channels",
    "latest_cycle_id",
    "list_nominations",
    "list_recommendations",
    "lodge_adjustment_objection",
    "notice_end",
    "objections",
    "official_results",
    "open_attachment",
    "open_programmes",
    "other_channel_candidates",
    "override_row",
    "own_adjustment",
    "pilot_kpis",
    "preview_official_results",
    "preview_other_channels",
    "preview_stored_channels",
    "preview_stored_results",
    "programme_config",
    "programme_row",
    "programmes",
    "project_correction_deadline",
    "public_notice",
    "public_notices",
    "publish_adjustment",
    "publish_notice",
    "publish_talent_notice",
    "published_adjustment",
    "queue_neighbours",
    "recommendation_materials",
    "recommendation_review_scores",
    "recommendation_snapshot",
    "recommendation_steps",
    "record_ballot",
    "record_stage",
    "record_winners",
    "remote_review_scores",
    "remove_attachment",
    "required_kinds",
    "respond_to_objection",
    "review_recommendation",
    "review_steps",
    "run_adjustment",
    "sanction_nomination",
    "save_cycle",
    "save_programme",
    "send_recommendations_to_review",
    "send_to_remote_review",
    "set_quota",
    "set_talent_quota",
    "snapshot",
    "society_kpis",
    "society_quotas",
    "stored_input",
    "submit",
    "submit_recommendation",
    "talent_correction_deadline",
    "talent_kpis",
    "talent_quota",
    "talent_quotas",
    "update_nomination",
    "update_recommendation",
    "withdraw",
    "working_calendar",
]
