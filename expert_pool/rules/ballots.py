"""Anonymous panel and committee ballots: quorum, pass threshold, and ranking within a quota.

All arithmetic is on exact fractions: "more than half" is yes/base > 1/2, "at least two thirds"
is yes/base >= 2/3, with base = those voting (yes + no), those present, or the whole roll.
Ranking by yes votes within a quota never breaks a tie at the quota boundary: the tied items
are reported and the places they compete for stay open for the committee to decide.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from xuehui.errors import Reason


@dataclass(frozen=True, slots=True)
class BallotRule:
    quorum: Fraction = Fraction(2, 3)  # share of the roll that must be present
    threshold: Fraction = Fraction(1, 2)
    strict: bool = True  # True: more than the threshold; False: at least the threshold
    base: Literal["voting", "present", "roll"] = "voting"


@dataclass(frozen=True, slots=True)
class Tally:
    yes: int
    no: int
    abstain: int = 0


@dataclass(frozen=True, slots=True)
class Outcome:
    item_id: str
    passed: bool
    yes: int
    share: Fraction  # yes / base
    reasons: tuple[Reason, ...]


def quorum_reason(roll: int, present: int, rule: BallotRule) -> Reason | None:
    """None when the meeting may vote; otherwise why not."""
    if roll <= 0 or not 0 <= present <= roll:
        return Reason("bad_roll", "应到和实到人数不正确", "the roll and the number present do not add up")
    if Fraction(present, roll) >= rule.quorum:
        return None
    return Reason(
        "no_quorum",
        f"实到 {present} 人，未达到应到 {roll} 人的 {rule.quorum} 法定人数",
        f"{present} present is below the quorum of {rule.quorum} of the {roll} members",
    )


def decide(item_id: str, tally: Tally, roll: int, present: int, rule: BallotRule) -> Outcome:
    if min(tally.yes, tally.no, tally.abstain) < 0 or tally.yes + tally.no + tally.abstain > present:
        bad = Reason(
            "ballots_exceed_present",
            f"{item_id} 的票数多于实到人数",
            f"{item_id} has more ballots than members present",
            field=item_id,
        )
        return Outcome(item_id, False, tally.yes, Fraction(0), (bad,))
    base = {"voting": tally.yes + tally.no, "present": present, "roll": roll}[rule.base]
    share = Fraction(tally.yes, base) if base else Fraction(0)
    passed = share > rule.threshold if rule.strict else share >= rule.threshold
    if passed:
        return Outcome(item_id, True, tally.yes, share, ())
    word_zh, word_en = ("超过", "more than") if rule.strict else ("达到", "at least")
    failed = Reason(
        "below_threshold",
        f"{item_id} 赞成票 {tally.yes}/{base}，未{word_zh} {rule.threshold}",
        f"{item_id} got {tally.yes}/{base} yes votes, not {word_en} {rule.threshold}",
        field=item_id,
    )
    return Outcome(item_id, False, tally.yes, share, (failed,))


def tally_ballots(
    tallies: Mapping[str, Tally], roll: int, present: int, rule: BallotRule
) -> tuple[list[Outcome], Reason | None]:
    """Outcome per item, or no outcomes and the quorum reason when the meeting may not vote."""
    refusal = quorum_reason(roll, present, rule)
    if refusal is not None:
        return [], refusal
    return [decide(item, tallies[item], roll, present, rule) for item in sorted(tallies)], None


@dataclass(frozen=True, slots=True)
class QuotaResult:
    selected: tuple[str, ...]  # passed and clearly inside the quota
    tied_at_boundary: tuple[str, ...]  # passed, equal votes, more of them than places left
    open_places: int  # places the committee must still decide among the tied items
    outside: tuple[str, ...]  # passed but clearly outside the quota


def rank_within_quota(outcomes: list[Outcome], quota: int) -> QuotaResult:
    """Order passed items by yes votes; a tie that straddles the quota boundary is reported."""
    passed = sorted((o for o in outcomes if o.passed), key=lambda o: (-o.yes, o.item_id))
    selected: list[str] = []
    position = 0
    while position < len(passed):
        level = [o.item_id for o in passed if o.yes == passed[position].yes]
        places = quota - len(selected)
        if len(level) <= places:
            selected.extend(level)
            position += len(level)
            continue
        rest = tuple(o.item_id for o in passed[position + len(level) :])
        if places == 0:
            return QuotaResult(tuple(selected), (), 0, tuple(level) + rest)
        return QuotaResult(tuple(selected), tuple(level), places, rest)
    return QuotaResult(tuple(selected), (), 0, ())
