"""Portal: a company's de-minimis aid, its certificates and the De-minimis-Erklärung."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kgp.accounts.models import Role, User
from kgp.core.errors import ServiceError
from kgp.deminimis import access, pdf, services
from kgp.deminimis.forms import DeclaredAidForm
from kgp.deminimis.models import AidGrant, DeclaredAid


def _company_user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if user.role != Role.COMPANY:
        raise Http404
    return user


@login_required
def portal_deminimis(request: HttpRequest, company_id: int) -> HttpResponse:
    user = _company_user(request)
    company = access.company_for_member(user, company_id)
    form = DeclaredAidForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.declared_aid_add(actor=user, company=company, source=DeclaredAid.Source.PORTAL, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Thank you: the aid is recorded in your De-minimis declaration."))
                return redirect("web:portal_deminimis", company_id=company.pk)
        status = 400
    context = {
        "company": company,
        "grants": AidGrant.objects.filter(company=company).select_related("organisation"),
        "declared": DeclaredAid.objects.filter(company=company),
        "form": form,
    }
    return render(request, "web/deminimis/company.html", context, status=status)


@login_required
def portal_deminimis_certificate(request: HttpRequest, company_id: int, grant_id: int) -> HttpResponse:
    grant = access.grant_for_member(_company_user(request), company_id, grant_id)
    response = HttpResponse(pdf.render_certificate(grant), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.certificate_filename(grant)}"'
    return response
