"""The Chinese catalog covers every English source string of the pages, with the same placeholders."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from xuehui.i18n import catalog, current_language, gettext

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["xuehui", "accounts", "societies", "nominations", "expert_pool", "exams"]
METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def source_messages() -> set[str]:
    found: set[str] = set()
    for package in PACKAGES:
        folder = ROOT / package
        if not folder.is_dir():
            continue
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(folder), METHOD_MAP, OPTIONS, keywords=KEYWORDS
        ):
            for text in message if isinstance(message, tuple) else (message,):
                if text:
                    found.add(text)
    return found


def test_every_page_string_has_a_chinese_translation() -> None:
    zh = catalog("zh")
    missing = sorted(m for m in source_messages() if m not in zh)
    assert missing == []


def test_translations_keep_their_placeholders() -> None:
    mismatched = [
        msgid
        for msgid, text in catalog("zh").items()
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(text))
    ]
    assert mismatched == []


def test_gettext_follows_the_language_of_the_request() -> None:
    token = current_language.set("en")
    try:
        assert gettext("Row %(row)s", row=3) == "Row 3"
    finally:
        current_language.reset(token)
    assert gettext("Row %(row)s", row=3) == "第3行"
