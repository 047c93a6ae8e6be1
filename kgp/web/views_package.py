"""The Baukasten in the portal: collect offers, add notes, send them as a request; and the company
user's view of its requests. Thin: the package lives in kgp.requests.package, writes go through
kgp.requests.services, reads of requests through kgp.requests.access."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from kgp.accounts.models import User
from kgp.assessment.models import CheckResult
from kgp.catalogue.models import Offer
from kgp.companies import access as company_access
from kgp.companies.consents import consent_text
from kgp.core.errors import ServiceError
from kgp.requests import access, package, services
from kgp.requests.forms import RequestForm
from kgp.requests.notifications import agency_name

SENT_SESSION_KEY = "package_sent"
CHECK_SESSION_KEY = "check_result_token"
# Requests one client address may send per hour (spam protection; counted in the cache).
SEND_LIMIT = 5
SEND_LIMIT_WINDOW = 3600


def _safe_next(request: HttpRequest, default: str) -> str:
    """The local path to return to (`next`), or the default: never another site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _parse_id(value: Any) -> int | None:
    """A database id from ASCII digits (1 ≤ id < 2**63), or None."""
    return package.parse_id(value)


def _offer_id(value: Any) -> int:
    pk = _parse_id(value)
    if pk is None:
        raise Http404
    return pk


def _posted_notes(request: HttpRequest) -> dict[int, str]:
    """Notes from the package page (`note-<offer id>`) or a single one (`offer` and `note`)."""
    notes: dict[int, str] = {}
    for key, value in request.POST.items():
        if key.startswith("note-") and (pk := _parse_id(key[5:])) is not None:
            notes[pk] = value
    if "note" in request.POST and (pk := _parse_id(request.POST.get("offer"))) is not None:
        notes[pk] = request.POST["note"]
    return notes


def _catalogue_url() -> str:
    try:
        return reverse("web:catalogue")
    except NoReverseMatch:
        return reverse("web:landing")


def _render_package(request: HttpRequest, *, notes: dict[int, str] | None = None, errors: dict[int, str] | None = None, status: int = 200) -> HttpResponse:
    entries = package.entries(request)
    rows = [
        {"entry": e, "note": (notes or {}).get(e.offer.pk, e.note), "error": (errors or {}).get(e.offer.pk, "")}
        for e in entries
    ]
    return render(
        request,
        "web/package/package.html",
        {
            "rows": rows,
            "available_count": sum(1 for e in entries if e.available),
            "max_note": package.MAX_NOTE,
            "catalogue_url": _catalogue_url(),
        },
        status=status,
    )


@never_cache
def package_view(request: HttpRequest) -> HttpResponse:
    return _render_package(request)


@require_POST
@never_cache
@vary_on_headers("HX-Request")
def package_add(request: HttpRequest) -> HttpResponse:
    """Add a public offer. htmx gets the button's replacement and the new count; others a redirect."""
    offer = Offer.objects.public().filter(pk=_offer_id(request.POST.get("offer"))).first()
    if offer is None:
        raise Http404
    try:
        added = package.add(request, offer)
        full = False
    except package.PackageFull:
        added, full = False, True
    if request.htmx:
        return render(
            request,
            "web/package/_add_result.html",
            # 200 also when the package is full: htmx swaps only successful answers, and the fragment says it.
            {"offer": offer, "added": added, "full": full, "package_count": package.count(request)},
        )
    if full:
        messages.error(request, _("Your package is full (at most %(max)s offers). Please send it or remove offers first.") % {"max": package.MAX_ITEMS})
    elif added:
        messages.success(request, _("“%(title)s” is now in your package.") % {"title": offer.title})
    else:
        messages.info(request, _("“%(title)s” is already in your package.") % {"title": offer.title})
    return redirect(_safe_next(request, reverse("web:package")))


def _note_errors(notes: dict[int, str]) -> dict[int, str]:
    too_long = _("A note may be at most %(max)s characters long.") % {"max": package.MAX_NOTE}
    return {pk: too_long for pk, note in notes.items() if len(package.clean_note(note)) > package.MAX_NOTE}


@require_POST
@never_cache
def package_remove(request: HttpRequest) -> HttpResponse:
    """Remove an offer. Notes typed on the package page in the meantime are kept (saved too)."""
    offer_id = _offer_id(request.POST.get("offer"))
    notes = {pk: note for pk, note in _posted_notes(request).items() if pk != offer_id}
    if not _note_errors(notes):
        package.set_notes(request, notes)
    if package.remove(request, offer_id):
        messages.success(request, _("The offer was removed from your package."))
    return redirect(_safe_next(request, reverse("web:package")))


@require_POST
@never_cache
def package_note(request: HttpRequest) -> HttpResponse:
    """Save the notes; with `continue` go on to the request form."""
    notes = _posted_notes(request)
    errors = _note_errors(notes)
    if errors:
        return _render_package(request, notes=notes, errors=errors, status=400)
    package.set_notes(request, notes)
    if request.POST.get("continue"):
        return redirect("web:package_send")
    messages.success(request, _("Your notes are saved."))
    return redirect(_safe_next(request, reverse("web:package")))


