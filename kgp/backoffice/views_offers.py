"""Backoffice: the offer catalogue. Thin views: forms validate, the catalogue's access layer reads,
its services write (audit log included)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kgp.accounts.models import User
from kgp.catalogue import access, services
from kgp.catalogue.filters import STAFF_FIELDS, OfferFilter
from kgp.catalogue.forms import OfferForm, StatusForm
from kgp.catalogue.models import Format, Module, Offer, OfferStatus
from kgp.catalogue.queries import offer_history
from kgp.catalogue.texts import after_request_text, effort_text
from kgp.companies.models import Topic
from kgp.core.errors import ServiceError
from kgp.organisations.models import Organisation

from .decorators import editor_required, staff_required

PER_PAGE = 50
HISTORY_LIMIT = 50
STATUS_DONE = {
    OfferStatus.PUBLISHED: gettext_lazy("The offer is published."),
    OfferStatus.ARCHIVED: gettext_lazy("The offer is archived; it no longer appears in the public catalogue."),
    OfferStatus.DRAFT: gettext_lazy("The offer is a draft again; it no longer appears in the public catalogue."),
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _service_error(form: OfferForm, exc: ServiceError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


@staff_required
def offer_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    flt = OfferFilter.from_params(request.GET, fields=STAFF_FIELDS)
    for message in flt.errors.values():
        messages.warning(request, message)
    qs = flt.apply(access.offers_for_staff(user)).select_related("owner")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/offer_list.html",
        {
            "page": page,
            "filter": flt,
            "query": query.urlencode(),
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "modules": Module.choices,
            "formats": Format.choices,
            "statuses": OfferStatus.choices,
            "topics": Topic.objects.all(),
            "owners": Organisation.objects.order_by("name"),
            "can_create": access.can_create_offer(user),
            "today": timezone.localdate(),
        },
    )


def _render_detail(request: HttpRequest, offer: Offer, *, error: str = "", status: int = 200) -> HttpResponse:
    user = _user(request)
    context = {
        "offer": offer,
        "can_edit": access.can_edit_offer(user, offer),
        "is_public": access.public_offers().filter(pk=offer.pk).exists(),
        "after_request": after_request_text(offer),
        "effort": effort_text(offer.effort_hours),
        "history": offer_history(offer, limit=HISTORY_LIMIT),
        "statuses": [s for s in OfferStatus if s != offer.status],
        "error": error,
    }
    return render(request, "backoffice/offer_detail.html", context, status=status)


@staff_required
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    return _render_detail(request, access.offer_for_staff(_user(request), offer_id))


@editor_required
def offer_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = OfferForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.offer_create(
                actor=user,
                data=form.service_data(),
                topics=form.cleaned_data["topics"],
                providers=form.cleaned_data.get("providers") or [],
            )
        except ServiceError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Offer created."))
            return redirect("backoffice:offer_detail", offer_id=offer.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/offer_form.html", {"form": form}, status=status)


@editor_required
def offer_edit(request: HttpRequest, offer_id: int) -> HttpResponse:
    user = _user(request)
    offer = access.offer_for_staff_edit(user, offer_id)
    heading = offer.title  # the form writes the posted values into `offer`
    initial = {"topics": list(offer.topics.all()), "providers": list(offer.providers.all())}
    form = OfferForm(request.POST or None, instance=offer, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_update(
                actor=user,
                offer=offer,
                data=form.service_data(),
                topics=form.cleaned_data["topics"],
                providers=form.cleaned_data.get("providers") or [],
            )
        except ServiceError as exc:
            _service_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:offer_detail", offer_id=offer.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/offer_form.html", {"form": form, "offer": offer, "heading": heading}, status=status)


@require_POST
@editor_required
def offer_status(request: HttpRequest, offer_id: int) -> HttpResponse:
    """Publish, archive or return to draft (the buttons on the offer page)."""
    user = _user(request)
    offer = access.offer_for_staff_edit(user, offer_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, offer, error=_("Please choose a valid status."), status=400)
    try:
        services.offer_set_status(actor=user, offer=offer, status=form.cleaned_data["status"])
    except ServiceError as exc:
        # E.g. an offer saved before a rule existed: the page says what to correct under "Edit".
        return _render_detail(request, offer, error=exc.message, status=400)
    messages.success(request, str(STATUS_DONE[OfferStatus(form.cleaned_data["status"])]))
    return redirect("backoffice:offer_detail", offer_id=offer.pk)
