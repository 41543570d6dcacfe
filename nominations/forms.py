"""Reading the nomination form of the pages (numbered rows, no JavaScript needed) into the
API's document; malformed dates become Reasons naming their field so nothing typed is lost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from annotated_types import MaxLen
from pydantic import BaseModel

from nominations.rules.programme.model import ExclusionCategory
from nominations.schemas import (
    ContributorIn,
    ExclusionIn,
    NominationBody,
    NominationIn,
    PaperIn,
    PatentIn,
    RecommendationIn,
    UnitIn,
)
from xuehui.errors import Reason
from xuehui.text import text_problem


def _limits(model: type[BaseModel]) -> dict[str, int]:
    """Each field's longest value (text) or most items (list) in `model`: the form cuts what it
    reads to the schema's limits, so the schema stays the one place they are set."""
    found: dict[str, int] = {}
    for name, info in model.model_fields.items():
        for rule in info.metadata:
            if isinstance(rule, MaxLen):
                found[name] = rule.max_length
    return found


CONTRIBUTOR, UNIT, PAPER, PATENT = _limits(ContributorIn), _limits(UnitIn), _limits(PaperIn), _limits(PatentIn)
EXCLUSION = _limits(ExclusionIn)
BODY, NOMINATION, PERSON = _limits(NominationBody), _limits(NominationIn), _limits(RecommendationIn)

# Empty rows the form offers below the filled ones in each table (save to get more).
BLANK_ROWS = 2
CATEGORY_KEYS = tuple(c.value for c in ExclusionCategory)
# Most rows read from one table of the form: as many as the longest list the document allows.
MAX_ROWS = BODY["contributors"]
# Longest text read for a date (YYYY-MM-DD with room for stray spaces).
DATE_TEXT_MAX = 20
# Longest author name kept from a paper's comma-separated author list.
AUTHOR_NAME_MAX = 50
# Longest author list read from one paper's field.
AUTHORS_TEXT_MAX = 2000
# Longest text read for a number of nominators, and the most a form may record.
COUNT_TEXT_MAX, MAX_NOMINATORS = 10, 100
# A share of the supporting material in per cent; the most experts a society's review records.
PERCENT_MAX, MAX_REVIEW_EXPERTS = 100, 100


def _text(form: Mapping[str, Any], key: str, limit: int) -> str:
    value = form.get(key, "")
    return str(value).strip()[:limit] if value is not None else ""


def _long_text(form: Mapping[str, Any], key: str, limit: int, problems: list[Reason]) -> str:
    """A text field the form shows with its limit: longer than that is refused beside the field
    (what was typed is kept up to the limit), never silently cut."""
    value = form.get(key, "")
    typed = str(value).strip() if value is not None else ""
    if refusal := text_problem(typed, key, multiline=True, max_length=limit):
        problems.append(refusal)
    return typed[:limit]


def _date(form: Mapping[str, Any], key: str, problems: list[Reason]) -> dt.date | None:
    raw = _text(form, key, DATE_TEXT_MAX)
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        problems.append(
            Reason("form.date", f"日期“{raw}”格式不正确，应为YYYY-MM-DD", f"“{raw}” is not a date (YYYY-MM-DD)", key)
        )
        return None


def _rows(form: Mapping[str, Any], prefix: str) -> range:
    count = 0
    for key in form:
        if key.startswith(prefix) and key.rsplit("_", 1)[-1].isdigit():
            count = max(count, int(key.rsplit("_", 1)[-1]) + 1)
    return range(min(count, MAX_ROWS))