def _check_result(request: HttpRequest) -> CheckResult | None:
    """The visitor's own completed Transformations-Check (its token is in their session)."""
    token = request.session.get(CHECK_SESSION_KEY)
    if not token or not isinstance(token, str):
        return None
    return CheckResult.objects.filter(token=token, completed_at__isnull=False).first()


def _member_companies(user: Any) -> Any:
    """A company user's approved companies (None: the request form asks for the company data)."""
    if not package.uses_account(user):
        return None
    companies = company_access.companies_for_member(user).order_by("name", "id")
    return companies if companies.exists() else None


def _initial(user: Any) -> dict[str, str]:
    if not user.is_authenticated:
        return {}
    return {"contact_name": user.get_full_name(), "contact_email": user.email}


def _client_key(request: HttpRequest) -> str:
    return "kgp:request-send:" + str(request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _over_send_limit(request: HttpRequest) -> bool:
    return int(cache.get(_client_key(request)) or 0) >= SEND_LIMIT


def _count_send(request: HttpRequest) -> None:
    key = _client_key(request)
    if not cache.add(key, 1, SEND_LIMIT_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.add(key, 1, SEND_LIMIT_WINDOW)


@never_cache
def package_send(request: HttpRequest) -> HttpResponse:
    user = request.user
    if getattr(user, "is_authenticated", False) and user.is_staff_member:  # type: ignore[union-attr]
        # Staff create company records in the backoffice, not through the public form.
        raise PermissionDenied
    entries = package.entries(request)
    available = [e for e in entries if e.available]
    if request.method != "POST" and not available:
        messages.info(request, _("Please add at least one offer to your package first."))
        return redirect("web:package")
    companies = _member_companies(user)
    check = _check_result(request)
    form = RequestForm(
        request.POST or None,
        member_companies=companies,
        offer_check=check is not None,
        initial=_initial(user),
        session=request.session,
    )
    if companies is not None and len(companies) == 1:
        form.fields["company"].widget = forms.HiddenInput()
        form.fields["company"].initial = companies[0].pk
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and _over_send_limit(request):
        form.add_error(None, _("Too many requests were sent from your connection. Please try again in an hour."))
        status = 429
    elif request.method == "POST" and form.is_valid() and not form.consume_stamp():
        form.add_error(
            None, _("This form was already sent or was not opened in this browser. Please check it and send it again.")
        )
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = services.request_submit(
                actor=user if user.is_authenticated else None,  # type: ignore[arg-type]
                company_data=None if form.member_mode else form.company_data(),
                company=data.get("company") if form.member_mode else None,
                contact={"name": data["contact_name"], "email": data["contact_email"], "phone": data["contact_phone"]},
                message=data["message"],
                channel=data["preferred_channel"],
                preferred_time=data["preferred_time"],
                offers_with_notes=[(e.offer, e.note) for e in available],
                consent_given=data["consent"],
                language=get_language() or "de",
                check_result=check if data.get("send_check_result") else None,
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            package.clear(request)
            _count_send(request)
            request.session[SENT_SESSION_KEY] = req.pk
            return redirect("web:package_sent")
    return render(
        request,
        "web/package/send.html",
        {
            "form": form,
            "available": available,
            "unavailable": [e for e in entries if not e.available],
            "companies": companies,
            "consent_text": consent_text("request", get_language()),
            "check": check,
        },
        status=status,
    )


@never_cache
def package_sent(request: HttpRequest) -> HttpResponse:
    """The confirmation after sending: who will get in touch and what happens next."""
    req = access.request_sent_in_session(request.session.get(SENT_SESSION_KEY))
    if req is None:
        return redirect("web:package")
    user = request.user
    portal_link = user.is_authenticated and access.requests_for_member(user).filter(pk=req.pk).exists()  # type: ignore[arg-type]
    return render(
        request,
        "web/package/sent.html",
        {"req": req, "agency": agency_name(req), "items": req.items.all(), "portal_link": portal_link},
    )


@login_required
def portal_request(request: HttpRequest, request_id: int) -> HttpResponse:
    """A company user's request: offers, status and what happens next. Others' requests: 404."""
    user: User = request.user  # type: ignore[assignment]
    req = access.request_for_member(user, request_id)
    member = access.is_member_of_company(user, req)
    return render(
        request,
        "web/package/portal_request.html",
        {
            "req": req,
            # A request sent anonymously by someone else and matched to the company: no personal details.
            "details": access.member_full_view(user, req),
            "agency": agency_name(req),
            "items": req.items.all(),
            # Someone who sent a request before their membership was confirmed sees the company data as
            # they entered it, not the record it was matched to.
            "company_name": req.company.name if member else (req.submitted_company.get("name") or req.company.name),
            "member": member,
        },
    )

