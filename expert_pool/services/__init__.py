"""Expert-pool use cases, one room per area. Services load rows, call `expert_pool.rules`, write in
one transaction with an audit entry, and raise domain errors with bilingual reasons.

Rooms:

* `registry` - validate, register, update and read experts; the expert's own profile; import commit;
* `unit_changes` - an expert's change of unit, waiting for an admin's confirmation;
* `relations` - relations an expert declares, the unit-alias map;
* `credibility` - an expert's record of assignments, declines, punctuality, undeclared conflicts;
* `conflict_detection` - find potential conflicts for items (through an index) and record them;
* `conflicts` - the conflict queue: list, confirm or dismiss, pin, record a declared conflict;
* `batches` - create review batches and add items; read batches and items;
* `solver_input` - a batch as a solver instance;
* `assignment` - check, run (inline or as a job, by the batch's size) and store an assignment;
* `replacement` - withdraw a declining or conflicted expert and find another at once;
* `portal` - the expert's own assignments, responses and reviews;
* `results` - progress, reminders, results and item outcomes for the owning package;
* `panels` - panel meetings, the roll, anonymous ballots and their close;
* `_shared` (limits, refusals, helpers) and `_peers` (accounts read through their services).

Visibility, checked here for every object: admins see everything; an expert sees only their own
assignments that still hold a place and whose item has no potential or confirmed conflict with
them (a new conflict hides the item at once; a hidden object answers like a missing one, 404);
nobody else reaches an expert-pool object; the results read by other packages (`batch_results`,
`item_outcomes`) never name an expert.

Service API for other packages (see `expert_pool.schemas` for the inputs): `create_batch`,
`check_batch`, `run_assignment`, `assign`, `batch_results`, `item_outcomes`, `create_panel`,
`set_roll`, `cast_ballot`, `close_panel`, `panel_results`.
"""

# The committee ballot's rules, for the packages that run ballots of their own (talent
# recommendations): they reach them through these services, as every other part of the pool.
from expert_pool.rules.ballots import BallotRule, Tally, rank_within_quota, tally_ballots

# The pool's unit normaliser, for every per-unit rule elsewhere (the outstanding-worker unit quota).
from expert_pool.rules.units import normalise_unit
from expert_pool.services._shared import (
    CHUNK,
    COLLABORATION_YEARS,
    JOB_THRESHOLD_ITEMS,
    MAX_NOMINEE_EXCLUSIONS,
    item_view,
    parse_fraction,
    review_form,
    unit_aliases,
)
from expert_pool.services.assignment import (
    PreparedRun,
    Solved,
    assign,
    check_batch,
    run_assignment,
    solve_rows,
    start_assignment_job,
)
from expert_pool.services.batches import (
    add_items,
    batch_items,
    create_batch,
    draft_batch,
    get_batch,
    list_batches,
)
from expert_pool.services.conflict_detection import detect, detect_for_expert
from expert_pool.services.conflicts import (
    decide_conflicts,
    list_conflicts,
    pin_conflict,
    record_conflict,
    withdraw_for_conflict,
)
from expert_pool.services.credibility import credibility
from expert_pool.services.panels import (
    cast_ballot,
    close_panel,
    create_panel,
    get_panel,
    list_panels,
    my_panels,
    panel_results,
    set_roll,
)
from expert_pool.services.portal import (
    RECOMMENDATIONS,
    my_assignment,
    my_assignments,
    my_reminders,
    respond,
    reviews_item,
    save_review,
)
from expert_pool.services.registry import (
    RANKS,
    STATUSES,
    CleanExpert,
    clean_expert,
    expert_view,
    get_expert,
    list_experts,
    my_expert,
    register_expert,
    save_imported,
    update_expert,
    update_profile,
)
from expert_pool.services.relations import add_relation, add_unit_alias, list_relations, list_unit_aliases
from expert_pool.services.replacement import withdraw_and_replace
from expert_pool.services.results import (
    batch_progress,
    batch_results,
    batch_scores,
    item_outcomes,
    scored_reviews,
    send_reminder,
)
from expert_pool.services.solver_input import BatchProblem, build_problem_of
from expert_pool.services.unit_changes import decide_unit_change

__all__ = [
    "CHUNK",
    "COLLABORATION_YEARS",
    "JOB_THRESHOLD_ITEMS",
    "MAX_NOMINEE_EXCLUSIONS",
    "RANKS",
    "RECOMMENDATIONS",
    "STATUSES",
    "BallotRule",
    "BatchProblem",
    "CleanExpert",
    "PreparedRun",
    "Solved",
    "Tally",
    "add_items",
    "add_relation",
    "add_unit_alias",
    "assign",
    "batch_items",
    "batch_progress",
    "batch_results",
    "batch_scores",
    "build_problem_of",
    "cast_ballot",
    "check_batch",
    "clean_expert",
    "close_panel",
    "create_batch",
    "create_panel",
    "credibility",
    "decide_conflicts",
    "decide_unit_change",
    "detect",
    "detect_for_expert",
    "draft_batch",
    "expert_view",
    "get_batch",
    "get_expert",
    "get_panel",
    "item_outcomes",
    "item_view",
    "list_batches",
    "list_conflicts",
    "list_experts",
    "list_panels",
    "list_relations",
    "list_unit_aliases",
    "my_assignment",
    "my_assignments",
    "my_expert",
    "my_panels",
    "my_reminders",
    "normalise_unit",
    "panel_results",
    "parse_fraction",
    "pin_conflict",
    "rank_within_quota",
    "record_conflict",
    "register_expert",
    "respond",
    "review_form",
    "reviews_item",
    "run_assignment",
    "save_imported",
    "save_review",
    "scored_reviews",
    "send_reminder",
    "set_roll",
    "solve_rows",
    "start_assignment_job",
    "tally_ballots",
    "unit_aliases",
    "update_expert",
    "update_profile",
    "withdraw_and_replace",
    "withdraw_for_conflict",
]
