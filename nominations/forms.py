"""Reading the nomination form of the pages (numbered rows, no JavaScript needed) into the
API's document; malformed dates become Reasons naming their field so nothing typed is lost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from nominations.rules.programme import ExclusionCategory
from nominations.schemas import ContributorIn, NominationBody, NominationIn, PaperIn, PatentIn, RecommendationIn, UnitIn
from xuehui.errors import Reason

BLANK_ROWS = 2
CATEGORY_KEYS = tuple(c.value for c in ExclusionCategory)
MAX_ROWS = 60


def _text(form: Mapping[str, Any], key: str, limit: int) -> str:
    value = form.get(key, "")
    return str(value).strip()[:limit] if value is not None else ""


def _date(form: Mapping[str, Any], key: str, problems: list[Reason]) -> dt.date | None:
    raw = _text(form, key, 20)
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
            name=_text(form, f"c_name_{i}", 50),
            id_number=_text(form, f"c_id_{i}", 30),
            birth_date=_date(form, f"c_birth_{i}", problems),
            unit=_text(form, f"c_unit_{i}", 200),
            title=_text(form, f"c_title_{i}", 50),
            contribution=_text(form, f"c_contribution_{i}", 2000),
        )
        if row.name or row.id_number or row.unit:
            contributors.append(row)
    units = [
        UnitIn(name=_text(form, f"u_name_{i}", 200), province_code=_text(form, f"u_province_{i}", 6))
        for i in _rows(form, "u_name_")
        if _text(form, f"u_name_{i}", 200)
    ]
    papers = []
    for i in _rows(form, "p_title_"):
        title = _text(form, f"p_title_{i}", 300)
        published = _date(form, f"p_date_{i}", problems)
        authors = [
            a.strip()[:50] for a in _text(form, f"p_authors_{i}", 2000).replace("，", ",").split(",") if a.strip()
        ]
        if title or published or authors:
            papers.append(PaperIn(title=title, published_on=published, authors=authors[:100]))
    patents = []
    for i in _rows(form, "t_number_"):
        number = _text(form, f"t_number_{i}", 50)
        granted = _date(form, f"t_date_{i}", problems)
        if number or granted:
            patents.append(PatentIn(number=number, title=_text(form, f"t_title_{i}", 300), granted_on=granted))
    body = NominationBody(
        summary=_text(form, "summary", 10000),
        innovations=_text(form, "innovations", 10000),
        application_benefits=_text(form, "application_benefits", 10000),
        application_started_on=_date(form, "application_started_on", problems),
        contributors=contributors,
        units=units[:30],
        papers=papers[:50],
        patents=patents[:50],
    )
    data = NominationIn(
        title=_text(form, "title", 200),
        category=_text(form, "category", 40),
        grade=_text(form, "grade", 20),
        discipline_code=_text(form, "discipline_code", 20),
        body=body,
    )
    return data, problems


def _count(form: Mapping[str, Any], key: str, problems: list[Reason]) -> int | None:
    raw = _text(form, key, 10)
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > 100:
        problems.append(Reason("form.count", f"“{raw}”不是0至100的整数", f"“{raw}” is not a whole number 0-100", key))
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
        name=_text(form, "name", 50),
        sex=_text(form, "sex", 6),
        birth_date=_date(form, "birth_date", problems),
        id_number=_text(form, "id_number", 30),
        unit=_text(form, "unit", 200),
        title=_text(form, "title", 50),
        discipline=_text(form, "discipline", 50),
        career=_text(form, "career", 10000),
        achievements=_text(form, "achievements", 10000),
        works=_text(form, "works", 10000),
        honours=_text(form, "honours", 5000),
        integrity_statement=bool(form.get("integrity_statement")),
        academy=_text(form, "academy", 10),
        academician_nominators=_count(form, "academician_nominators", problems),
        same_division_nominators=_count(form, "same_division_nominators", problems),
        categories=categories,
    )
    return data, problems
