"""Backoffice URLs: availability slots for initial consultations (included by backoffice/urls.py)."""

from django.urls import path

from . import views_appointments

urlpatterns = [
    path("termine/", views_appointments.appointment_slots, name="appointment_slots"),
    path("termine/veroeffentlichen/", views_appointments.appointment_slot_publish, name="appointment_slot_publish"),
    path("termine/<int:slot_id>/zurueckziehen/", views_appointments.appointment_slot_delete, name="appointment_slot_delete"),
]
