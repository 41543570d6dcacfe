"""argon2id hashing off the event loop.

One verify at the RFC 9106 low-memory profile costs about 0.15 s of CPU and 64 MiB; done
inline, four concurrent logins stalled every other request for 1.75 s (F6). Hashes run in a
worker thread behind a small semaphore.
"""

from __future__ import annotations

from functools import lru_cache

import anyio
from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

_PROFILES = {
    "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,
    # Only for the test suite: thousands of hashes would otherwise take minutes.
    "cheapest": profiles.CHEAPEST,
}

_limiter: anyio.CapacityLimiter | None = None


def hasher(profile: str) -> PasswordHasher:
    return PasswordHasher.from_parameters(_PROFILES[profile])


def _capacity() -> anyio.CapacityLimiter:
    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(2)
    return _limiter


async def hash_password(password: str, profile: str) -> str:
    return await anyio.to_thread.run_sync(hasher(profile).hash, password, limiter=_capacity())


def _verify(stored_hash: str, password: str, profile: str) -> bool:
    try:
        return hasher(profile).verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(stored_hash: str, password: str, profile: str) -> bool:
    return await anyio.to_thread.run_sync(_verify, stored_hash, password, profile, limiter=_capacity())


def needs_rehash(stored_hash: str, profile: str) -> bool:
    return hasher(profile).check_needs_rehash(stored_hash)


@lru_cache(maxsize=4)
def dummy_hash(profile: str) -> str:
    """Verified against unknown user names so that a miss costs as much time as a wrong password."""
    return hasher(profile).hash("xuehui-dummy-password")
