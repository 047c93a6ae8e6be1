"""Backoffice URLs: offers (included by backoffice/urls.py)."""

from django.urls import path

from . import views_offers

urlpatterns = [
    path("offers/", views_offers.offer_list, name="offer_list"),
    path("offers/new/", views_offers.offer_create, name="offer_create"),
    path("offers/<int:offer_id>/", views_offers.offer_detail, name="offer_detail"),
    path("offers/<int:offer_id>/edit/", views_offers.offer_edit, name="offer_edit"),
    path("offers/<int:offer_id>/status/", views_offers.offer_status, name="offer_status"),
]
