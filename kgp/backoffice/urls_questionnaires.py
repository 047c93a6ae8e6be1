"""Backoffice URLs: questionnaires (included by backoffice/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
