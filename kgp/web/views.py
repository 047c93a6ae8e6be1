"""Public portal: landing page and the company user's own area."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kgp.accounts.models import Role, User
from kgp.appointments import queries as appointment_queries
from kgp.companies import access, services
from kgp.companies.consents import consent_text
from kgp.companies.forms import CompanyForm, ConsentForm
from kgp.companies.models import CompanyMembership, Consent
from kgp.core.errors import ServiceError
from kgp.journey import queries as journey_queries
from kgp.organisations.models import Organisation
from kgp.organisations.queries import municipality_for_postcode
from kgp.requests import access as request_access


def health(request: HttpRequest) -> HttpResponse:
    """Liveness and database readiness for the load balancer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


MODULES = [
    ("inform", "Inform"),
    ("coach", "Coach"),
    ("connect", "Connect"),
    ("transfer", "Transfer"),
]


def landing(request: HttpRequest) -> HttpResponse:
    partners = Organisation.objects.prefetch_related("municipalities").order_by("-is_lead_partner", "name")
    return render(request, "web/landing.html", {"partners": partners})


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.is_staff_member:
        return redirect("backoffice:home")
    if user.role == Role.COMPETENCE:
        return redirect("web:portal_competences")
    return redirect("web:portal")


def _company_user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if user.role != Role.COMPANY:
        raise Http404
    return user


@login_required
def portal_home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.is_staff_member:
        return redirect("backoffice:home")
    memberships = CompanyMembership.objects.filter(user=user, company__is_active=True).select_related(
        "company", "company__responsible_partner"
    )
    requests = request_access.requests_for_member(user).order_by("-created_at", "-id")[:20]
    approved = CompanyMembership.objects.filter(
        user=user, status=CompanyMembership.Status.APPROVED, company__is_active=True
    ).values("company_id")
    return render(
        request,
        "web/portal_home.html",
        {
            "memberships": memberships,
            "requests": requests,
            # One query each; the approved companies are a subquery.
            "next_steps": journey_queries.next_steps_for_companies(approved),
            "upcoming_bookings": appointment_queries.upcoming_bookings_for_companies(approved),
        },
    )


@login_required
def portal_company_create(request: HttpRequest) -> HttpResponse:
    user = _company_user(request)
    form = CompanyForm(request.POST or None)
    consent_form = ConsentForm(request.POST or None, prefix="consent")
    if request.method == "POST" and form.is_valid() and consent_form.is_valid():
        try:
            company, membership = services.company_register_by_user(
                user=user, data=form.service_data(), topics=form.cleaned_data.get("topics") or []
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if membership.status == CompanyMembership.Status.APPROVED:
                for kind in (Consent.Kind.NETWORK_SHARING, Consent.Kind.NEWSLETTER):
                    if consent_form.cleaned_data.get(kind):
                        services.consent_record(
                            actor=user, company=company, kind=kind, granted=True, source="portal", language=get_language()
                        )
                messages.success(request, _("Your company is registered. Your agency will get in touch."))
                return redirect("web:portal_company_edit", company_id=company.pk)
            messages.info(
                request,
                _(
                    "This company is registered already. We have asked the responsible agency to confirm that "
                    "you belong to it; you will see it here once they have."
                ),
            )
            return redirect("web:portal")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/portal_company_form.html",
        {"form": form, "consent_form": consent_form, "texts": _consent_texts()},
        status=status,
    )


def _consent_texts() -> dict[str, str]:
    return {kind: consent_text(kind) for kind in ("network_sharing", "newsletter")}


@login_required
def portal_company_edit(request: HttpRequest, company_id: int) -> HttpResponse:
    user = _company_user(request)
    company = access.company_for_member(user, company_id)
    form = CompanyForm(request.POST or None, instance=company, initial={"topics": company.topics.all()})
    consent_form = ConsentForm(
        request.POST or None,
        prefix="consent",
        initial={"network_sharing": company.network_sharing, "newsletter": company.newsletter},
    )
    if request.method == "POST" and form.is_valid() and consent_form.is_valid():
        moved_to = municipality_for_postcode(form.cleaned_data["postcode"])
        if (moved_to.partner_id if moved_to else None) != company.responsible_partner_id:
            form.add_error(
                "postcode",
                _(
                    "With this postcode another agency would be responsible for your company. A move to "
                    "another area is recorded by the network coordination: please tell your agency."
                ),
            )
    if request.method == "POST" and form.is_valid() and consent_form.is_valid():
        try:
            company = services.company_update(
                actor=user, company=company, data=form.service_data(), topics=form.cleaned_data.get("topics") or []
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            for kind in (Consent.Kind.NETWORK_SHARING, Consent.Kind.NEWSLETTER):
                wanted = bool(consent_form.cleaned_data.get(kind))
                if wanted != getattr(company, kind):
                    services.consent_record(
                        actor=user, company=company, kind=kind, granted=wanted, source="portal", language=get_language()
                    )
            messages.success(request, _("Your changes are saved."))
            return redirect("web:portal_company_edit", company_id=company.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "web/portal_company_form.html",
        {"form": form, "consent_form": consent_form, "company": company, "texts": _consent_texts()},
        status=status,
    )
