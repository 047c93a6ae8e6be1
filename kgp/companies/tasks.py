"""Background tasks of the company CRM (django-tasks; `manage.py db_worker` runs them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django_tasks import task

from . import imports
from .models import CompanyImport


@task()
def run_company_import(import_id: int) -> dict[str, Any]:
    """Import a confirmed CompanyImport all-or-nothing (see kgp.companies.imports.execute_import),
    writing its messages in the language the upload was checked in."""
    report = CompanyImport.objects.filter(pk=import_id).values_list("report", flat=True).first() or {}
    with translation.override(report.get("language") or settings.LANGUAGE_CODE):
        return imports.execute_import(import_id)
