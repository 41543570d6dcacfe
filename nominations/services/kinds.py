"""The two kinds of the shared submission workflow this package runs: project nominations and
talent recommendations, each with its tables, quota, lifecycle and correction deadline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nominations.rules.lifecycles import (
    NOMINATION,
    RECOMMENDATION,
)
from nominations.rules.notice import WorkingCalendar, add_working_days
from nominations.services.cycles import cycle_config, working_calendar
from nominations.services.queries import get_nomination, get_recommendation
from nominations.tables import Nomination, Recommendation, RecommendationStep, ReviewStep
from xuehui.clock import today
from xuehui.submission import SubmissionKind

# Working days a returned recommendation has to be corrected in (the programmes set no other).
TALENT_CORRECTION_WORKING_DAYS = 5

PROJECT = SubmissionKind(
    "nomination",
    "nomination",
    Nomination,
    ReviewStep,
    "xh_quota",
    NOMINATION,
    get_nomination,
    page="/nominations/{id}",
)
TALENT = SubmissionKind(
    "talent",
    "recommendation",
    Recommendation,
    RecommendationStep,
    "xh_talent_quota",
    RECOMMENDATION,
    get_recommendation,
    page="/talent/{id}",
    title_field="name",
)


async def project_correction_deadline(current: dict[str, Any]) -> dt.date:
    """The cycle's correction period, counted in working days on the cycle's holiday calendar."""
    config = await cycle_config(current["cycle"])
    return add_working_days(WorkingCalendar.from_config(config.calendar), today(), config.correction_deadline_days)


async def talent_correction_deadline(current: dict[str, Any]) -> dt.date:
    """Five working days, counted on the holiday calendar of the award cycle of the programme's
    edition year, as a nomination's are."""
    calendar = await working_calendar(int(current["programme.edition_year"]))
    return add_working_days(calendar, today(), TALENT_CORRECTION_WORKING_DAYS)
