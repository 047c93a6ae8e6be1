"""An e-mail backend that hands every message to the background worker (django-tasks).

Requests never wait for the mail server. The worker sends with EMAIL_DELIVERY_BACKEND (SMTP in
production, the console in development); a failed delivery is kept as a failed task result in the
database (django-tasks does not retry by itself). Text attachments (a calendar file, say) are
carried as (filename, content, mimetype); binary attachments and MIME parts are refused here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend


def _attachment(attachment: Any) -> list[str]:
    """A text attachment as [filename, content, mimetype]; anything else cannot go through the queue."""
    if not isinstance(attachment, tuple) or len(attachment) != 3:
        raise ValueError("Only text attachments (filename, content, mimetype) can be sent through the task queue.")
    filename, content, mimetype = attachment
    if not isinstance(content, str) or not isinstance(filename, str):
        raise ValueError("Only text attachments (filename, content, mimetype) can be sent through the task queue.")
    return [filename, content, mimetype or "text/plain"]


def serialise(message: EmailMessage) -> dict[str, Any]:
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        "attachments": [_attachment(attachment) for attachment in message.attachments],
    }


class TaskEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        from .tasks import send_email

        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            send_email.enqueue(serialise(message))
            count += 1
        return count
