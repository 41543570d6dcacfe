"""The JSON API against its own OpenAPI schema (`/schema/openapi.json`), through ASGI.

- Fuzzing (schemathesis, R-S1): every operation, called as anonymous, admin, society user A,
  society user B (another society), expert, exam admin and candidate, in a world of real objects
  (`tests/api_schema_support.py`), restored before each operation. Checks: no server error, no
  undocumented status, documented content types, bodies that match their schema, and
  `ignored_auth` (a successful signed-in call replayed without and with a wrong credential must
  be refused). Seeded and derandomized, a bounded number of examples per operation.
- Object-level authorization (R-AC6): every read of one object by id, as its owner and as every
  other identity; a peer gets 403, or 404 with the very body a nonexistent id gets.
- Sequences (schemathesis's stateful phase): chains of calls joined by the links schemathesis
  infers between operations (an id one returns fed to the next), as the admin and as a society
  user, for a bounded number of scenarios and steps; every response checked as above.
- The schema holds exactly the JSON API: no page route, every `/api` route.
- Unused methods answer 405, TRACE included (R-H5); filter values that look like SQL or Python
  attribute names are plain values, never a server error (R-DB2).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_schema_support import (
    ADMIN,
    ANON,
    CANDIDATE,
    EXAM_A,
    EXPERT,
    IDENTITIES,
    SOCIETY_A,
    SOCIETY_B,
    Snapshot,
    World,
    build_world,
    run_in_thread,
)
from xuehui.app import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# `ignored_auth` replays a successful signed-in request without and with a wrong credential.
# Enforcement belongs to the operation, so a few confirmations per operation are enough (the
# schemathesis CLI stops at one).
AUTH_CONFIRMATIONS = 2
FUZZ_AS = (ANON, ADMIN, SOCIETY_A, SOCIETY_B, EXPERT, EXAM_A, CANDIDATE)

# Examples per operation, each sent as every identity. PostgreSQL opens a connection per query in
# the tests (no pool across event loops), so its run takes fewer to stay within about a minute.
# XUEHUI_FUZZ_EXAMPLES raises it for a longer run (for instance 100 for a nightly job).
MAX_EXAMPLES = int(os.environ.get("XUEHUI_FUZZ_EXAMPLES", "0")) or (
    6 if os.environ.get("XUEHUI_TEST_DB") == "postgres" else 12
)

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20260101,
        "phases": {
            "examples": {"enabled": False},
            "coverage": {"enabled": False},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "no-shrink": True,
            "database": "none",
        },
    }
)

APP = create_app()
SCHEMA = schemathesis.openapi.from_asgi("/schema/openapi.json", APP, config=CONFIG)

# Path parameters that name a real object of the world, so that the fuzzer reaches real code.
PATH_IDS: dict[str, tuple[str, ...]] = {
    "society_id": ("society_a", "society_b", "exam_society_a"),
    "project_id": ("pilot_a", "pilot_b"),
    "nomination_id": ("nomination_a", "submitted_a", "nomination_b"),
    "year": ("cycle_year",),
    "expert_id": ("expert_a", "expert_b"),
    "batch_id": ("batch",),
    "assignment_id": ("assignment_a", "assignment_b"),
    "plan_id": ("plan_a", "plan_b"),
    "registration_id": ("registration_candidate", "registration_candidate_b"),
    "job_id": ("job_a",),
    "user_id": (),
    "token_id": (),
}


class _WorldHolder:
    world: World | None = None
    snapshot: Snapshot | None = None


@pytest.fixture(scope="module")
def world_holder(request: pytest.FixtureRequest) -> _WorldHolder:
    """Build the world once, on an empty database (conftest's reset), and snapshot it."""
    reset = next(
        plugin.reset_database
        for plugin in request.config.pluginmanager.get_plugins()
        if callable(getattr(plugin, "reset_database", None))
    )
    reset()
    holder = _WorldHolder()
    holder.world = run_in_thread(build_world())
    holder.snapshot = Snapshot()
    holder.snapshot.take(Path(tempfile.mkdtemp(prefix="xuehui-api-world-")))
    return holder


@pytest.fixture(autouse=True)
def fresh_database(world_holder: _WorldHolder) -> None:
    """Replaces conftest's reset for this module: every test starts from the same world."""
    assert world_holder.snapshot is not None
    world_holder.snapshot.restore()


@pytest.fixture
def world(world_holder: _WorldHolder) -> World:
    assert world_holder.world is not None
    return world_holder.world


# After this many examples, an identity the operation has refused every time (401/403) is not
# called again for that operation: the refusal is documented and checked, and the time goes to
# the identities that reach the handler.
REFUSALS_BEFORE_SKIP = 3


@pytest.fixture(scope="module")
def refusals() -> dict[tuple[str, str], int]:
    return {}


@pytest.fixture(scope="module")
def auth_confirmed() -> dict[str, int]:
    return {}


@SCHEMA.parametrize()
@SCHEMA.given(data=st.data())
def test_api_conforms_to_its_schema(
    case: Any,
    data: Any,
    world_holder: _WorldHolder,
    refusals: dict[tuple[str, str], int],
    auth_confirmed: dict[str, int],
) -> None:
    world = world_holder.world
    assert world is not None
    for name in list(case.path_parameters or {}):
        if name == "user_id":
            choices = list(world.user_ids.values())
        elif name == "token_id":
            choices = list(world.token_ids.values())
        else:
            choices = [world.ids[key] for key in PATH_IDS.get(name, ())]
        if choices and data.draw(st.booleans(), label=f"real {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(choices), label=name)
    label = case.operation.label
    for identity in FUZZ_AS:
        key = (label, identity)
        if refusals.get(key, 0) >= REFUSALS_BEFORE_SKIP:
            continue
        probe_auth = identity != ANON and auth_confirmed.get(label, 0) < AUTH_CONFIRMATIONS
        try:
            response = case.call_and_validate(
                headers=world.headers(identity), checks=[*CHECKS, ignored_auth] if probe_auth else CHECKS
            )
        except BaseException as error:
            error.add_note(f"called as: {identity}")
            raise
        if probe_auth and 200 <= response.status_code < 300:
            auth_confirmed[label] = auth_confirmed.get(label, 0) + 1
        if key not in refusals or refusals[key] > 0:
            refusals[key] = refusals.get(key, 0) + 1 if response.status_code in (401, 403) else -1


# --- sequences of calls, joined by the links between operations ------------------------------------

# Scenarios and steps per scenario (XUEHUI_FUZZ_SEQUENCES raises the scenarios for a longer run).
SEQUENCES = int(os.environ.get("XUEHUI_FUZZ_SEQUENCES", "0")) or (
    6 if os.environ.get("XUEHUI_TEST_DB") == "postgres" else 12
)
STEPS_PER_SEQUENCE = 6
# The same API with the stateful phase on, so that schemathesis infers the links between operations.
LINKED = schemathesis.openapi.from_asgi(
    "/schema/openapi.json",
    APP,
    config=SchemathesisConfig.from_dict(
        {"seed": 20260101, "phases": {"stateful": {"enabled": True}}, "generation": {"database": "none"}}
    ),
)


@pytest.mark.parametrize("identity", [ADMIN, SOCIETY_A])
def test_api_sequences_linked_by_their_ids_hold(identity: str, world_holder: _WorldHolder) -> None:
    world = world_holder.world
    assert world is not None
    headers = world.headers(identity)
    called: list[tuple[str, int]] = []

    class Sequences(LINKED.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            called.append((case.operation.label, response.status_code))
            case.validate_response(response, checks=CHECKS)

    Sequences.run(
        settings=settings(
            max_examples=SEQUENCES,
            stateful_step_count=STEPS_PER_SEQUENCE,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    # The sequences reached the API, and some call got past authorization into the handler.
    assert len({label for label, _status in called}) > 1
    assert any(200 <= status < 300 for _label, status in called)


# --- object-level authorization -------------------------------------------------------------------

# Every read of one object by id: the object (a key of `World.ids`), its owner, and the identities
# entitled to read it besides the owner. Everyone else must be refused.
OWNED_READS: dict[str, tuple[str, str, frozenset[str]]] = {
    "/api/societies/{society_id}": ("society_a", SOCIETY_A, frozenset({ADMIN})),
    "/api/societies/{society_id}/integrity-violations": ("society_a", ADMIN, frozenset()),
    "/api/pilots/{project_id}": ("pilot_a", SOCIETY_A, frozenset({ADMIN})),
    "/api/nominations/{nomination_id}": ("nomination_a", SOCIETY_A, frozenset({ADMIN})),
    "/api/experts/{expert_id}": ("expert_a", ADMIN, frozenset()),
    "/api/review-batches/{batch_id}": ("batch", ADMIN, frozenset()),
    "/api/review-batches/{batch_id}/check": ("batch", ADMIN, frozenset()),
    "/api/review-batches/{batch_id}/results": ("batch", ADMIN, frozenset()),
    "/api/award-cycles/{year}": ("cycle_year", ADMIN, frozenset()),
    "/api/exams/plans/{plan_id}": ("plan_a", EXAM_A, frozenset({ADMIN})),
    "/api/exams/plans/{plan_id}/registrations": ("plan_a", EXAM_A, frozenset({ADMIN})),
    "/api/exams/plans/{plan_id}/results": ("plan_a", EXAM_A, frozenset({ADMIN})),
    "/api/exams/registrations/{registration_id}": ("registration_candidate", CANDIDATE, frozenset({ADMIN, EXAM_A})),
    "/api/exams/jobs/{job_id}": ("job_a", EXAM_A, frozenset({ADMIN})),
}
# Reads by id that are public by design (disclosure, certificate verification).
PUBLIC_READS = {"/api/public/pilots/{project_id}", "/api/public/certificates/{number}"}
# An id that names nothing (in range, so it is a well-formed request).
MISSING_ID = 2_000_000_000


def _get(path: str, value: int, world: World, identity: str) -> Any:
    operation = SCHEMA[path]["GET"]
    (name,) = re.findall(r"\{(\w+)\}", path)
    return operation.Case(path_parameters={name: value}).call(headers=world.headers(identity))


def test_every_read_by_id_is_classified() -> None:
    reads = {path for path, methods in SCHEMA.raw_schema["paths"].items() if "{" in path and "get" in methods}
    assert reads == set(OWNED_READS) | PUBLIC_READS


@pytest.mark.parametrize("path", sorted(OWNED_READS))
def test_objects_are_hidden_from_every_identity_that_does_not_own_them(path: str, world: World) -> None:
    key, owner, entitled = OWNED_READS[path]
    value = world.ids[key]
    for identity in (owner, *entitled):
        response = _get(path, value, world, identity)
        assert response.status_code == 200, (identity, response.text)
    leaks = []
    for peer in sorted(set(IDENTITIES) - {owner, *entitled}):
        response = _get(path, value, world, peer)
        expected = {401} if peer == ANON else {403, 404}
        if response.status_code not in expected:
            leaks.append((peer, response.status_code, response.text[:200]))
        elif response.status_code == 404:
            # Existence is not revealed: the same answer as for an id that names nothing.
            missing = _get(path, MISSING_ID, world, peer)
            if (missing.status_code, missing.json()) != (404, response.json()):
                leaks.append((peer, "404 differs from a missing id", response.text, missing.text))
    assert leaks == []


# --- what the schema holds ----------------------------------------------------------------------


def _schema_operations() -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, methods in SCHEMA.raw_schema["paths"].items()
        for method in methods
        if method in {"get", "put", "post", "delete", "patch"}
    }


def _app_operations() -> set[tuple[str, str]]:
    found = set()
    for route in APP.routes:
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)
        for method in getattr(route, "methods", set()) - {"HEAD", "OPTIONS"}:
            found.add((method, path))
    return found


def test_the_schema_documents_exactly_the_json_api() -> None:
    documented = _schema_operations()
    pages_in_schema = sorted(op for op in documented if not op[1].startswith("/api/"))
    api_routes = {op for op in _app_operations() if op[1].startswith("/api/")}
    assert pages_in_schema == []
    assert documented == api_routes


def test_every_signed_in_operation_declares_how_to_sign_in() -> None:
    schemes = SCHEMA.raw_schema.get("components", {}).get("securitySchemes", {})
    # Without the schemes `ignored_auth` has nothing to check. They come from
    # `OpenAPIConfig(..., components=xuehui.openapi.components())` in xuehui/app.py.
    assert schemes.get("apiToken", {}).get("scheme") == "bearer", "OpenAPIConfig lacks components()"
    assert schemes.get("sessionCookie", {}).get("in") == "cookie"
    public = {
        (method.upper(), path)
        for path, methods in SCHEMA.raw_schema["paths"].items()
        for method, operation in methods.items()
        if not operation.get("security")
    }
    assert all(path.startswith("/api/public/") for _, path in public), sorted(public)


def test_every_error_status_is_documented_with_the_bilingual_error_body() -> None:
    bodies = set()
    for methods in SCHEMA.raw_schema["paths"].values():
        for operation in methods.values():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    bodies.add(response["content"]["application/json"]["schema"]["$ref"])
    assert bodies == {"#/components/schemas/ErrorOut"}


# --- unused methods, filter values --------------------------------------------------------------

UNUSED_METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH", "TRACE")


async def test_unused_methods_answer_405(client: Any, world: World) -> None:
    wrong = []
    for path, methods in SCHEMA.raw_schema["paths"].items():
        url = re.sub(r"\{\w+\}", "1", path)
        for method in UNUSED_METHODS:
            if method.lower() in methods:
                continue
            for identity in (ANON, ADMIN):
                response = await client.request(method, url, headers=world.headers(identity))
                if response.status_code != 405 or response.json()["status"] != 405:
                    wrong.append((method, path, identity, response.status_code))
    assert wrong == []


SUSPICIOUS_VALUES = ("__class__", "id;drop table xh_user", "' OR '1'='1", "status--", "%", "\\", "😀" * 50)


def test_filter_values_are_values_never_code(world: World) -> None:
    """Every query parameter of every read, as admin and as the role it is for (R-DB2)."""
    failures = []
    for path, methods in SCHEMA.raw_schema["paths"].items():
        operation = methods.get("get")
        if operation is None or "{" in path:
            continue
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        for name in names:
            schema = next(p["schema"] for p in operation["parameters"] if p["name"] == name)
            if "string" not in str(schema):
                continue
            for value in SUSPICIOUS_VALUES:
                query = dict.fromkeys(names, "x") | {name: value}
                for identity in IDENTITIES:
                    case = SCHEMA[path]["GET"].Case(query=query)
                    response = case.call(headers=world.headers(identity))
                    if response.status_code >= 500 or response.status_code not in _documented(operation):
                        failures.append((path, name, value, identity, response.status_code))
    assert failures == []


def _documented(operation: dict[str, Any]) -> set[int]:
    return {int(status) for status in operation["responses"]}
