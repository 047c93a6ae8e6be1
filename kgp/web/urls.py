from django.urls import path

from . import (
    legal,
    urls_appointments,
    urls_catalogue,
    urls_check,
    urls_competences,
    urls_connect,
    urls_deminimis,
    urls_events,
    urls_package,
    views,
)

app_name = "web"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("after-login/", views.after_login, name="after_login"),
    path("portal/", views.portal_home, name="portal"),
    path("portal/companies/new/", views.portal_company_create, name="portal_company_create"),
    path("portal/companies/<int:company_id>/", views.portal_company_edit, name="portal_company_edit"),
    path("impressum/", legal.imprint, name="imprint"),
    path("datenschutz/", legal.privacy, name="privacy"),
    path("barrierefreiheit/", legal.accessibility, name="accessibility"),
]
urlpatterns += urls_catalogue.urlpatterns + urls_check.urlpatterns + urls_package.urlpatterns
urlpatterns += urls_deminimis.urlpatterns
urlpatterns += urls_appointments.urlpatterns
urlpatterns += urls_competences.urlpatterns
urlpatterns += urls_connect.urlpatterns
urlpatterns += urls_events.urlpatterns
