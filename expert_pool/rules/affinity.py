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


def discipline_score(item: Profile, expert: Profile, weights: AffinityWeights = AffinityWeights()) -> float:
    item_second = {second_level(c) for c in item.main} - {""}
    expert_second = {second_level(c) for c in expert.main} - {""}
    if item_second & expert_second:
        return weights.same_second
    if {first_level(c) for c in item.main} & {first_level(c) for c in expert.main}:
        return weights.same_first
    item_all = item_second | {second_level(c) for c in item.secondary}
    expert_all = expert_second | {second_level(c) for c in expert.secondary}
    crossed = (item_all & expert_all) - {""}
    return weights.secondary if crossed else 0.0


def affinity(item: Profile, expert: Profile, weights: AffinityWeights = AffinityWeights()) -> float:
    keywords = jaccard(keyword_set(item.keywords), keyword_set(expert.keywords))
    return weights.discipline_weight * discipline_score(item, expert, weights) + weights.keyword_weight * keywords


def affinity_pairs(
    items: Sequence[Profile], experts: Sequence[Profile], weights: AffinityWeights = AffinityWeights()
) -> list[tuple[str, str, float]]:
    """(item_id, expert_id, affinity) for every pair with affinity > 0, found through an inverted
    index on first-level codes, second-level codes and keywords instead of all n x m pairs."""
    index: dict[str, set[int]] = defaultdict(set)
    for j, expert in enumerate(experts):
        for key in _index_keys(expert):
            index[key].add(j)
    rows = []
    for item in items:
        candidates: set[int] = set()
        for key in _index_keys(item):
            candidates |= index.get(key, set())
        for j in sorted(candidates):
            score = affinity(item, experts[j], weights)
            if score > 0:
                rows.append((item.id, experts[j].id, score))
    return rows


def _index_keys(profile: Profile) -> set[str]:
    keys = {"L1:" + first_level(c) for c in profile.main}
    keys |= {"L2:" + second_level(c) for c in (*profile.main, *profile.secondary) if second_level(c)}
    keys |= {"K:" + k for k in keyword_set(profile.keywords)}
    return keys
