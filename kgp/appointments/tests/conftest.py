from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kgp.appointments.models import LocationKind, Slot
from kgp.testing.factories import org


def make_slot(*, agency: str = "dortmund", days: int = 3, hour: int = 10, consultant=None, kind=LocationKind.AT_AGENCY) -> Slot:
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(hour, 0)))
    return Slot.objects.create(
        organisation=org(agency), consultant=consultant, starts_at=start, ends_at=start + dt.timedelta(hours=1),
        location_kind=kind, location_detail="Raum 3, Töpferstraße 1",
    )  # fmt: skip


@pytest.fixture
def slot(db, consultant):
    return make_slot(consultant=consultant)


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "kgp.core.mail.TaskEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
