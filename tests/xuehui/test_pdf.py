"""The document frame: page numbers and the footer on every page, the record's date as the PDF's
date, the same bytes for the same input, images only from data URIs, QR codes as segno makes them."""

from __future__ import annotations

import datetime as dt
import io

import segno
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader
from pypdf import PdfReader

from xuehui.pdf import QR_ERROR, QR_MASK, content_hash, qr_data_uri, qr_matrix, render_pdf
from xuehui.settings import ROOT

PAGES = """{% extends "pdf/base.html" %}{% block footer %}页脚 {{ mark }}{% endblock %}
{% block content %}{% for i in range(3) %}<p class="{{ 'page-break' if i else '' }}">第{{ i + 1 }}页</p>{% endfor %}
<img src="file:///etc/hostname" alt="never"><img src="{{ qr }}" alt="QR">{% endblock %}"""


def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([DictLoader({"t.html": PAGES}), FileSystemLoader(ROOT / "xuehui" / "templates")]),
        autoescape=True,
    )
    env.globals["lang"] = lambda: "zh"
    return env


def test_every_page_has_its_number_and_the_footer_and_the_date_is_the_records() -> None:
    created = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    data = render_pdf(environment(), "t.html", {"mark": "abc", "qr": qr_data_uri("x")}, created=created)
    reader = PdfReader(io.BytesIO(data))
    texts = [page.extract_text() for page in reader.pages]
    assert [("页脚 abc" in t, f"{n}/3" in t, f"第{n}页" in t) for n, t in enumerate(texts, start=1)] == [
        (True, True, True)
    ] * 3
    assert reader.metadata.creation_date == created
    assert reader.metadata.modification_date == created
    again = render_pdf(environment(), "t.html", {"mark": "abc", "qr": qr_data_uri("x")}, created=created)
    assert again == data
    other = render_pdf(environment(), "t.html", {"mark": "abd", "qr": qr_data_uri("x")}, created=created)
    assert other != data


def test_only_inline_images_are_drawn() -> None:
    data = render_pdf(environment(), "t.html", {"mark": "", "qr": qr_data_uri("x")}, created=dt.datetime.now(dt.UTC))
    images = [i for page in PdfReader(io.BytesIO(data)).pages for i in page.images]
    assert len({i.name for i in images}) == 1  # the QR code (on each page's resources); the file: image refused


def test_the_qr_matrix_is_segnos_for_the_same_parameters() -> None:
    url = "https://xuehui.example/public/tickets/2026HG01?code=abc"
    expected = segno.make_qr(url, error=QR_ERROR, mask=QR_MASK, boost_error=False)
    assert qr_matrix(url) == tuple(tuple(row) for row in expected.matrix)
    assert qr_matrix(url) != qr_matrix(url + "d")


def test_the_content_hash_separates_its_parts() -> None:
    assert content_hash("ab", "c") != content_hash("a", "bc")
    assert len(content_hash("x")) == 64
