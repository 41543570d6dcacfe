"""Page languages: Simplified Chinese by default, English on request.

Source strings in templates and page code are English; `locale/zh/LC_MESSAGES/messages.po`
(a Babel catalog, kept complete by a test) gives the Chinese. The language of the current
request lives in a context variable set by the request middleware, so templates and code
translate without passing it around.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from babel.messages.pofile import read_po

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


@lru_cache(maxsize=len(LANGUAGES))
def catalog(lang: str) -> dict[str, str]:
    """The frame's catalog merged with each package's own (a package owns its strings)."""
    from xuehui.composition import catalog_files

    merged: dict[str, str] = {}
    for path in catalog_files(lang):
        with path.open("rb") as handle:
            po = read_po(handle, locale=lang)
        merged.update({str(m.id): str(m.string) for m in po if m.id and m.string and not m.fuzzy})
    return merged


def gettext(message: str, **variables: Any) -> str:
    lang = current_language.get()
    text = message if lang == "en" else catalog(lang).get(message, message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    chosen = singular if n == 1 else plural
    variables.setdefault("num", n)
    return gettext(chosen, **variables)


def pick(zh: str, en: str) -> str:
    """Choose between two texts that come from data (e.g. a society's two names)."""
    return en if current_language.get() == "en" and en else zh


def normalise_language(raw: str | None) -> str:
    return raw if raw in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def in_language(lang: str) -> Iterator[None]:
    """Translate in `lang` inside the block (a message written in its recipient's language)."""
    token = current_language.set(normalise_language(lang))
    try:
        yield
    finally:
        current_language.reset(token)
