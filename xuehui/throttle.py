"""The one rule behind every "too many, try later" of the public forms: of the moments something
was counted, how many fall in the window, and how long until one more fits.

Pure: callers read the moments (inside a serialised write transaction, so a burst on several
instances sees every one before it) and turn a wait into `TooManyRequests(..., retry_after=)`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable


def wait_seconds(times: Iterable[dt.datetime], limit: int, window_seconds: int, moment: dt.datetime) -> int | None:
    """Seconds until enough of `times` leave the window for one more to fit under `limit`;
    None when one more fits now."""
    window = dt.timedelta(seconds=window_seconds)
    recent = sorted(t for t in times if t > moment - window)
    if len(recent) < limit:
        return None
    frees_at = recent[len(recent) - limit] + window if limit > 0 else moment + window
    return max(1, math.ceil((frees_at - moment).total_seconds()))


def first_wait(
    counted: Iterable[tuple[Iterable[dt.datetime], int]], window_seconds: int, moment: dt.datetime
) -> int | None:
    """The wait of the first of several counters (moments, limit) that has no room left."""
    for times, limit in counted:
        if (wait := wait_seconds(times, limit, window_seconds, moment)) is not None:
            return wait
    return None


def minutes(seconds: int) -> int:
    """A wait as whole minutes for a message (at least one)."""
    return max(1, math.ceil(seconds / 60))
