"""URLs of the public portal: the competence map and the competence holders' self-service (included by web/urls.py)."""

from django.urls import path

from . import views_competences as v

urlpatterns = [
    path("kompetenzen/", v.competence_list, name="competence_list"),
    path("kompetenzen/karte/", v.competence_map, name="competence_map"),  # before the profiles: "karte" is reserved
    path("kompetenzen/<slug:external_id>/", v.competence_detail, name="competence_detail"),
    path("portal/kompetenzprofil/", v.portal_competences, name="portal_competences"),
    path("portal/kompetenzprofil/<int:profile_id>/", v.portal_competence_edit, name="portal_competence_edit"),
    path("portal/kompetenzprofil/<int:profile_id>/geprueft/", v.portal_competence_reviewed, name="portal_competence_reviewed"),
    path(
        "portal/kompetenzprofil/<int:profile_id>/kontakte/neu/",
        v.portal_competence_contact_create,
        name="portal_competence_contact_create",
    ),
    path(
        "portal/kompetenzprofil/<int:profile_id>/kontakte/<int:contact_id>/",
        v.portal_competence_contact_edit,
        name="portal_competence_contact_edit",
    ),
    path(
        "portal/kompetenzprofil/<int:profile_id>/kontakte/<int:contact_id>/loeschen/",
        v.portal_competence_contact_delete,
        name="portal_competence_contact_delete",
    ),
]
