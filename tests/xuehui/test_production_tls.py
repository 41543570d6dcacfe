"""Production settings end to end: `xuehui serve` with `XUEHUI_PRODUCTION=1` over HTTPS (uvicorn's
own TLS with a self-signed certificate made here) sends every cookie `Secure`, answers with HSTS,
and refuses to start at all with a default secret."""

from __future__ import annotations

import os
import re
import secrets
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.pure  # its own server and database file; the test database is not touched

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Production-check-2026"
# A self-signed certificate for localhost, valid two days.
OPENSSL = ("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost")
OPENSSL += ("-addext", "subjectAltName=DNS:localhost")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(tmp_path: Path, secret: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite'}",
        "XUEHUI_PRODUCTION": "1",
        "XUEHUI_SECRET_KEY": secret,
        "XUEHUI_SECURE_COOKIES": "1",
        "XUEHUI_ALLOWED_HOSTS": "localhost",
    }


def _xuehui(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xuehui", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [*OPENSSL, "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    env = _environment(tmp_path, secrets.token_urlsafe(48))
    assert _xuehui("migrate", env=env).returncode == 0
    made = _xuehui(
        "create-user", "--username", "root", "--name", "管理员", "--role", "admin", "--password", PASSWORD, env=env
    )
    assert made.returncode == 0, made.stderr
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    command = [sys.executable, "-m", "xuehui", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--ssl-certfile", str(cert), "--ssl-keyfile", str(key)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"https://localhost:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/health", verify=_trusting(cert), timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start: " + (tmp_path / "server.log").read_text())
        yield base, cert
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _trusting(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))


def _cookie_flags(response: httpx.Response) -> dict[str, str]:
    """Each Set-Cookie by cookie name: its attributes, lower-cased."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        found[name] = rest.split(";", 1)[1].lower() if ";" in rest else ""
    return found


def test_over_https_every_cookie_is_secure_and_hsts_is_sent(https_server: tuple[str, Path]) -> None:
    base, cert = https_server
    with httpx.Client(base_url=base, verify=_trusting(cert)) as client:
        page = client.get("/login")
        assert page.status_code == 200
        assert page.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
        anonymous = _cookie_flags(page)
        assert anonymous and all("secure" in flags and "httponly" in flags for flags in anonymous.values())
        token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        signed = client.post(
            "/login",
            data={"username": "root", "password": PASSWORD, "next": "/", "_csrf_token": token.group(1)},
        )
        assert signed.status_code == 303
        session = _cookie_flags(signed)
        assert "xh_session" in session
        assert ("secure" in session["xh_session"], "httponly" in session["xh_session"]) == (True, True)
        assert "samesite=lax" in session["xh_session"] or "samesite=strict" in session["xh_session"]
        assert client.get("/api/me").json()["username"] == "root"


def test_production_refuses_to_start_with_the_default_secret(tmp_path: Path) -> None:
    env = _environment(tmp_path, "")
    env.pop("XUEHUI_SECRET_KEY")
    assert _xuehui("migrate", env=env).returncode == 0
    refused = subprocess.run(
        [sys.executable, "-m", "xuehui", "serve", "--port", str(_free_port())],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode != 0
    assert "XUEHUI_SECRET_KEY must be set" in refused.stdout + refused.stderr
