"""This process: its identity as a job owner (host, PID namespace, PID, a random tag), the tasks
of the jobs it runs, and its process pool for CPU work."""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import multiprocessing
import os
import socket
import uuid
from collections.abc import Callable
from typing import Any

HOST_NAME_LENGTH = 60  # of the 100 characters of `Job.worker`, with room for the namespace and PID
TAG_LENGTH = 8  # hex digits of the random tag that tells two processes of one PID apart
MAX_POOL_WORKERS = 4  # CPU work never takes more than half the cores, nor more than four


def _host() -> str:
    """This host and PID namespace: PIDs are comparable only between processes that share both."""
    try:
        namespace = os.readlink("/proc/self/ns/pid").removeprefix("pid:").strip("[]")
    except OSError:
        namespace = ""
    name = socket.gethostname()[:HOST_NAME_LENGTH].replace(":", "_")
    return f"{name}@{namespace}" if namespace else name


HOST = _host()
WORKER = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:TAG_LENGTH]}"

# The task of every job this process runs, by job id; a job of ours that is not here is gone.
tasks: dict[int, asyncio.Task[None]] = {}

_pool: concurrent.futures.ProcessPoolExecutor | None = None


def process_pool() -> concurrent.futures.ProcessPoolExecutor:
    """One pool per process; `forkserver` children never inherit the event loop's threads."""
    global _pool
    if _pool is None:
        _pool = concurrent.futures.ProcessPoolExecutor(
            max_workers=max(1, min(MAX_POOL_WORKERS, (os.cpu_count() or 2) // 2)),
            mp_context=multiprocessing.get_context("forkserver"),
        )
        atexit.register(_shutdown_pool)
    return _pool


def _shutdown_pool() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


async def run_in_process(func: Callable[..., Any], *args: Any) -> Any:
    """Run CPU work in the process pool and await its value (also usable outside jobs)."""
    return await asyncio.get_running_loop().run_in_executor(process_pool(), func, *args)


def process_gone(worker: str) -> bool:
    """True when `worker` names a process of this host and PID namespace that no longer runs."""
    try:
        host, pid_text, _tag = worker.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return False
    if host != HOST or pid <= 0:
        return False
    if pid == os.getpid():
        return True  # our PID under another identity: that earlier process is gone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
