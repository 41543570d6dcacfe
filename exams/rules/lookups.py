"""How often the public result look-up may be tried: look-ups that found nothing, per address
and per identity number within a window (settings `XUEHUI_LOOKUP_*`). A look-up needs the name,
the identity number and the ticket number together, so guessing one of them from the others
takes many tries; past the limits the answer is 429 with the seconds to wait."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xuehui.errors import Reason
from xuehui.throttle import first_wait, minutes


@dataclass(frozen=True, slots=True)
class LookupLimits:
    per_address: int
    per_identity: int
    window_seconds: int


def lookup_refusal(
    by_address: list[dt.datetime], by_identity: list[dt.datetime], moment: dt.datetime, limits: LookupLimits
) -> tuple[Reason, int] | None:
    """(why, seconds to wait) when the address or the identity number has used its tries."""
    counted = ((by_address, limits.per_address), (by_identity, limits.per_identity))
    if (wait := first_wait(counted, limits.window_seconds, moment)) is None:
        return None
    zh, en = f"查询次数过多，请{minutes(wait)}分钟后再试", f"too many look-ups; try again in {minutes(wait)} minutes"
    return Reason("lookup.too_many", zh, en), wait
