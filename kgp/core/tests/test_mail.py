"""E-mail goes through the task queue and is delivered by the worker's backend."""

from __future__ import annotations

from django.core import mail
from django.core.mail import EmailMultiAlternatives, get_connection

from kgp.core.mail import serialise


def test_task_backend_delivers_through_the_delivery_backend(settings):
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    connection = get_connection("kgp.core.mail.TaskEmailBackend")
    message = EmailMultiAlternatives("Betreff äöü", "Text", "from@example.org", ["to@example.org"], connection=connection)
    message.attach_alternative("<p>Text</p>", "text/html")
    assert message.send() == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject == "Betreff äöü" and sent.to == ["to@example.org"]
    assert sent.alternatives[0][1] == "text/html"


def test_message_without_recipients_is_not_queued(settings):
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    connection = get_connection("kgp.core.mail.TaskEmailBackend")
    assert EmailMultiAlternatives("x", "y", "from@example.org", [], connection=connection).send() == 0
    assert mail.outbox == []


def test_serialised_message_is_json_safe():
    import json

    data = serialise(EmailMultiAlternatives("s", "b", "f@example.org", ["t@example.org"], headers={"X-A": "1"}))
    assert json.loads(json.dumps(data))["headers"] == {"X-A": "1"}


def test_text_attachment_travels_through_the_queue(settings):
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    connection = get_connection("kgp.core.mail.TaskEmailBackend")
    message = EmailMultiAlternatives("s", "b", "f@example.org", ["t@example.org"], connection=connection)
    message.attach("termin.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    assert message.send() == 1
    filename, content, mimetype = mail.outbox[0].attachments[0]
    assert (filename, mimetype) == ("termin.ics", "text/calendar")
    assert content.startswith("BEGIN:VCALENDAR")


def test_binary_attachment_is_refused():
    import pytest

    message = EmailMultiAlternatives("s", "b", "f@example.org", ["t@example.org"])
    message.attach("x.pdf", b"%PDF-1.7", "application/pdf")
    with pytest.raises(ValueError):
        serialise(message)
