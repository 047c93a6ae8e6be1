"""URLs of the public portal: package (included by web/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
