"""Portal booking, the manage link, backoffice slot management and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kgp.accounts.services import api_token_create
from kgp.api.tests.helpers import ApiClient
from kgp.appointments import services
from kgp.appointments.models import Booking, BookingStatus, Slot, SlotStatus
from kgp.testing.factories import RequestFactory

from .conftest import make_slot

pytestmark = pytest.mark.django_db

FORM = {"topic": "Abwärme nutzen", "participants": "Anna", "location_kind": "at_agency", "contact_name": "Anna", "contact_email": "anna@example.org"}


def test_company_user_books_from_the_request(client, company, company_user, slot):
    req = RequestFactory(company=company)
    client.force_login(company_user)
    url = reverse("web:appointment_book_for_request", args=[req.pk])
    page = client.get(url)
    assert page.status_code == 200 and str(slot) in page.content.decode()
    # The location is a radio group of the real choices: no pre-checked empty "---------" choice.
    assert "---------" not in page.content.decode()
    response = client.post(url, FORM | {"slot": slot.pk})
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:appointment_manage", args=[booking.manage_token])
    assert booking.request == req and booking.company == company
    assert reverse("web:appointment_book_for_request", args=[req.pk]) in client.get(reverse("web:portal_request", args=[req.pk])).content.decode()


def test_bad_input_and_a_taken_slot_answer_400_and_write_nothing(client, company, company_user, slot):
    client.force_login(company_user)
    url = reverse("web:appointment_book", args=[company.pk])
    assert client.post(url, FORM | {"slot": slot.pk, "topic": ""}).status_code == 400
    assert client.post(url, FORM | {"slot": "x"}).status_code == 400
    assert not Booking.objects.exists()
    services.booking_create(actor=None, slot=slot, company=company, topic="t", contact_name="n", contact_email="n@example.org", location_kind="online")
    # The slot is no longer listed, so choosing it is an invalid choice.
    assert client.post(url, FORM | {"slot": slot.pk}).status_code == 400
    assert Booking.objects.count() == 1


def test_others_cannot_open_the_booking_pages(client, company, consultant, slot):
    other = RequestFactory()
    from kgp.accounts.models import Role
    from kgp.testing.factories import UserFactory

    stranger = UserFactory(role=Role.COMPANY)
    client.force_login(stranger)
    assert client.get(reverse("web:appointment_book_for_request", args=[other.pk])).status_code == 404
    assert client.get(reverse("web:appointment_book", args=[company.pk])).status_code == 404
    client.force_login(consultant)
    assert client.get(reverse("web:appointment_book", args=[company.pk])).status_code == 404


def test_manage_link_cancels_and_moves_without_login(client, company, slot):
    booking = services.booking_create(
        actor=None, slot=slot, company=company, topic="t", contact_name="n", contact_email="n@example.org", location_kind="at_agency"
    )
    target = make_slot(days=6)
    url = reverse("web:appointment_manage", args=[booking.manage_token])
    assert client.get(url).status_code == 200
    assert client.get(reverse("web:appointment_manage", args=["falsch"])).status_code == 404
    assert client.post(reverse("web:appointment_move", args=[booking.manage_token]), {"slot": "999999"}).status_code == 400
    assert client.post(reverse("web:appointment_move", args=[booking.manage_token]), {"slot": target.pk}).status_code == 302
    booking.refresh_from_db()
    assert booking.slot == target
    assert client.post(reverse("web:appointment_cancel", args=[booking.manage_token])).status_code == 302
    booking.refresh_from_db()
    target.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and target.status == SlotStatus.OPEN
    assert client.post(reverse("web:appointment_cancel", args=[booking.manage_token])).status_code == 400


def test_backoffice_publishes_recurring_slots(client, consultant):
    client.force_login(consultant)
    start = timezone.localtime() + dt.timedelta(days=2)
    data = {"organisation": consultant.organisation_id, "starts_at": f"{start:%Y-%m-%dT10:00}", "duration_minutes": 45,
            "location_kind": "online", "location_detail": "https://video.example.org", "weeks": 4}  # fmt: skip
    assert client.post(reverse("backoffice:appointment_slot_publish"), data).status_code == 302
    assert Slot.objects.filter(organisation=consultant.organisation).count() == 4
    assert client.post(reverse("backoffice:appointment_slot_publish"), data | {"weeks": 99}).status_code == 400
    assert Slot.objects.count() == 4
    page = client.get(reverse("backoffice:appointment_slots")).content.decode()
    assert "video.example.org" in page


def test_consultant_cannot_publish_for_another_agency(client, consultant, other_consultant):
    client.force_login(other_consultant)
    start = timezone.localtime() + dt.timedelta(days=2)
    data = {"organisation": consultant.organisation_id, "starts_at": f"{start:%Y-%m-%dT10:00}", "duration_minutes": 45,
            "location_kind": "online", "weeks": 1}  # fmt: skip
    assert client.post(reverse("backoffice:appointment_slot_publish"), data).status_code == 400
    assert not Slot.objects.exists()


def test_backoffice_lists_only_own_agency_slots(client, other_consultant, slot):
    client.force_login(other_consultant)
    assert str(slot) not in client.get(reverse("backoffice:appointment_slots")).content.decode()


def test_api_lists_free_slots_and_books(company, consultant, other_consultant, coordinator, slot):
    api = ApiClient(api_token_create(user=consultant, name="t"))
    data = api.get("/api/v1/slots").json()
    assert [s["id"] for s in data] == [slot.pk] and data[0]["partner"] == "dortmund"
    assert api.get("/api/v1/slots", {"partner": "bochum"}).status_code == 404
    assert ApiClient(api_token_create(user=coordinator, name="t")).get("/api/v1/slots", {"partner": "dortmund"}).json()[0]["id"] == slot.pk
    assert ApiClient(api_token_create(user=other_consultant, name="t")).get("/api/v1/slots").json() == []
    body = {"company_id": company.pk, "topic": "Energie", "location_kind": "at_agency", "contact_name": "A", "contact_email": "a@example.org"}
    assert api.post(f"/api/v1/slots/{slot.pk}/booking", body | {"topic": ""}).status_code == 422
    assert not Booking.objects.exists()
    created = api.post(f"/api/v1/slots/{slot.pk}/booking", body)
    assert created.status_code == 201 and created.json()["slot_id"] == slot.pk
    taken = api.post(f"/api/v1/slots/{slot.pk}/booking", body)
    assert taken.status_code == 400 and taken.json()["code"] == "taken"
    assert api.get("/api/v1/slots").json() == []
