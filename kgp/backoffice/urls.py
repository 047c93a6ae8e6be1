from django.urls import path

from . import (
    urls_appointments,
    urls_competences,
    urls_connect,
    urls_deminimis,
    urls_digest,
    urls_events,
    urls_journey,
    urls_offers,
    urls_questionnaires,
    urls_requests,
    views,
)

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("companies/", views.company_list, name="company_list"),
    path("companies/export/", views.company_export, name="company_export"),
    path("companies/new/", views.company_create, name="company_create"),
    path("companies/<int:company_id>/", views.company_detail, name="company_detail"),
    path("companies/<int:company_id>/edit/", views.company_edit, name="company_edit"),
    path("companies/<int:company_id>/notes/", views.note_create, name="note_create"),
    path("companies/<int:company_id>/notes/<int:note_id>/delete/", views.note_delete, name="note_delete"),
    path("companies/<int:company_id>/figures/", views.figures_create, name="figures_create"),
    path("companies/<int:company_id>/figures/<int:figures_id>/delete/", views.figures_delete, name="figures_delete"),
    path("companies/<int:company_id>/holdings/", views.holding_create, name="holding_create"),
    path("companies/<int:company_id>/holdings/<int:holding_id>/delete/", views.holding_delete, name="holding_delete"),
    path("companies/<int:company_id>/consents/", views.consent_update, name="consent_update"),
    path("companies/<int:company_id>/contacts/new/", views.contact_create, name="contact_create"),
    path("companies/<int:company_id>/contacts/<int:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("companies/<int:company_id>/contacts/<int:contact_id>/delete/", views.contact_delete, name="contact_delete"),
    path("companies/<int:company_id>/merge/", views.company_merge, name="company_merge"),
    path("memberships/", views.membership_list, name="membership_list"),
    path("memberships/<int:membership_id>/decide/", views.membership_decide, name="membership_decide"),
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/<int:import_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:import_id>/progress/", views.import_progress, name="import_progress"),
]
urlpatterns += urls_offers.urlpatterns + urls_requests.urlpatterns + urls_questionnaires.urlpatterns
urlpatterns += urls_deminimis.urlpatterns + urls_journey.urlpatterns
urlpatterns += urls_appointments.urlpatterns
urlpatterns += urls_digest.urlpatterns
urlpatterns += urls_competences.urlpatterns
urlpatterns += urls_connect.urlpatterns
urlpatterns += urls_events.urlpatterns
