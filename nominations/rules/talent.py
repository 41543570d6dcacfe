"""Eligibility of one person put forward in a talent programme (award_domain.md §4-6, F12-F14).

`check_person` runs every rule and returns every failing one as a bilingual `Reason` with a
stable code and the form field it concerns, so a page can mark all problems at once:

* every kind: identity-card number valid and agreeing with the declared sex and birth date;
  nomination window; the society's quota (not for an academician's nomination); one
  recommendation per person per edition;
* the channel: an academician nominates one youth-award candidate within their own first-level
  discipline [S49], where the programme offers the channel;
* youth award (F12): age at the cut-off within the limit for the sex [S45][S49][S8]; no earlier
  winner, since the award is not given twice [S46];
* academician (F13): academy the association may forward (CAE [S34]); above the normal age
  limit enough academician nominators, above the once-only age never put forward before
  [S38][S39]; no other channel [S43];
* outstanding worker (F14): title granted once [S52]; no excluded category [S54]; the unit's
  quota [S54].

Draft mode (`draft=True`) is for live checking while a form is edited: a field not filled in yet
is reported with code `talent.incomplete` rather than `talent.required`, and the rules that
need it are skipped rather than failed.

Age is the number of completed years on the cut-off day: a person born on the cut-off day N years
earlier is exactly N. This is what the notices mean when they write "<= 40, born on or after
1984-01-01" with ages counted on 31 December [S8]. No source states a leap-day convention; we
take the anniversary of 29 February in a common year to be 1 March, so on 28 February of a common
year the year is not yet completed.

The rooms: `talent_person` (the person, the context, age, missing fields, identity) and
`talent_kinds` (the rules for every kind and for each kind); this module holds the entry point.
Every name stays importable from here.
"""

from __future__ import annotations

from nominations.rules.programme.model import AcademicianRules, Programme, YouthRules
from nominations.rules.talent_kinds import (
    check_academician,
    check_channel,
    check_duplicate,
    check_society_quota,
    check_window,
    check_worker,
    check_youth,
)
from nominations.rules.talent_person import (
    INCOMPLETE,
    REQUIRED,
    RecommendationChannel,
    TalentContext,
    TalentPerson,
    age_at_cutoff,
    age_on,
    earliest_birth_date,
    identity,
    missing_fields,
    missing_reason,
)
from xuehui.errors import Reason


def check_person(
    person: TalentPerson, programme: Programme, context: TalentContext, *, draft: bool = False
) -> list[Reason]:
    """Every failing rule for `person` in `programme`; an empty list means eligible (or, in draft, no problem yet)."""
    reasons = [missing_reason(n, draft) for n in missing_fields(person, programme)]
    ident, identity_reasons = identity(person)
    age, age_reasons = age_at_cutoff(ident, programme)
    reasons += identity_reasons + age_reasons
    reasons += check_window(programme, context.today)
    if person.channel is RecommendationChannel.SOCIETY:  # an academician's nomination is outside the quota
        reasons += check_society_quota(programme, context)
    reasons += check_channel(programme, person, context)
    reasons += check_duplicate(ident.number, context)
    rules = programme.rules
    if isinstance(rules, YouthRules):
        reasons += check_youth(rules, programme, ident, age, context)
    elif isinstance(rules, AcademicianRules):
        reasons += check_academician(rules, person, ident, age, context, draft)
    else:
        reasons += check_worker(rules, person, ident, context)
    return reasons


__all__ = [
    "INCOMPLETE",
    "REQUIRED",
    "RecommendationChannel",
    "TalentContext",
    "TalentPerson",
    "age_at_cutoff",
    "age_on",
    "check_academician",
    "check_channel",
    "check_duplicate",
    "check_person",
    "check_society_quota",
    "check_window",
    "check_worker",
    "check_youth",
    "earliest_birth_date",
    "identity",
    "missing_fields",
    "missing_reason",
]
