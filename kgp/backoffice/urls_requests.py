"""Backoffice URLs: requests (included by backoffice/urls.py)."""

from django.urls import path

from . import views_requests

urlpatterns: list = [
    path("requests/", views_requests.request_list, name="request_list"),
    path("requests/<int:request_id>/", views_requests.request_detail, name="request_detail"),
    path("requests/<int:request_id>/status/", views_requests.request_status, name="request_status"),
]
