"""URLs of the public portal: de-minimis aid of a company (included by web/urls.py)."""

from django.urls import path

from . import views_deminimis

urlpatterns: list = [
    path("portal/unternehmen/<int:company_id>/de-minimis/", views_deminimis.portal_deminimis, name="portal_deminimis"),
    path(
        "portal/unternehmen/<int:company_id>/de-minimis/<int:grant_id>/bescheinigung.pdf",
        views_deminimis.portal_deminimis_certificate,
        name="portal_deminimis_certificate",
    ),
]