def nomination_from_form(form: Mapping[str, Any]) -> tuple[NominationIn, list[Reason]]:
    problems: list[Reason] = []
    contributors = []
    for i in _rows(form, "c_name_"):
        row = ContributorIn(
            name=_text(form, f"c_name_{i}", CONTRIBUTOR["name"]),
            id_number=_text(form, f"c_id_{i}", CONTRIBUTOR["id_number"]),
            birth_date=_date(form, f"c_birth_{i}", problems),
            sex=_text(form, f"c_sex_{i}", CONTRIBUTOR["sex"]),
            unit=_text(form, f"c_unit_{i}", CONTRIBUTOR["unit"]),
            title=_text(form, f"c_title_{i}", CONTRIBUTOR["title"]),
            contribution=_text(form, f"c_contribution_{i}", CONTRIBUTOR["contribution"]),
            administrative=bool(form.get(f"c_admin_{i}")),
            technical_role=_text(form, f"c_role_{i}", CONTRIBUTOR["technical_role"]),
        )
        if row.name or row.id_number or row.unit:
            contributors.append(row)
    units = [
        UnitIn(
            name=_text(form, f"u_name_{i}", UNIT["name"]),
            province_code=_text(form, f"u_province_{i}", UNIT["province_code"]),
        )
        for i in _rows(form, "u_name_")
        if _text(form, f"u_name_{i}", UNIT["name"])
    ]
    papers = []
    for i in _rows(form, "p_title_"):
        title = _text(form, f"p_title_{i}", PAPER["title"])
        published = _date(form, f"p_date_{i}", problems)
        authors = [
            a.strip()[:AUTHOR_NAME_MAX]
            for a in _text(form, f"p_authors_{i}", AUTHORS_TEXT_MAX).replace("，", ",").split(",")
            if a.strip()
        ]
        if title or published or authors:
            papers.append(PaperIn(title=title, published_on=published, authors=authors[: PAPER["authors"]]))
    patents = []
    for i in _rows(form, "t_number_"):
        number = _text(form, f"t_number_{i}", PATENT["number"])
        granted = _date(form, f"t_date_{i}", problems)
        if number or granted:
            patents.append(
                PatentIn(number=number, title=_text(form, f"t_title_{i}", PATENT["title"]), granted_on=granted)
            )
    exclusions = [
        ExclusionIn(
            name=_text(form, f"x_name_{i}", EXCLUSION["name"]),
            unit=_text(form, f"x_unit_{i}", EXCLUSION["unit"]),
            reason=_text(form, f"x_reason_{i}", EXCLUSION["reason"]),
        )
        for i in _rows(form, "x_name_")
    ]
    body = NominationBody(
        summary=_long_text(form, "summary", BODY["summary"], problems),
        innovations=_long_text(form, "innovations", BODY["innovations"], problems),
        application_benefits=_long_text(form, "application_benefits", BODY["application_benefits"], problems),
        application_started_on=_date(form, "application_started_on", problems),
        contributors=contributors,
        units=units[: BODY["units"]],
        papers=papers[: BODY["papers"]],
        patents=patents[: BODY["patents"]],
        exclusions=[e for e in exclusions if e.name or e.unit or e.reason][: BODY["exclusions"]],
        registration_number=_text(form, "registration_number", BODY["registration_number"]),
        single_channel=bool(form.get("single_channel")),
        prior_use_declared=bool(form.get("prior_use_declared")),
        first_unit_share=_count(form, "first_unit_share", problems, PERCENT_MAX),
        first_contributor_share=_count(form, "first_contributor_share", problems, PERCENT_MAX),
        unit_notice_starts=_date(form, "unit_notice_starts", problems),
        unit_notice_ends=_date(form, "unit_notice_ends", problems),
        society_review_on=_date(form, "society_review_on", problems),
        society_review_experts=_count(form, "society_review_experts", problems, MAX_REVIEW_EXPERTS),
        society_review_result=_long_text(form, "society_review_result", BODY["society_review_result"], problems),
        society_notice_starts=_date(form, "society_notice_starts", problems),
        society_notice_ends=_date(form, "society_notice_ends", problems),
    )
    data = NominationIn(
        title=_long_text(form, "title", NOMINATION["title"], problems),
        category=_text(form, "category", NOMINATION["category"]),
        grade=_text(form, "grade", NOMINATION["grade"]),
        discipline_code=_text(form, "discipline_code", NOMINATION["discipline_code"]),
        body=body,
    )
    return data, problems


def _count(form: Mapping[str, Any], key: str, problems: list[Reason], most: int = MAX_NOMINATORS) -> int | None:
    raw = _text(form, key, COUNT_TEXT_MAX)
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > most:
        problems.append(
            Reason(
                "form.count",
                f"“{raw}”不是0至{most}的整数",
                f"“{raw}” is not a whole number 0-{most}",
                key,
            )
        )
        return None
    return int(raw)


def recommendation_from_form(form: Mapping[str, Any]) -> tuple[RecommendationIn, list[Reason]]:
    """The person-recommendation form; exclusion categories count as declared only when the
    declaration box is ticked (an empty declaration then means none apply)."""
    problems: list[Reason] = []
    categories = None
    if form.get("categories_declared"):
        categories = [c for c in CATEGORY_KEYS if form.get(f"category_{c}")]
    data = RecommendationIn(
        name=_long_text(form, "name", PERSON["name"], problems),
        sex=_text(form, "sex", PERSON["sex"]),
        birth_date=_date(form, "birth_date", problems),
        id_number=_text(form, "id_number", PERSON["id_number"]),
        unit=_long_text(form, "unit", PERSON["unit"], problems),
        title=_long_text(form, "title", PERSON["title"], problems),
        discipline=_text(form, "discipline", PERSON["discipline"]),
        career=_long_text(form, "career", PERSON["career"], problems),
        achievements=_long_text(form, "achievements", PERSON["achievements"], problems),
        works=_long_text(form, "works", PERSON["works"], problems),
        honours=_long_text(form, "honours", PERSON["honours"], problems),
        integrity_statement=bool(form.get("integrity_statement")),
        # An unknown channel from a tampered form is the default one; the API refuses it.
        channel="academician" if form.get("channel") == "academician" else "society",
        nominating_academician=_text(form, "nominating_academician", PERSON["nominating_academician"]),
        academician_discipline=_text(form, "academician_discipline", PERSON["academician_discipline"]),
        academy=_text(form, "academy", PERSON["academy"]),
        academician_nominators=_count(form, "academician_nominators", problems),
        same_division_nominators=_count(form, "same_division_nominators", problems),
        categories=categories,
    )
    return data, problems
