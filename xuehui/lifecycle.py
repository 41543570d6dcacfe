"""Lifecycles as data: the states of a record, the moves between them and who may make each.

Every lifecycle is a `Labelled` enum of states plus a `Lifecycle` table of moves. Services
change a state only through `Lifecycle.move()` (which refuses a move that is not in the table,
with the reason in both languages) and write it with a guard on `sources()`, so a concurrent
move from another state cannot slip through.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from xuehui.errors import Conflict, Forbidden, Reason
from xuehui.vocabulary import Labelled

S = TypeVar("S", bound=Labelled)

ANYONE = "*"


@dataclass(frozen=True, slots=True)
class Move(Generic[S]):
    """One allowed move: from any of `sources` to `target`, by any of `roles` (`*` = any role the
    service has already let act on the record)."""

    sources: frozenset[S]
    target: S
    roles: frozenset[str]
    name: str = ""


def move(sources: S | Iterable[S], target: S, roles: str | Iterable[str] = ANYONE, name: str = "") -> Move[S]:
    found = frozenset([sources]) if isinstance(sources, Labelled) else frozenset(sources)
    who = frozenset([roles]) if isinstance(roles, str) else frozenset(roles)
    return Move(found, target, who, name)


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    name: str
    states: type[S]
    moves: tuple[Move[S], ...]
    initial: S
    _index: dict[tuple[S, S], Move[S]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[tuple[S, S], Move[S]] = {}
        for step in self.moves:
            for source in step.sources:
                index[(source, step.target)] = step
        object.__setattr__(self, "_index", index)

    def allowed(self, current: str, target: str, role: str) -> bool:
        step = self._find(current, target)
        return step is not None and (ANYONE in step.roles or role in step.roles)

    def targets(self, current: str, role: str) -> list[S]:
        """The states `role` may move a record in `current` to, in definition order."""
        return [state for state in self.states if self.allowed(current, state, role)]

    def sources(self, target: str) -> frozenset[S]:
        """Every state from which some move reaches `target`: the guard of the conditional update."""
        goal = self.states(target)
        return frozenset(source for (source, to) in self._index if to == goal)

    def move(self, current: str, target: str, role: str) -> S:
        """The target state when the move is allowed; otherwise a refusal that names both states."""
        step = self._find(current, target)
        goal = self.states(target)
        if step is None:
            now = self.states.parse(current)
            now_zh, now_en = (now.zh, now.en) if now is not None else (current, current)
            raise Conflict(
                Reason(
                    f"{self.name}.bad_state",
                    f"当前状态为“{now_zh}”，不能改为“{goal.zh}”",
                    f"cannot move from “{now_en}” to “{goal.en}”",
                )
            )
        if ANYONE not in step.roles and role not in step.roles:
            raise Forbidden(
                Reason(
                    f"{self.name}.not_allowed",
                    f"您的角色不能将其改为“{goal.zh}”",
                    f"your role may not move this to “{goal.en}”",
                )
            )
        return goal

    def _find(self, current: str, target: str) -> Move[S] | None:
        now, goal = self.states.parse(current), self.states.parse(target)
        if now is None or goal is None:
            return None
        return self._index.get((now, goal))
