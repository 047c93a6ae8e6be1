"""URLs of the public portal: needs, the company profile for exchange and supply, and introductions
(the connect module; included by web/urls.py). `introduction_detail` is linked from the e-mails
(kgp/connect/notifications.py)."""

from django.urls import path

from . import views_connect as v

urlpatterns = [
    path("portal/bedarfe/", v.portal_needs, name="portal_needs"),
    path("portal/bedarfe/<int:need_id>/", v.portal_need, name="portal_need"),
    path("portal/bedarfe/<int:need_id>/kontakt/", v.portal_need_propose, name="portal_need_propose"),
    path("portal/unternehmen/<int:company_id>/bedarfe/neu/", v.portal_need_create, name="portal_need_create"),
    path(
        "portal/unternehmen/<int:company_id>/bedarfe/aus-check/", v.portal_need_from_check, name="portal_need_from_check"
    ),
    path("portal/austauschprofil/", v.portal_exchange_profiles, name="portal_exchange_profiles"),
    path(
        "portal/unternehmen/<int:company_id>/austauschprofil/", v.portal_exchange_profile, name="portal_exchange_profile"
    ),
    path("portal/vermittlungen/", v.introduction_list, name="introduction_list"),
    path("portal/vermittlungen/<int:intro_id>/", v.introduction_detail, name="introduction_detail"),
    path("portal/vermittlungen/<int:intro_id>/zustimmen/", v.introduction_accept, name="introduction_accept"),
    path("portal/vermittlungen/<int:intro_id>/ablehnen/", v.introduction_decline, name="introduction_decline"),
]
