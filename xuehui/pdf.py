"""Printable documents: a page's own Jinja template rendered to PDF with WeasyPrint (DESIGN.md
"Documents").

A document template extends `pdf/base.html`, which brings the print stylesheet (A4, the CJK font
family, page numbers "n/m" at the foot of each page) and a footer slot; the route gives the
context and the instant the document stands for (a snapshot's time, a ticket's issue), which
becomes the PDF's creation and modification date, so the same record gives the same bytes.
Rendering is CPU work: `render_pdf` is synchronous and `pdf_response` runs it in a worker thread.
QR codes are made with segno as PNG data URIs.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import threading
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import anyio.to_thread
import segno
from jinja2 import Environment
from litestar import Request, Response
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from xuehui.clock import CHINA, aware
from xuehui.downloads import content_disposition

logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # seven lines a document otherwise

PDF_MEDIA_TYPE = "application/pdf"
# One document at a time in a process: the font configuration (Pango's font map) is shared and
# not promised to be thread-safe; rendering is CPU-bound under the GIL anyway.
_RENDERING = threading.Lock()
FONT_FAMILY = '"Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", serif'
QR_ERROR = "m"  # the error-correction level every document's QR code uses
QR_SCALE = 4
QR_MASK = 0  # a fixed mask: choosing the best of eight costs ~15 ms a code, too much for a batch of tickets

BASE_CSS = """
@page {
  size: A4;
  margin: 20mm 18mm 22mm 18mm;
  @bottom-left { content: element(footer); }
  @bottom-right { content: counter(page) "/" counter(pages); font-size: 9pt; }
}
html { font-family: FONT_FAMILY; font-size: 10.5pt; line-height: 1.5; color: #000; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 6mm; }
h2 { font-size: 13pt; margin: 5mm 0 2mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; }
th, td { border: 0.6pt solid #000; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { background: #eee; }
.footer { position: running(footer); font-size: 8pt; color: #333; }
.page-break { break-before: page; }
.no-break { break-inside: avoid; }
.signature { height: 14mm; }
.seal-box { border: 0.6pt solid #000; height: 60mm; margin: 4mm 0; padding: 3mm; }
.photo { width: 30mm; height: 40mm; border: 0.6pt solid #000; object-fit: cover; text-align: center; }
.qr { width: 32mm; height: 32mm; image-rendering: pixelated; }
.muted { color: #555; }
.right { float: right; margin-left: 4mm; }
.center { text-align: center; }
""".replace("FONT_FAMILY", FONT_FAMILY)


@lru_cache(maxsize=1)
def _fonts() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=1)
def _fetcher() -> URLFetcher:
    """Documents carry their images inline: no file, no network (a template can never make the
    renderer read the server's files or call out)."""
    return URLFetcher(allowed_protocols={"data"})


@lru_cache(maxsize=1)
def _stylesheet() -> CSS:
    return CSS(string=BASE_CSS, font_config=_fonts())


def china_time(value: dt.datetime) -> str:
    """An instant as Beijing time, to the minute, as the document's footer shows it."""
    return aware(value).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def short_hash(value: str, length: int = 12) -> str:
    return value[:length]


def content_hash(*parts: str) -> str:
    """A SHA-256 over the parts a document prints, for records that keep no hash of their own."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def qr_matrix(data: str) -> tuple[tuple[int, ...], ...]:
    """The QR code's modules for `data` with the documents' parameters (tests compare these)."""
    code = segno.make_qr(data, error=QR_ERROR, mask=QR_MASK, boost_error=False)
    return tuple(tuple(row) for row in code.matrix)


def qr_data_uri(data: str) -> str:
    """The QR code for `data` as a PNG data URI an <img> can show (a raster draws far faster than
    the SVG's hundreds of paths: 1,000 tickets in one batch)."""
    code = segno.make_qr(data, error=QR_ERROR, mask=QR_MASK, boost_error=False)
    return str(code.png_data_uri(scale=QR_SCALE, border=2))


def image_data_uri(data: bytes, media_type: str) -> str:
    return f"data:{media_type};base64," + base64.b64encode(data).decode()


def render_pdf(env: Environment, template: str, context: Mapping[str, Any], *, created: dt.datetime) -> bytes:
    """The template rendered to PDF; `created` (the record's instant) is the PDF's date."""
    stamp = aware(created).astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    html = env.get_template(template).render({**context, "pdf_created": stamp})
    with _RENDERING:
        document = HTML(string=html, base_url="/", url_fetcher=_fetcher()).render(
            stylesheets=[_stylesheet()], font_config=_fonts()
        )
        data: bytes = document.write_pdf(pdf_identifier=hashlib.md5(html.encode()).digest())  # noqa: S324
    return data


def template_environment(request: Request[Any, Any, Any]) -> Environment:
    """The app's own Jinja environment (the pages' templates, filters and translations)."""
    engine = request.app.template_engine
    assert engine is not None
    env: Environment = engine.engine
    return env


async def pdf_response(
    env: Environment, template: str, context: Mapping[str, Any], *, created: dt.datetime, filename: str
) -> Response[bytes]:
    """The document as an inline PDF response, rendered off the event loop."""
    data = await anyio.to_thread.run_sync(lambda: render_pdf(env, template, context, created=created))
    return Response(
        data,
        media_type=PDF_MEDIA_TYPE,
        headers={"Content-Disposition": content_disposition(filename, "inline", fallback="document.pdf")},
    )
