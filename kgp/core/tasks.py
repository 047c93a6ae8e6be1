"""Background jobs of the core: sending e-mail outside the request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django_tasks import task


@task()
def send_email(message: dict[str, Any]) -> int:
    """Send one e-mail, serialised by kgp.core.mail.TaskEmailBackend, with the real delivery backend."""
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message["from_email"],
        to=message["to"],
        cc=message["cc"],
        bcc=message["bcc"],
        reply_to=message["reply_to"],
        headers=message["headers"],
        connection=get_connection(settings.EMAIL_DELIVERY_BACKEND),
    )
    for content, mimetype in message["alternatives"]:
        email.attach_alternative(content, mimetype)
    for filename, content, mimetype in message.get("attachments", []):
        email.attach(filename, content, mimetype)
    return email.send()
