"""The success message a page shows once after an action: the action's redirect carries it in a
signed cookie, the request middleware reads it on the next request, the base template shows it,
and the first HTML page that shows it clears the cookie."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from xuehui.settings import get_settings

FLASH_COOKIE = "xh_flash"
# Longest message a flash carries (a cookie is small; a flash is one sentence).
FLASH_MAX = 300


def _signature(payload: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"flash:{payload}".encode(), hashlib.sha256).hexdigest()[:32]


def encode_flash(text: str) -> str:
    """The cookie value carrying `text` (cut to FLASH_MAX), signed so that only we can set one."""
    payload = base64.urlsafe_b64encode(text[:FLASH_MAX].encode()).decode().rstrip("=")
    return f"{payload}.{_signature(payload)}"


def decode_flash(value: str) -> str:
    """The message a cookie value carries; "" for none, a forged or a malformed one."""
    payload, _, signature = value.partition(".")
    if not payload or not hmac.compare_digest(signature, _signature(payload)):
        return ""
    try:
        return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()[:FLASH_MAX]
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""
