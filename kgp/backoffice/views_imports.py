"""Import and export views (placeholder; being written)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from .decorators import editor_required, staff_required


@staff_required
def company_export(request: HttpRequest) -> HttpResponse:
    return HttpResponse("export")


@editor_required
def import_upload(request: HttpRequest) -> HttpResponse:
    return HttpResponse("import")


@editor_required
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    return HttpResponse("import")


@editor_required
def import_progress(request: HttpRequest, import_id: int) -> HttpResponse:
    return HttpResponse("import")
