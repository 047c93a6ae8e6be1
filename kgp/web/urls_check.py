"""URLs of the public portal: check (included by web/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
