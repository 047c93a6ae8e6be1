"""Backoffice URL: the daily digest e-mail on or off (included by backoffice/urls.py)."""

from django.urls import path

from . import views_digest

urlpatterns = [
    path("my-work/digest/", views_digest.digest_toggle, name="digest_toggle"),
]
