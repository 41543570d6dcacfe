"""How much the public objection form takes in: evidence per objection, objections per address
and per identity within a window, and the evidence a notice may gather in all.

The form is open to anyone without signing in, so every limit is a setting
(`XUEHUI_OBJECTION_*`). A flood is refused for now with the seconds until the oldest counted
objection leaves the window (the Retry-After of a 429); an objection whose evidence is too much
is refused outright, and so is one that repeats an earlier one word for word.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xuehui.errors import Reason
from xuehui.throttle import first_wait, minutes


@dataclass(frozen=True, slots=True)
class ObjectionLimits:
    files: int  # evidence files per objection
    bytes_per_objection: int  # their total size
    per_address: int  # objections per address per notice within the window
    per_identity: int  # objections per identity number per notice within the window
    window_seconds: int
    bytes_per_notice: int  # evidence stored for one notice in all


def _mb(size: int) -> str:
    return f"{size / 1_000_000:g} MB"


def evidence_problems(sizes: list[int], limits: ObjectionLimits) -> list[Reason]:
    """Too many evidence files, or too much in all, for one objection."""
    problems = []
    if len(sizes) > limits.files:
        problems.append(
            Reason(
                "objection.too_many_files",
                f"每件异议最多附{limits.files}个证明材料",
                f"an objection may attach at most {limits.files} evidence files",
                "evidence",
            )
        )
    if sum(sizes) > limits.bytes_per_objection:
        problems.append(
            Reason(
                "objection.evidence_too_large",
                f"证明材料合计不得超过{_mb(limits.bytes_per_objection)}",
                f"the evidence files may total at most {_mb(limits.bytes_per_objection)}",
                "evidence",
            )
        )
    return problems


def notice_evidence_problems(stored: int, adding: int, limits: ObjectionLimits) -> list[Reason]:
    """The notice has gathered all the evidence it may store; an objection without files still goes in."""
    if adding and stored + adding > limits.bytes_per_notice:
        return [
            Reason(
                "objection.notice_evidence_full",
                "本次公示收到的证明材料已达上限，请不附材料提交异议，或将材料寄送受理单位",
                "this notice has received all the evidence it can store; file the objection without "
                "files, or send them to the office by post",
                "evidence",
            )
        ]
    return []


def flood_refusal(
    by_address: list[dt.datetime], by_identity: list[dt.datetime], moment: dt.datetime, limits: ObjectionLimits
) -> tuple[Reason, int] | None:
    """(why, seconds to wait) when the address or the identity number has filed its share of
    objections to the notice within the window; None when this one may go in."""
    counted = ((by_address, limits.per_address), (by_identity, limits.per_identity))
    if (wait := first_wait(counted, limits.window_seconds, moment)) is None:
        return None
    zh = f"提交异议过于频繁，请{minutes(wait)}分钟后再试"
    en = f"too many objections in a short time; try again in {minutes(wait)} minutes"
    return Reason("objection.too_many", zh, en), wait


DUPLICATE = Reason(
    "objection.duplicate",
    "您已就该项提交过相同的异议，无需重复提交",
    "you have already filed this same objection against this entry",
    "reasons",
)
