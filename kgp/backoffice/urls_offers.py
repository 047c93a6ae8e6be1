"""Backoffice URLs: offers (included by backoffice/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
