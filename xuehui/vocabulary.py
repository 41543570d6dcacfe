"""Codes a user could see, each defined once with its Chinese and English label.

A state, a kind or an action is stored as a short code; pages, exports and the audit view show
its label instead. Domain packages define their vocabularies as `Labelled` enums (in their
`rules`), which register themselves here, so the frame can label a code it knows nothing of
(the audit log view, exports) without importing a domain package.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Self, cast

from xuehui.i18n import pick

_REGISTRY: dict[str, type[Labelled]] = {}


class Labelled(StrEnum):
    """A code with its labels: `DRAFT = "draft", "草稿", "Draft"`.

    The member compares equal to its code, so it goes into and comes out of the database as
    the plain string; `label()` says it in the page language."""

    zh: str
    en: str

    def __new__(cls, code: str, zh: str = "", en: str = "") -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.zh = zh or code
        member.en = en or code
        return member

    def __init_subclass__(cls, /, vocabulary: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if vocabulary:
            _REGISTRY[vocabulary] = cls

    def label(self, lang: str | None = None) -> str:
        if lang is None:
            return pick(self.zh, self.en)
        return self.en if lang == "en" else self.zh

    @classmethod
    def parse(cls, code: str | None) -> Self | None:
        try:
            return cls(code) if code is not None else None
        except ValueError:
            return None

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """(code, label) pairs in definition order, for a select or a filter."""
        return [(member.value, member.label()) for member in cls]

    @classmethod
    def labels(cls) -> dict[str, tuple[str, str]]:
        return {member.value: (member.zh, member.en) for member in cls}


def vocabulary(name: str) -> type[Labelled] | None:
    return _REGISTRY.get(name)


def label_of(name: str, code: str | None) -> str:
    """The label of `code` in the vocabulary `name`; an unknown code is shown as it is, never hidden."""
    if code is None or code == "":
        return ""
    found = _REGISTRY.get(name)
    member = found.parse(code) if found is not None else None
    return member.label() if member is not None else code


def registered() -> dict[str, type[Labelled]]:
    return dict(_REGISTRY)


def action_label(code: str) -> str:
    """The label of an audit-log action: each package registers its actions as a vocabulary
    named `audit.<package>`; an action no package defines is shown as it is."""
    for name, found in _REGISTRY.items():
        if name.startswith("audit."):
            member = found.parse(code)
            if member is not None:
                return member.label()
    return code


def labels_vocabulary(name: str, labels: Mapping[str, tuple[str, str]]) -> type[Labelled]:
    """A registered vocabulary made from an existing table of labels (code → (zh, en)), for codes
    whose one definition is already such a table (award categories, materials ...)."""
    members = [(code.upper(), (code, zh, en)) for code, (zh, en) in labels.items()]
    # The functional Enum API: mypy cannot type a class made at run time.
    made = cast(type[Labelled], Labelled(name.replace(".", "_").title(), members))  # type: ignore[arg-type]
    _REGISTRY[name] = made
    return made


def label_by_topic(code: str | None, topic: str) -> str:
    """The label of `code` in any vocabulary about `topic` (named `topic` or `<package>.<topic>`),
    for pages that show another package's codes (a review item's kind, category and grade)."""
    if not code:
        return ""
    for name, found in _REGISTRY.items():
        if name == topic or name.endswith(f".{topic}"):
            member = found.parse(code)
            if member is not None:
                return member.label()
    return code
