"""Affinity of an expert for an item from disciplines (GB/T 13745) and keywords.

GB/T 13745 codes: first level is 3 digits ("520"), second level 5 ("520.20" or "52020"), third
level 7 ("520.2010"). The discipline score is the best of:

* `same_second`   (default 1.0): the item's main discipline and one of the expert's main disciplines
  share the second-level code;
* `same_first`    (default 0.6): they share only the first level;
* `secondary`     (default 0.4): a secondary discipline of one side shares the second level with a
  discipline of the other side;
* 0 otherwise.

Keyword similarity is the Jaccard index of the normalised keyword sets (NFKC, case-folded,
spaces removed). affinity = discipline_weight x discipline score + keyword_weight x Jaccard, in
[0, 1] with the default weights 0.7 and 0.3. A pair whose affinity is 0 is not a candidate (the
solver reports such experts as "no affinity (other discipline)").
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AffinityWeights:
    same_second: float = 1.0
    same_first: float = 0.6
    secondary: float = 0.4
    discipline_weight: float = 0.7
    keyword_weight: float = 0.3


@dataclass(frozen=True, slots=True)
class Profile:
    """An item's or an expert's disciplines and keywords."""

    id: str
    main: tuple[str, ...]  # discipline codes
    secondary: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


def code_digits(code: str) -> str:
    return re.sub(r"\D", "", code)


def first_level(code: str) -> str:
    return code_digits(code)[:3]


def second_level(code: str) -> str:
    digits = code_digits(code)
    return digits[:5] if len(digits) >= 5 else ""


def keyword_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(k for k in (re.sub(r"\s+", "", unicodedata.normalize("NFKC", w)).casefold() for w in words) if k)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A profile's level sets and keyword set, computed once (not once per pair)."""

    first: frozenset[str]
    second: frozenset[str]
    every_second: frozenset[str]
    keywords: frozenset[str]


def _prepare(profile: Profile) -> _Prepared:
    second = frozenset(second_level(c) for c in profile.main) - {""}
    return _Prepared(
        first=frozenset(first_level(c) for c in profile.main),
        second=second,
        every_second=(second | {second_level(c) for c in profile.secondary}) - {""},
        keywords=keyword_set(profile.keywords),
    )


def _discipline(item: _Prepared, expert: _Prepared, weights: AffinityWeights) -> float:
    if item.second & expert.second:
        return weights.same_second
    if item.first & expert.first:
        return weights.same_first
    return weights.secondary if item.every_second & expert.every_second else 0.0


def _affinity(item: _Prepared, expert: _Prepared, weights: AffinityWeights) -> float:
    keywords = jaccard(item.keywords, expert.keywords)
    return weights.discipline_weight * _discipline(item, expert, weights) + weights.keyword_weight * keywords


def discipline_score(item: Profile, expert: Profile, weights: AffinityWeights = AffinityWeights()) -> float:
    return _discipline(_prepare(item), _prepare(expert), weights)


def affinity(item: Profile, expert: Profile, weights: AffinityWeights = AffinityWeights()) -> float:
    return _affinity(_prepare(item), _prepare(expert), weights)


def affinity_pairs(
    items: Sequence[Profile], experts: Sequence[Profile], weights: AffinityWeights = AffinityWeights()
) -> list[tuple[str, str, float]]:
    """(item_id, expert_id, affinity) for every pair with affinity > 0, found through an inverted
    index on first-level codes, second-level codes and keywords instead of all n x m pairs."""
    index: dict[str, set[int]] = defaultdict(set)
    prepared = [_prepare(expert) for expert in experts]
    for j, expert in enumerate(experts):
        for key in _index_keys(expert):
            index[key].add(j)
    rows = []
    for item in items:
        candidates: set[int] = set()
        for key in _index_keys(item):
            candidates |= index.get(key, set())
        mine = _prepare(item)
        for j in sorted(candidates):
            score = _affinity(mine, prepared[j], weights)
            if score > 0:
                rows.append((item.id, experts[j].id, score))
    return rows


def _index_keys(profile: Profile) -> set[str]:
    keys = {"L1:" + first_level(c) for c in profile.main}
    keys |= {"L2:" + second_level(c) for c in (*profile.main, *profile.secondary) if second_level(c)}
    keys |= {"K:" + k for k in keyword_set(profile.keywords)}
    return keys
