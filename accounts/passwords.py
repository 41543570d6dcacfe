"""argon2id hashing off the event loop.

One verify at the RFC 9106 low-memory profile costs about 0.15 s of CPU and 64 MiB; done
inline, four concurrent logins stalled every other request for 1.75 s (F6). Hashes run in a
worker thread behind a small semaphore.
"""

from __future__ import annotations

import os
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
        # A quarter of the cores at most: argon2 is memory-hard and CPU-bound, and logins must
        # not starve the threads every other request needs.
        _limiter = anyio.CapacityLimiter(max(1, (os.cpu_count() or 1) // 4))
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
