"""URLs of the public portal: booking the initial consultation (included by web/urls.py)."""

from django.urls import path

from . import views_appointments

urlpatterns: list = [
    path(
        "portal/anfragen/<int:request_id>/erstgespraech/",
        views_appointments.appointment_book_for_request,
        name="appointment_book_for_request",
    ),
    path("portal/unternehmen/<int:company_id>/erstgespraech/", views_appointments.appointment_book, name="appointment_book"),
    path("termin/<str:token>/", views_appointments.appointment_manage, name="appointment_manage"),
    path("termin/<str:token>/absagen/", views_appointments.appointment_cancel, name="appointment_cancel"),
    path("termin/<str:token>/verschieben/", views_appointments.appointment_move, name="appointment_move"),
]
