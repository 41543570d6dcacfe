"""A programme's JSON form, with a schema version; reading refuses the first bad value by its path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from fractions import Fraction
from typing import Any, TypeVar

from nominations.rules.programme.model import (
    AcademicianRules,
    Academy,
    DayKind,
    ExclusionCategory,
    KindRules,
    NoticeWindow,
    Programme,
    ProgrammeKind,
    ReviewStage,
    WorkerRules,
    YouthRules,
)
from xuehui.errors import InvalidInput, Reason

SCHEMA_VERSION = 1


def _rules_to_dict(rules: KindRules) -> dict[str, Any]:
    if isinstance(rules, YouthRules):
        return {
            "max_age_male": rules.max_age_male,
            "max_age_female": rules.max_age_female,
            "academician_channel": rules.academician_channel,
        }
    if isinstance(rules, AcademicianRules):
        return {
            "allowed_academies": sorted(rules.allowed_academies),
            "normal_age_limit": rules.normal_age_limit,
            "extended_min_nominators": rules.extended_min_nominators,
            "extended_min_same_division": rules.extended_min_same_division,
            "once_only_above_age": rules.once_only_above_age,
            "single_channel": rules.single_channel,
        }
    return {
        "cycle_years": rules.cycle_years,
        "excluded_categories": sorted(rules.excluded_categories),
        "per_unit_quota": rules.per_unit_quota,
    }


def programme_to_dict(cfg: Programme) -> dict[str, Any]:
    """A JSON-ready dict; fractions are written "p/q" so they stay exact."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": cfg.kind.value,
        "edition_year": cfg.edition_year,
        "window_opens": cfg.window_opens.isoformat(),
        "window_closes": cfg.window_closes.isoformat(),
        "age_cutoff": cfg.age_cutoff.isoformat(),
        "quota_per_society": cfg.quota_per_society,
        "materials": list(cfg.materials),
        "rules": _rules_to_dict(cfg.rules),
        "stages": [
            {
                "name": s.name,
                "approval": None if s.approval is None else str(s.approval),
                "approval_strict": s.approval_strict,
            }
            for s in cfg.stages
        ],
        "notice": {"days": cfg.notice.days, "day_kind": cfg.notice.day_kind.value},
        "unsourced": list(cfg.unsourced),
    }


_E = TypeVar("_E", bound=StrEnum)


class _Reader:
    """Typed access to a stored dict; the first bad value raises InvalidInput naming its path."""

    def __init__(self, data: object, path: str = "") -> None:
        if not isinstance(data, Mapping):
            raise _malformed(path or "programme", "an object")
        self.data: Mapping[str, object] = data
        self.path = path

    def _field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _raw(self, key: str, expected: str) -> object:
        if key not in self.data:
            raise _malformed(self._field(key), expected)
        return self.data[key]

    def integer(self, key: str) -> int:
        value = self._raw(key, "an integer")
        # bool is an int subclass; `true` is not a count.
        if isinstance(value, bool) or not isinstance(value, int):
            raise _malformed(self._field(key), "an integer")
        return value

    def flag(self, key: str) -> bool:
        value = self._raw(key, "true or false")
        if not isinstance(value, bool):
            raise _malformed(self._field(key), "true or false")
        return value

    def text(self, key: str) -> str:
        value = self._raw(key, "a string")
        if not isinstance(value, str):
            raise _malformed(self._field(key), "a string")
        return value

    def date(self, key: str) -> dt.date:
        try:
            return dt.date.fromisoformat(self.text(key))
        except ValueError:
            raise _malformed(self._field(key), "a YYYY-MM-DD date") from None

    def texts(self, key: str) -> list[str]:
        value = self._raw(key, "a list of strings")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _malformed(self._field(key), "a list of strings")
        return [str(v) for v in value]

    def choice(self, key: str, enum: type[_E]) -> _E:
        try:
            return enum(self.text(key))
        except ValueError:
            raise _malformed(self._field(key), f"one of {', '.join(enum)}") from None

    def choices(self, key: str, enum: type[_E]) -> frozenset[_E]:
        try:
            return frozenset(enum(v) for v in self.texts(key))
        except ValueError:
            raise _malformed(self._field(key), f"a list of {', '.join(enum)}") from None

    def fraction(self, key: str) -> Fraction | None:
        expected = "a fraction such as 2/3, or null"
        value = self._raw(key, expected)
        if value is None:
            return None
        if not isinstance(value, str):
            raise _malformed(self._field(key), expected)
        try:
            return Fraction(value)
        except (ValueError, ZeroDivisionError):
            raise _malformed(self._field(key), expected) from None

    def child(self, key: str) -> _Reader:
        return _Reader(self._raw(key, "an object"), self._field(key))

    def children(self, key: str) -> list[_Reader]:
        value = self._raw(key, "a list of objects")
        if not isinstance(value, list):
            raise _malformed(self._field(key), "a list of objects")
        return [_Reader(item, f"{self._field(key)}[{i}]") for i, item in enumerate(value)]


def _malformed(field: str, expected: str) -> InvalidInput:
    return InvalidInput(
        Reason(
            "programme.malformed",
            f"人才项目配置中的“{field}”缺失或格式不正确",
            f"“{field}” in the programme configuration is missing or is not {expected}",
            field,
        )
    )


def _rules_from(kind: ProgrammeKind, r: _Reader) -> KindRules:
    if kind is ProgrammeKind.YOUTH_AWARD:
        return YouthRules(
            max_age_male=r.integer("max_age_male"),
            max_age_female=r.integer("max_age_female"),
            # Settings saved before the channel existed offer it, as the source does.
            academician_channel=r.flag("academician_channel") if "academician_channel" in r.data else True,
        )
    if kind is ProgrammeKind.ACADEMICIAN:
        return AcademicianRules(
            allowed_academies=r.choices("allowed_academies", Academy),
            normal_age_limit=r.integer("normal_age_limit"),
            extended_min_nominators=r.integer("extended_min_nominators"),
            extended_min_same_division=r.integer("extended_min_same_division"),
            once_only_above_age=r.integer("once_only_above_age"),
            single_channel=r.flag("single_channel"),
        )
    return WorkerRules(
        cycle_years=r.integer("cycle_years"),
        excluded_categories=r.choices("excluded_categories", ExclusionCategory),
        per_unit_quota=r.integer("per_unit_quota"),
    )


def programme_from_dict(data: Mapping[str, Any]) -> Programme:
    """Read a stored programme; raises InvalidInput (code programme.malformed or programme.schema_version)."""
    r = _Reader(data)
    version = r.integer("schema_version")
    if version != SCHEMA_VERSION:
        raise InvalidInput(
            Reason(
                "programme.schema_version",
                f"不支持的人才项目配置版本{version}",
                f"programme configuration version {version} is not supported",
                "schema_version",
            )
        )
    kind = r.choice("kind", ProgrammeKind)
    notice = r.child("notice")
    return Programme(
        kind=kind,
        edition_year=r.integer("edition_year"),
        window_opens=r.date("window_opens"),
        window_closes=r.date("window_closes"),
        age_cutoff=r.date("age_cutoff"),
        quota_per_society=r.integer("quota_per_society"),
        materials=tuple(r.texts("materials")),
        rules=_rules_from(kind, r.child("rules")),
        stages=tuple(
            ReviewStage(s.text("name"), s.fraction("approval"), s.flag("approval_strict")) for s in r.children("stages")
        ),
        notice=NoticeWindow(notice.integer("days"), notice.choice("day_kind", DayKind)),
        unsourced=tuple(r.texts("unsourced")),
    )
