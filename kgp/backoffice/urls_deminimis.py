"""Backoffice URLs: the de-minimis ledger and certificates (included by backoffice/urls.py)."""

from django.urls import path

from . import views_deminimis

urlpatterns = [
    path("companies/<int:company_id>/de-minimis/", views_deminimis.deminimis_company, name="deminimis_company"),
    path("companies/<int:company_id>/de-minimis/grant/", views_deminimis.deminimis_grant, name="deminimis_grant"),
    path("companies/<int:company_id>/de-minimis/declared/", views_deminimis.deminimis_declare, name="deminimis_declare"),
    path(
        "companies/<int:company_id>/de-minimis/declared/<int:declared_id>/delete/",
        views_deminimis.deminimis_declared_delete,
        name="deminimis_declared_delete",
    ),
    path("de-minimis/", views_deminimis.deminimis_list, name="deminimis_list"),
    path("de-minimis/<int:grant_id>/bescheinigung.pdf", views_deminimis.deminimis_certificate, name="deminimis_certificate"),
]
