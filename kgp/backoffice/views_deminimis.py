"""Backoffice: the de-minimis ledger of a company, granting aid, declared aid and the certificates."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kgp.accounts.models import Role, User
from kgp.companies import access as company_access
from kgp.companies.models import Company
from kgp.core.errors import ServiceError
from kgp.deminimis import access, pdf, queries, services
from kgp.deminimis.forms import AidGrantForm, DeclaredAidForm
from kgp.deminimis.models import DeclaredAid

from .decorators import editor_required, staff_required


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _form_error(form, exc: ServiceError) -> None:  # type: ignore[no-untyped-def]
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _render(
    request: HttpRequest,
    company: Company,
    *,
    grant_form: AidGrantForm | None = None,
    declared_form: DeclaredAidForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    undertaking = queries.single_undertaking(company)
    may_override = user.role == Role.COORDINATOR
    context = {
        "company": company,
        "can_edit": company_access.can_edit_company(user, company),
        "may_override": may_override,
        "undertaking": undertaking,
        "position": queries.position(company, timezone.localdate(), undertaking),
        "grants": queries.grants_for(undertaking.ids),
        "declared": queries.declared_for(undertaking.ids),
        "grant_form": grant_form or AidGrantForm(prefix="grant", may_override=may_override),
        "declared_form": declared_form or DeclaredAidForm(prefix="declared"),
        "open_form": "grant" if grant_form is not None else ("declared" if declared_form is not None else ""),
    }
    return render(request, "backoffice/deminimis_company.html", context, status=status)


@staff_required
def deminimis_company(request: HttpRequest, company_id: int) -> HttpResponse:
    return _render(request, access.company_for_staff(_user(request), company_id))


@require_POST
@editor_required
def deminimis_grant(request: HttpRequest, company_id: int) -> HttpResponse:
    user = _user(request)
    company = access.company_for_staff_edit(user, company_id)
    may_override = user.role == Role.COORDINATOR
    form = AidGrantForm(request.POST, prefix="grant", may_override=may_override)
    if form.is_valid():
        data = form.cleaned_data
        try:
            grant = services.aid_grant(
                actor=user,
                company=company,
                granted_on=data["granted_on"],
                value_eur=data["value_eur"],
                purpose=data["purpose"],
                offer=data.get("offer"),
                override_reason=data.get("override_reason", "") if may_override else "",
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Aid granted; certificate %(number)s issued.") % {"number": grant.certificate_number})
            return redirect("backoffice:deminimis_company", company_id=company.pk)
    return _render(request, company, grant_form=form, status=400)


@require_POST
@editor_required
def deminimis_declare(request: HttpRequest, company_id: int) -> HttpResponse:
    user = _user(request)
    company = access.company_for_staff_edit(user, company_id)
    form = DeclaredAidForm(request.POST, prefix="declared")
    if form.is_valid():
        try:
            services.declared_aid_add(actor=user, company=company, source=DeclaredAid.Source.BACKOFFICE, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Declared aid recorded."))
            return redirect("backoffice:deminimis_company", company_id=company.pk)
    return _render(request, company, declared_form=form, status=400)


@require_POST
@editor_required
def deminimis_declared_delete(request: HttpRequest, company_id: int, declared_id: int) -> HttpResponse:
    user = _user(request)
    declared = access.declared_for_staff_edit(user, company_id, declared_id)
    services.declared_aid_delete(actor=user, declared=declared)
    messages.success(request, _("Declared aid deleted."))
    return redirect("backoffice:deminimis_company", company_id=company_id)


@staff_required
def deminimis_list(request: HttpRequest) -> HttpResponse:
    grants = access.grants_for_staff(_user(request)).order_by("-granted_on", "-id")
    page = Paginator(grants, 50).get_page(request.GET.get("page"))
    page_range = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return render(request, "backoffice/deminimis_list.html", {"page": page, "page_range": page_range, "query": ""})


@staff_required
def deminimis_certificate(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = access.grant_for_staff(_user(request), grant_id)
    response = HttpResponse(pdf.render_certificate(grant), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.certificate_filename(grant)}"'
    return response
