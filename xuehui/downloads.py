"""The one place a download's name is written into `Content-Disposition` (RFC 6266).

A name is built by the route from known values (a sheet kind it chose, a plan's code); this
helper still treats it as untrusted: control characters (CR and LF would split the header and
drop the connection), quotes, backslashes, slashes and semicolons never reach the header. The
full name goes out percent-encoded as `filename*=UTF-8''...` (RFC 5987), so Chinese names
survive; the plain `filename="..."` fallback for old clients holds only ASCII letters, digits,
dot, hyphen and underscore.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal
from urllib.parse import quote

MAX_NAME_LENGTH = 150
_UNSAFE = re.compile(r'[\\/"*:<>?|;,]+')
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")


def safe_filename(name: str, fallback: str = "download") -> str:
    """The name without control or format characters, path separators, quotes or semicolons."""
    kept = "".join(" " if unicodedata.category(c)[0] in "CZ" and c != " " else c for c in name)
    kept = _UNSAFE.sub("_", unicodedata.normalize("NFC", kept))
    kept = re.sub(r"\s+", " ", kept).strip(" .")
    return kept[-MAX_NAME_LENGTH:] if len(kept) > MAX_NAME_LENGTH else kept or fallback


def ascii_filename(name: str, fallback: str = "download") -> str:
    """An ASCII stand-in for `name`: its safe ASCII characters and its extension."""
    found = _EXTENSION.search(name)
    extension = found.group(0) if found else ""
    stem = _NOT_ASCII_SAFE.sub("_", name[: len(name) - len(extension)]).strip("._-")
    return (stem or fallback) + extension


def content_disposition(
    filename: str, disposition: Literal["attachment", "inline"] = "attachment", fallback: str = "download"
) -> str:
    """The `Content-Disposition` header value for a file called `filename`."""
    name = safe_filename(filename, fallback)
    return f"{disposition}; filename=\"{ascii_filename(name, fallback)}\"; filename*=UTF-8''{quote(name, safe='')}"
