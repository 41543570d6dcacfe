"""Handing one message to the mail server over SMTP (the standard library's smtplib, in a
worker thread so the event loop never waits on the network)."""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from xuehui.notify.rules import MailSettings, TlsMode

log = logging.getLogger("xuehui.outbox")


def compose(settings: MailSettings, address: str, subject: str, body: str, key: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = address
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or "localhost")
    # The outbox key lets a receiving system drop the copy an at-least-once resend may bring.
    message["X-Xuehui-Key"] = key
    message.set_content(body)
    return message


def _deliver(settings: MailSettings, message: EmailMessage) -> None:
    mode = TlsMode(settings.tls)
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if mode is TlsMode.TLS:
        client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        if mode is TlsMode.STARTTLS:
            client.starttls(context=context)
        if settings.user:
            client.login(settings.user, settings.password)
        client.send_message(message)


async def deliver(settings: MailSettings, address: str, subject: str, body: str, key: str) -> None:
    """Send one mail; returns once the server accepted it, raises when it did not."""
    message = compose(settings, address, subject, body, key)
    if not settings.host:
        log.info("mail to %s (no mail server set, not sent): %s\n%s", address, subject, body)
        return
    await asyncio.to_thread(_deliver, settings, message)
