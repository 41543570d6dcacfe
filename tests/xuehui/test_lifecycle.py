"""The lifecycle table decides every state move: allowed moves, refusals with both states named,
role checks, and the guard set a conditional update uses."""

from __future__ import annotations

import pytest

from xuehui.errors import Conflict, Forbidden
from xuehui.lifecycle import Lifecycle, move
from xuehui.vocabulary import Labelled, label_of

pytestmark = pytest.mark.pure


class Door(Labelled, vocabulary="test.door"):
    SHUT = "shut", "关闭", "Shut"
    OPEN = "open", "打开", "Open"
    LOCKED = "locked", "上锁", "Locked"


DOOR = Lifecycle(
    "door",
    Door,
    (
        move(Door.SHUT, Door.OPEN),
        move(Door.OPEN, Door.SHUT),
        move(Door.SHUT, Door.LOCKED, "admin"),
        move([Door.LOCKED, Door.OPEN], Door.SHUT, "admin"),
    ),
    initial=Door.SHUT,
)


def test_member_is_its_code_and_carries_both_labels() -> None:
    assert Door.OPEN == "open"
    assert (Door.OPEN.zh, Door.OPEN.en) == ("打开", "Open")
    assert Door.OPEN.label("en") == "Open"
    assert Door.OPEN.label("zh") == "打开"
    assert Door.choices() == [("shut", "关闭"), ("open", "打开"), ("locked", "上锁")]


def test_registered_vocabulary_labels_a_code_the_frame_does_not_know() -> None:
    assert label_of("test.door", "locked") == "上锁"
    assert label_of("test.door", "ajar") == "ajar"
    assert label_of("no.such", "x") == "x"
    assert label_of("test.door", None) == ""


def test_allowed_move_returns_the_target_state() -> None:
    assert DOOR.move("shut", "open", "society") is Door.OPEN
    assert DOOR.move("locked", "shut", "admin") is Door.SHUT


def test_move_not_in_the_table_names_both_states() -> None:
    with pytest.raises(Conflict) as caught:
        DOOR.move("open", "locked", "admin")
    (reason,) = caught.value.reasons
    assert reason.code == "door.bad_state"
    assert reason.zh == "当前状态为“打开”，不能改为“上锁”"
    assert reason.en == "cannot move from “Open” to “Locked”"


def test_move_by_a_role_the_table_does_not_name_is_forbidden() -> None:
    with pytest.raises(Forbidden) as caught:
        DOOR.move("shut", "locked", "society")
    assert caught.value.reasons[0].code == "door.not_allowed"


def test_unknown_codes_are_refused_not_guessed() -> None:
    with pytest.raises(Conflict):
        DOOR.move("ajar", "open", "admin")
    assert DOOR.allowed("shut", "ajar", "admin") is False


def test_targets_and_sources() -> None:
    assert DOOR.targets("shut", "admin") == [Door.OPEN, Door.LOCKED]
    assert DOOR.targets("shut", "society") == [Door.OPEN]
    assert DOOR.sources("shut") == frozenset({Door.OPEN, Door.LOCKED})
    assert DOOR.sources("locked") == frozenset({Door.SHUT})
