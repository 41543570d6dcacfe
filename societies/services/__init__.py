"""Society and pilot-project use cases, one module per area. Every read is scoped to what the
actor may see, and every change is checked by the rules, written in one transaction and audited.

- `registry`: register, change, suspend and reactivate societies; look-ups by id for other packages;
- `pilots`: pilot projects and their task agreement, from draft through the signatures to closing;
- `amendments`: amendments of a signed agreement and their decision;
- `records`: progress reports, meetings, third-party evaluations and KPI readings of a project;
- `disclosure`: what the public sees of signed projects;
- `sanctions`: sanctions on a society and whether its nominating is suspended;
- `integrity`: integrity violations found against a society (the adjustment's look-back).

Everything public is importable from `societies.services` itself.
"""

from societies.services._shared import as_date
from societies.services.amendments import decide_amendment, list_amendments, propose_amendment
from societies.services.disclosure import PUBLIC_STATUSES, public_pilot, public_pilots
from societies.services.integrity import integrity_violations_of, record_integrity_violation
from societies.services.pilots import (
    act,
    active_pilot_of_type,
    create_pilot,
    get_pilot,
    list_pilots,
    societies_running,
    submission_problems,
    update_pilot,
)
from societies.services.records import (
    add_evaluation,
    add_kpi_reading,
    add_meeting,
    add_report,
    evaluation_history,
    kpi_history,
    kpi_table,
    latest_evaluation_grade,
    project_records,
    set_report_published,
)
from societies.services.registry import (
    active_society_ids,
    create_society,
    get_society,
    leaders_of_societies,
    list_societies,
    set_society_status,
    society_choices,
    society_leaders,
    society_names,
    society_profile,
    society_profiles,
    update_society,
)
from societies.services.sanctions import (
    SANCTION_KINDS,
    nominating_suspended,
    record_sanction,
    sanction_active,
    sanctions_of,
)

# Tests and older callers reach the table through `societies.services`; it stays importable here.
from societies.tables import PilotProject

__all__ = [
    "PUBLIC_STATUSES",
    "SANCTION_KINDS",
    "PilotProject",
    "act",
    "active_pilot_of_type",
    "active_society_ids",
    "add_evaluation",
    "add_kpi_reading",
    "add_meeting",
    "add_report",
    "as_date",
    "create_pilot",
    "create_society",
    "decide_amendment",
    "evaluation_history",
    "get_pilot",
    "get_society",
    "integrity_violations_of",
    "kpi_history",
    "kpi_table",
    "latest_evaluation_grade",
    "leaders_of_societies",
    "list_amendments",
    "list_pilots",
    "list_societies",
    "nominating_suspended",
    "project_records",
    "propose_amendment",
    "public_pilot",
    "public_pilots",
    "record_integrity_violation",
    "record_sanction",
    "sanction_active",
    "sanctions_of",
    "set_report_published",
    "set_society_status",
    "societies_running",
    "society_choices",
    "society_leaders",
    "society_names",
    "society_profile",
    "society_profiles",
    "submission_problems",
    "update_pilot",
    "update_society",
]
