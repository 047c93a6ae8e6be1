"""Backoffice URLs: curation of the competence map (included by backoffice/urls.py)."""

from django.urls import path

from . import views_competences as v

urlpatterns = [
    path("kompetenzen/", v.competence_list, name="competence_list"),
    path("kompetenzen/neu/", v.competence_create, name="competence_create"),
    path("kompetenzen/<int:profile_id>/", v.competence_detail, name="competence_detail"),
    path("kompetenzen/<int:profile_id>/bearbeiten/", v.competence_edit, name="competence_edit"),
    path("kompetenzen/<int:profile_id>/status/", v.competence_status, name="competence_status"),
    path("kompetenzen/<int:profile_id>/geprueft/", v.competence_reviewed, name="competence_reviewed"),
    path("kompetenzen/<int:profile_id>/kontakte/neu/", v.competence_contact_create, name="competence_contact_create"),
    path(
        "kompetenzen/<int:profile_id>/kontakte/<int:profile_contact_id>/",
        v.competence_contact_edit,
        name="competence_contact_edit",
    ),
    path(
        "kompetenzen/<int:profile_id>/kontakte/<int:profile_contact_id>/loeschen/",
        v.competence_contact_delete,
        name="competence_contact_delete",
    ),
    path("kompetenzen/<int:profile_id>/mitglieder/", v.competence_member_add, name="competence_member_add"),
    path(
        "kompetenzen/<int:profile_id>/mitglieder/<int:member_id>/loeschen/",
        v.competence_member_remove,
        name="competence_member_remove",
    ),
]
