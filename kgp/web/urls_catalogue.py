"""URLs of the public portal: catalogue (included by web/urls.py)."""

from django.urls import path

from . import views_catalogue

urlpatterns = [
    path("angebote/", views_catalogue.catalogue, name="catalogue"),
    path("angebote/<slug:slug>/", views_catalogue.offer_detail, name="offer_detail"),
]
