"""Browser tests: the real server in a subprocess with its own database and the demo data,
driven by Playwright through Debian's Chromium (no browser download).

No async fixtures here: Playwright's sync API runs its own event loop.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import BACKEND, RUN_DIR, RUN_ID, create_pg_database, drop_pg_database
from tests.mail import Mailbox

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (make test installs Debian's chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def server() -> Iterator[str]:
    from tests.e2e import helpers
    from tests.mail import smtp_server

    with smtp_server() as mailbox:
        helpers.MAILBOX = mailbox
        yield from _server(mailbox)


def _server(mailbox: Mailbox) -> Iterator[str]:
    if BACKEND == "postgres":
        database = f"xuehui_e2e_{RUN_ID}"
        url = create_pg_database(database)
    else:
        database = ""
        url = f"sqlite:///{RUN_DIR / 'e2e.sqlite'}"
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "XUEHUI_PG_POOL_SIZE": "5",
        # The server's own sender mails to the test's SMTP server, and its links point at it.
        "XUEHUI_SMTP_HOST": "127.0.0.1",
        "XUEHUI_SMTP_PORT": str(mailbox.port),
        "XUEHUI_BASE_URL": f"http://127.0.0.1:{port}",
        "XUEHUI_OUTBOX_POLL_SECONDS": "0.3",
    }
    xuehui = [sys.executable, "-m", "xuehui"]
    subprocess.run([*xuehui, "migrate"], env=env, check=True, capture_output=True, cwd=ROOT)
    subprocess.run([*xuehui, "demo", "--quiet"], env=env, check=True, capture_output=True, cwd=ROOT)
    log = (RUN_DIR / "e2e-server.log").open("w")
    process = subprocess.Popen(
        [*xuehui, "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=1) as response:  # noqa: S310 - our own loopback server
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start: " + (RUN_DIR / "e2e-server.log").read_text())
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        if database:
            drop_pg_database(database)


@pytest.fixture(scope="session")
def base_url(server: str) -> str:
    return server


def pytest_sessionfinish(session: pytest.Session) -> None:
    shutil.rmtree(RUN_DIR / "screens", ignore_errors=True)
