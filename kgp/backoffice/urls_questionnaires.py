"""Backoffice URLs: questionnaires of the Transformations-Check and shared check results (included by backoffice/urls.py)."""

from django.urls import path

from . import views_questionnaires as views

urlpatterns: list = [
    path("questionnaires/", views.questionnaire_list, name="questionnaire_list"),
    path("questionnaires/<int:questionnaire_id>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:questionnaire_id>/export/", views.questionnaire_export, name="questionnaire_export"),
    path("questionnaires/<int:questionnaire_id>/new-draft/", views.questionnaire_draft, name="questionnaire_draft"),
    path("questionnaires/<int:questionnaire_id>/edit/", views.questionnaire_edit, name="questionnaire_edit"),
    path("questionnaires/<int:questionnaire_id>/publish/", views.questionnaire_publish, name="questionnaire_publish"),
    path("questionnaires/<int:questionnaire_id>/delete/", views.questionnaire_delete, name="questionnaire_delete"),
    path(
        "questionnaires/<int:questionnaire_id>/dimensions/<int:dimension_id>/edit/",
        views.dimension_edit,
        name="questionnaire_dimension_edit",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/dimensions/<int:dimension_id>/questions/new/",
        views.question_create,
        name="questionnaire_question_create",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/questions/<int:question_id>/edit/",
        views.question_edit,
        name="questionnaire_question_edit",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/questions/<int:question_id>/delete/",
        views.question_delete,
        name="questionnaire_question_delete",
    ),
    path("check-results/<int:result_id>/", views.check_result, name="check_result"),
]
