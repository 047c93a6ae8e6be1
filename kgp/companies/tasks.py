"""Background tasks of the company CRM (django-tasks; `manage.py db_worker` runs them)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from . import imports


@task()
def run_company_import(import_id: int) -> dict[str, Any]:
    """Import a confirmed CompanyImport all-or-nothing (see kgp.companies.imports.execute_import)."""
    return imports.execute_import(import_id)
