"""Backoffice URLs: needs, suggestions, introductions, company profiles for exchange and supply, and the
synonym list (the connect module; included by backoffice/urls.py). `introduction_detail` is linked
from the e-mails (kgp/connect/notifications.py)."""

from django.urls import path

from . import views_connect as v

urlpatterns = [
    path("bedarfe/", v.need_list, name="need_list"),
    path("companies/<int:company_id>/bedarfe/neu/", v.need_create, name="need_create"),
    path("bedarfe/<int:need_id>/", v.need_detail, name="need_detail"),
    path("bedarfe/<int:need_id>/bearbeiten/", v.need_edit, name="need_edit"),
    path("bedarfe/<int:need_id>/status/", v.need_status, name="need_status"),
    path("bedarfe/<int:need_id>/vermitteln/", v.introduction_propose, name="introduction_propose"),
    path("vermittlungen/", v.introduction_list, name="introduction_list"),
    path("vermittlungen/<int:introduction_id>/", v.introduction_detail, name="introduction_detail"),
    path("vermittlungen/<int:introduction_id>/antwort/", v.introduction_decide, name="introduction_decide"),
    path("vermittlungen/<int:introduction_id>/zurueckziehen/", v.introduction_withdraw, name="introduction_withdraw"),
    path("companies/<int:company_id>/austauschprofil/", v.company_profile_edit, name="company_profile_edit"),
    path("synonyme/", v.synonyms, name="synonyms"),
]
