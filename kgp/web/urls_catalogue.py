"""URLs of the public portal: catalogue (included by web/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
