"""URLs of the public portal: package (included by web/urls.py)."""

from django.urls import path

from . import views_package

urlpatterns: list = [
    path("baukasten/", views_package.package_view, name="package"),
    path("baukasten/hinzufuegen/", views_package.package_add, name="package_add"),
    path("baukasten/entfernen/", views_package.package_remove, name="package_remove"),
    path("baukasten/notizen/", views_package.package_note, name="package_note"),
    path("baukasten/anfrage/", views_package.package_send, name="package_send"),
    path("baukasten/anfrage/gesendet/", views_package.package_sent, name="package_sent"),
    path("portal/anfragen/<int:request_id>/", views_package.portal_request, name="portal_request"),
]
