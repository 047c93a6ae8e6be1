"""Import and export views: they check the request and leave the work to kgp.companies.imports/exports."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kgp.accounts.models import User
from kgp.companies import access, exports, imports
from kgp.companies.filters import CompanyFilter
from kgp.companies.models import CompanyImport

from .decorators import editor_required, staff_required

logger = logging.getLogger(__name__)

ROWS_PER_PAGE = 100
RUNNING_STATUSES = (CompanyImport.Status.QUEUED, CompanyImport.Status.RUNNING)
FINAL_STATUSES = (CompanyImport.Status.DONE, CompanyImport.Status.FAILED)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


# --- export -------------------------------------------------------------------------------------


@staff_required
def company_export(request: HttpRequest) -> HttpResponse:
    """The company list as the user sees it (access layer and the list's filters) as CSV or XLSX."""
    user = _user(request)
    fmt = (request.GET.get("format") or "csv").strip().lower()
    if fmt not in exports.FORMATS:
        return HttpResponseBadRequest(
            _("Unknown export format. Please choose CSV or XLSX."), content_type="text/plain; charset=utf-8"
        )
    flt = CompanyFilter.from_params(request.GET)
    qs = flt.apply(access.companies_for_staff(user))
    count = qs.count()
    if count > exports.MAX_ROWS:
        messages.error(
            request,
            _("An export holds at most %(max)s companies; this list has %(count)s. Please narrow the filter.")
            % {"max": f"{exports.MAX_ROWS:,}".replace(",", "."), "count": f"{count:,}".replace(",", ".")},
        )
        query = request.GET.copy()
        query.pop("format", None)
        return redirect(f"{reverse('backoffice:company_list')}?{query.urlencode()}")
    logger.info("company export: user %s, %s rows, %s", user.pk, count, fmt)
    return exports.csv_response(qs) if fmt == "csv" else exports.xlsx_response(qs)


# --- import -------------------------------------------------------------------------------------


@editor_required
def import_upload(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    error = ""
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise imports.ImportFileError(_("Please choose a CSV or XLSX file."))
            head = upload.read(8192)
            imports.check_upload(upload.name or "", upload.size or 0, head)
            upload.seek(0)
            company_import = imports.create_import(user=user, file_name=upload.name or "", content=upload.read())
        except imports.ImportFileError as exc:
            error, status = exc.message, 400
        else:
            return redirect("backoffice:import_detail", import_id=company_import.pk)
    recent = access.imports_for_staff(user).defer("content", "report")[:10]
    return render(
        request,
        "backoffice/import_upload.html",
        {
            "error": error,
            "recent": recent,
            "max_mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
            "columns": imports.COLUMNS,
            "required": imports.REQUIRED_COLUMNS,
        },
        status=status,
    )


def _progress_context(company_import: CompanyImport) -> dict[str, Any]:
    done, total = imports.read_progress(company_import)
    percent = None
    if done is not None and total:
        percent = min(100, done * 100 // total)
    return {
        "company_import": company_import,
        "done": done,
        "total": total,
        "percent": percent,
        "percent_step": percent - percent % 10 if percent is not None else None,
        "polling": company_import.status in RUNNING_STATUSES,
    }


def _companies_and_contacts(counts: dict[str, Any]) -> str:
    companies, contacts = int(counts.get("companies") or 0), int(counts.get("contacts") or 0)
    return _("%(companies)s and %(contacts)s") % {
        "companies": ngettext("%(n)s company", "%(n)s companies", companies) % {"n": companies},
        "contacts": ngettext("%(n)s contact", "%(n)s contacts", contacts) % {"n": contacts},
    }


@editor_required
def import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    """The preview (per-row report), the confirmation and, later, the progress and the result."""
    user = _user(request)
    company_import = get_object_or_404(access.imports_for_staff(user).defer("content"), pk=import_id)
    status = 200
    if request.method == "POST":
        if request.POST.get("confirm") == "1" and imports.start_import(user=user, company_import=company_import):
            messages.success(request, _("The import has started."))
            return redirect("backoffice:import_detail", import_id=company_import.pk)
        messages.error(request, _("This import cannot be started: it is not waiting for confirmation."))
        company_import.refresh_from_db()
        status = 400

    report = company_import.report or {}
    show = "problems" if request.GET.get("show") == "problems" else "all"
    rows = report.get("rows", [])
    if show == "problems":
        rows = [r for r in rows if r.get("status") != "ok"]
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    labels = {"ok": _("OK"), "warning": _("Warning"), "error": _("Error")}
    page_rows = [{**row, "status_label": labels.get(row.get("status"), row.get("status"))} for row in page]

    counts = report.get("counts", {})
    result = report.get("result") or {}
    created = []
    if result.get("created"):
        visible = set(
            access.companies_for_staff(user).filter(pk__in=[pk for pk, _name in result["created"]]).values_list("pk", flat=True)
        )
        created = [{"pk": pk, "name": name, "visible": pk in visible} for pk, name in result["created"]]
    return render(
        request,
        "backoffice/import_detail.html",
        {
            **_progress_context(company_import),
            "report": report,
            "counts": counts,
            "confirm_label": _("Import %(what)s") % {"what": _companies_and_contacts(counts)},
            "result_label": _("Imported: %(what)s.") % {"what": _companies_and_contacts(result)},
            "page": page,
            "page_rows": page_rows,
            "show": show,
            "delimiter_label": {"\t": _("tab"), ";": ";", ",": ","}.get(report.get("delimiter", ""), ""),
            "result": result,
            "created": created,
        },
        status=status,
    )


@editor_required
def import_progress(request: HttpRequest, import_id: int) -> HttpResponse:
    """The progress partial htmx polls; when the import has finished the page reloads once."""
    company_import = get_object_or_404(access.imports_for_staff(_user(request)).defer("content", "report"), pk=import_id)
    response = render(request, "backoffice/_import_progress.html", _progress_context(company_import))
    if getattr(request, "htmx", False) and company_import.status in FINAL_STATUSES:
        response["HX-Refresh"] = "true"
    return response
