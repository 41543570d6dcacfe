"""A real SMTP server in the test process (aiosmtpd, in its own thread) that keeps what arrives,
and the helpers that read the links out of the mails."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from xuehui.notify import MailSettings

LINK = re.compile(r"https?://\S+?[?&]token=[\w-]+")


@dataclass
class Mailbox:
    """What the server accepted; `refuse` makes it answer every mail with a temporary failure."""

    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 try again later"
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(parsed)
        return "250 OK"

    @property
    def settings(self) -> MailSettings:
        return MailSettings(host="127.0.0.1", port=self.port, sender="xuehui@example.org", timeout=10)

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def bodies(self, address: str) -> list[str]:
        return [str(m.get_content()) for m in self.to(address)]

    def last_link(self, address: str) -> str:
        """The last link with a token in the mails to `address`."""
        found = [link for body in self.bodies(address) for link in LINK.findall(body)]
        assert found, f"no link in the mail to {address}: {self.bodies(address)}"
        return found[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def path_of(link: str) -> str:
    """The link's path and query on this site (what a test client requests)."""
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


async def open_mailed_link(client: Any, mailbox: Mailbox, address: str, form_id: str, **fields: str) -> Any:
    """Send what is due, open the last link mailed to `address` and submit the form on its page
    (`form_id`) with `fields`; the answer of the submission."""
    from tests.support import csrf_from
    from xuehui.notify import send_pass

    await send_pass(mailbox.settings)
    path = path_of(mailbox.last_link(address))
    page = await client.get(path)
    assert f'id="{form_id}"' in page.text, page.text
    token = path.split("token=", 1)[1]
    action = path.split("?", 1)[0]
    data = {"token": token, "_csrf_token": csrf_from(page.text), **fields}
    return await client.post(action, data=data, follow_redirects=False)
