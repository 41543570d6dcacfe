"""The expert pool's statuses as lifecycles (pure), its vocabularies, and the assignment run that
the service turns into a job for a large batch, for the page and the API alike."""

import ast
import asyncio
from pathlib import Path

import pytest

from expert_pool import services
from expert_pool.rules.lifecycles import (
    ASSIGNMENT_LIFECYCLE,
    BATCH_LIFECYCLE,
    BLOCKING,
    CONFLICT_LIFECYCLE,
    HOLDING,
    PANEL_LIFECYCLE,
    REVIEW_LIFECYCLE,
    AssignmentStatus,
    BatchStatus,
    ConflictStatus,
    PanelStatus,
    ReviewStatus,
)
from expert_pool.rules.vocabulary import PoolAction
from expert_pool.tables import ReviewBatch
from tests.expert_pool.support import batch, item, make_expert
from tests.support import api, login, make_user, post_form
from xuehui.errors import Conflict, Forbidden
from xuehui.vocabulary import action_label, label_of

POLL_SECONDS = 0.2
PACKAGE = Path(__file__).resolve().parents[2] / "expert_pool"


def test_an_expert_accepts_declines_or_declares_and_only_from_a_place_held() -> None:
    assert ASSIGNMENT_LIFECYCLE.move("assigned", "accepted", "expert") == AssignmentStatus.ACCEPTED
    assert ASSIGNMENT_LIFECYCLE.sources("declined") == HOLDING
    assert ASSIGNMENT_LIFECYCLE.sources("conflict") == HOLDING
    assert ASSIGNMENT_LIFECYCLE.sources("replaced") == {AssignmentStatus.ASSIGNED}
    with pytest.raises(Conflict) as refused:
        ASSIGNMENT_LIFECYCLE.move("accepted", "accepted", "expert")
    assert refused.value.reasons[0].code == "assignment.bad_state"
    assert "已接受" in refused.value.reasons[0].zh
    with pytest.raises(Conflict):
        ASSIGNMENT_LIFECYCLE.move("declined", "accepted", "expert")
    with pytest.raises(Forbidden):
        ASSIGNMENT_LIFECYCLE.move("assigned", "accepted", "admin")


def test_only_an_administrator_decides_a_potential_conflict_and_a_declaration_confirms_any() -> None:
    assert CONFLICT_LIFECYCLE.move("potential", "dismissed", "admin") == ConflictStatus.DISMISSED
    with pytest.raises(Forbidden):
        CONFLICT_LIFECYCLE.move("potential", "confirmed", "expert")
    assert CONFLICT_LIFECYCLE.move("dismissed", "confirmed", "expert") == ConflictStatus.CONFIRMED
    with pytest.raises(Conflict):
        CONFLICT_LIFECYCLE.move("confirmed", "dismissed", "admin")
    assert {ConflictStatus.POTENTIAL, ConflictStatus.CONFIRMED} == BLOCKING


def test_batches_reviews_and_panels_move_one_way() -> None:
    assert BATCH_LIFECYCLE.sources("assigned") == {BatchStatus.DRAFT}
    with pytest.raises(Conflict):
        BATCH_LIFECYCLE.move("assigned", "assigned", "admin")
    assert REVIEW_LIFECYCLE.sources("submitted") == {ReviewStatus.DRAFT}
    with pytest.raises(Conflict):
        REVIEW_LIFECYCLE.move("submitted", "draft", "expert")
    assert PANEL_LIFECYCLE.targets("open", "admin") == [PanelStatus.CLOSED]
    assert PANEL_LIFECYCLE.targets("closed", "admin") == []


def test_every_status_has_both_labels_and_the_labels_reach_the_frame() -> None:
    for states in (AssignmentStatus, BatchStatus, ConflictStatus, PanelStatus, ReviewStatus):
        for state in states:
            assert state.zh != state.value and state.en != state.value
    assert label_of("expert_pool.assignment_status", "declined") in ("已谢绝", "Declined")
    leader = label_of("expert_pool.conflict_type", "nominator_leader")
    assert leader in ("提名学会负责人", "Leads the nominating society")


def _audit_actions() -> list[ast.expr]:
    """The `action` argument of every `audit(...)` call in the package."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit" and len(node.args) > 1:
                found.append(node.args[1])
    return found


def test_every_audit_action_the_package_writes_is_in_its_vocabulary() -> None:
    actions = _audit_actions()
    assert len(actions) > 20
    literals = [ast.unparse(a) for a in actions if isinstance(a, ast.Constant | ast.JoinedStr)]
    assert literals == [], "audit actions must be PoolAction members, not strings"
    for action in PoolAction:
        assert action_label(action.value) in (action.zh, action.en)
        assert action.zh != action.value


async def _assigned(client, batch_id: int, timeout: float = 120.0) -> dict:
    """Poll the batch through the API until its job has stored the assignments."""
    for _ in range(int(timeout / POLL_SECONDS)):
        found = (await client.get(f"/api/review-batches/{batch_id}")).json()
        if found["status"] == "assigned":
            return found
        await asyncio.sleep(POLL_SECONDS)
    raise AssertionError(f"batch {batch_id} was not assigned within {timeout} s")


async def test_a_large_batch_is_assigned_as_a_job_for_the_api_and_the_page(client) -> None:
    from xuehui import jobs

    admin = await make_user("root", "admin")
    for seq in range(1, 5):
        await make_expert(admin, seq)
    many = [item(f"L{n}") for n in range(services.JOB_THRESHOLD_ITEMS)]
    large = await services.create_batch(admin, batch(many, required=1, max_load=services.JOB_THRESHOLD_ITEMS))
    small = await services.create_batch(admin, batch([item("S1"), item("S2")], required=1))
    page_batch = await services.create_batch(admin, batch(many, required=1, max_load=services.JOB_THRESHOLD_ITEMS))
    await login(client, "root")

    inline = await api(client, "POST", f"/api/review-batches/{small}/run", {})
    assert (inline.status_code, inline.json()["pairs"], inline.json()["batch_id"]) == (200, 2, small)

    queued = await api(client, "POST", f"/api/review-batches/{large}/run", {})
    assert queued.status_code == 202
    body = queued.json()
    assert body["batch_id"] == large and body["state"] in ("queued", "running", "succeeded")
    after = await _assigned(client, large)
    assert after["assign_job"] == body["job_id"]
    finished = await jobs.get_job(admin, body["job_id"])
    assert (finished["state"], finished["result"]["pairs"]) == ("succeeded", services.JOB_THRESHOLD_ITEMS)

    location = f"/admin/review-batches/{page_batch}"
    run = await post_form(client, f"{location}/run", {"mode": "optimal", "confirmed": "1"}, location)
    assert run.headers["location"] == f"{location}?done=job"
    stored = await ReviewBatch.select(ReviewBatch.assign_job).where(ReviewBatch.id == page_batch).first()
    assert stored is not None and stored["assign_job"] is not None
    assert (await _assigned(client, page_batch))["assign_job"] == stored["assign_job"]


async def test_the_society_leaders_passed_with_an_item_are_kept_with_its_leaders(client) -> None:
    admin = await make_user("root", "admin")
    batch_id = await services.create_batch(
        admin,
        batch(
            [item("A", leaders=[{"name": "王五"}], society_leaders=["李四", "王五", " "])],
            required=1,
        ),
    )
    [stored] = await services.batch_items(admin, batch_id)
    assert [p["name"] for p in stored["leaders"]] == ["王五", "李四"]
