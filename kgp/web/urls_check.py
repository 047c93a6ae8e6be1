"""URLs of the public portal: the Transformations-Check (included by web/urls.py)."""

from django.urls import path

from . import views_check

urlpatterns: list = [
    path("transformations-check/", views_check.check_start, name="check_start"),
    path("transformations-check/<str:token>/", views_check.check_resume, name="check_resume"),
    path("transformations-check/<str:token>/schritt/<int:step>/", views_check.check_step, name="check_step"),
    path("transformations-check/<str:token>/neu/", views_check.check_restart, name="check_restart"),
    path("transformations-check/<str:token>/ergebnis/", views_check.check_result, name="check_result"),
    path("transformations-check/<str:token>/unternehmen/", views_check.check_attach, name="check_attach"),
    path("transformations-check/<str:token>/teilen/", views_check.check_share, name="check_share"),
    path("portal/transformations-check/", views_check.check_history, name="check_history"),
]
