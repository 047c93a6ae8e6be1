"""Backoffice URLs: events, their participants, the check-in, exports and feedback (included by
backoffice/urls.py)."""

from django.urls import path

from . import views_events as v

urlpatterns = [
    path("veranstaltungen/", v.event_list, name="event_list"),
    path("veranstaltungen/neu/", v.event_create, name="event_create"),
    path("veranstaltungen/<int:event_id>/", v.event_detail, name="event_detail"),
    path("veranstaltungen/<int:event_id>/bearbeiten/", v.event_edit, name="event_edit"),
    path("veranstaltungen/<int:event_id>/status/", v.event_status, name="event_status"),
    path("veranstaltungen/<int:event_id>/teilnehmende/", v.event_participants, name="event_participants"),
    path("veranstaltungen/<int:event_id>/teilnehmende/neu/", v.event_participant_add, name="event_participant_add"),
    path(
        "veranstaltungen/<int:event_id>/teilnehmende/<int:registration_id>/",
        v.event_registration,
        name="event_registration",
    ),
    path(
        "veranstaltungen/<int:event_id>/teilnehmende/<int:registration_id>/absagen/",
        v.event_registration_cancel,
        name="event_registration_cancel",
    ),
    path(
        "veranstaltungen/<int:event_id>/teilnehmende/<int:registration_id>/unternehmen/",
        v.event_registration_link,
        name="event_registration_link",
    ),
    path("veranstaltungen/<int:event_id>/check-in/", v.event_checkin, name="event_checkin"),
    path(
        "veranstaltungen/<int:event_id>/check-in/<int:registration_id>/",
        v.event_checkin_toggle,
        name="event_checkin_toggle",
    ),
    path("veranstaltungen/<int:event_id>/nicht-erschienen/", v.event_no_shows, name="event_no_shows"),
    path("veranstaltungen/<int:event_id>/teilnehmende.csv", v.event_export_csv, name="event_export_csv"),
    path("veranstaltungen/<int:event_id>/teilnehmende.xlsx", v.event_export_xlsx, name="event_export_xlsx"),
    path("veranstaltungen/<int:event_id>/teilnahmeliste.pdf", v.event_participant_list_pdf, name="event_participant_list_pdf"),
    path("veranstaltungen/<int:event_id>/feedback/", v.event_feedback, name="event_feedback"),
]
