"""Backoffice URLs: cases, the pipeline board and "my work" (included by backoffice/urls.py)."""

from django.urls import path

from . import views_journey

urlpatterns = [
    path("pipeline/", views_journey.pipeline, name="pipeline"),
    path("my-work/", views_journey.my_work, name="my_work"),
    path("companies/<int:company_id>/cases/new/", views_journey.case_create, name="case_create"),
    path("requests/<int:request_id>/case/", views_journey.case_from_request, name="case_from_request"),
    path("cases/<int:case_id>/", views_journey.case_detail, name="case_detail"),
    path("cases/<int:case_id>/edit/", views_journey.case_edit, name="case_edit"),
    path("cases/<int:case_id>/stage/", views_journey.case_stage, name="case_stage"),
    path("cases/<int:case_id>/activities/", views_journey.activity_create, name="activity_create"),
    path("cases/<int:case_id>/tasks/", views_journey.task_create, name="task_create"),
    path("tasks/<int:task_id>/done/", views_journey.task_done, name="task_done"),
    path("activities/<int:activity_id>/attachments/", views_journey.attachment_add, name="attachment_add"),
    path("attachments/<int:attachment_id>/", views_journey.attachment_download, name="attachment_download"),
    path("attachments/<int:attachment_id>/delete/", views_journey.attachment_delete, name="attachment_delete"),
]
