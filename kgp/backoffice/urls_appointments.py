"""Backoffice URLs: availability slots for initial consultations and their bookings (included by
backoffice/urls.py)."""

from django.urls import path

from . import views_appointments

urlpatterns = [
    path("termine/", views_appointments.appointment_slots, name="appointment_slots"),
    path("termine/veroeffentlichen/", views_appointments.appointment_slot_publish, name="appointment_slot_publish"),
    path("termine/<int:slot_id>/zurueckziehen/", views_appointments.appointment_slot_delete, name="appointment_slot_delete"),
    path("termine/buchungen/<int:booking_id>/", views_appointments.appointment_booking, name="appointment_booking"),
    path("termine/buchungen/<int:booking_id>/absagen/", views_appointments.appointment_booking_cancel, name="appointment_booking_cancel"),
    path("termine/buchungen/<int:booking_id>/verschieben/", views_appointments.appointment_booking_move, name="appointment_booking_move"),
]
