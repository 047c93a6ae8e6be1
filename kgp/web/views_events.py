"""Portal: the events (/veranstaltungen/). The public list with its filters, the event pages with
schema.org markup and the registration form, the calendar feeds, and the participant's pages behind
the unguessable link of their registration (confirm, manage, calendar file, feedback); for company
users their registrations under /portal/veranstaltungen/.

Thin: reads go through `kgp.events.access` and `kgp.events.queries`, every change through
`kgp.events.services`, whose `ServiceError` comes back on the form (status 400).

The token pages carry the token in their address: they are never stored (`private, no-store`) and
send no referrer to the sites they link to. Nothing changes on a GET: mail scanners open links.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kgp.accounts.models import Role, User
from kgp.catalogue import access as catalogue_access
from kgp.companies import access as company_access
from kgp.companies.models import Company, Topic
from kgp.competences import access as competence_access
from kgp.core.errors import ServiceError
from kgp.events import access, ics, queries, services
from kgp.events.models import ACTIVE_STATUSES, Event, EventStatus, Registration, RegistrationStatus
from kgp.events.notifications import when_text
from kgp.organisations.models import Organisation

from .forms_events import EventFilterForm, FeedbackForm, RegistrationForm

S = RegistrationStatus
PER_PAGE = 20
FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 365
# Guest registrations one client address may send per hour (spam protection; counted in the cache).
REGISTER_LIMIT = 10
REGISTER_LIMIT_WINDOW = 3600
SENT_SESSION_KEY = "event_registration_sent"
ICS_TYPE = "text/calendar; charset=utf-8"
# Characters that could end the data block or start markup inside it (as json_script escapes them).
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
SCHEMA = "https://schema.org/"


# --- helpers ------------------------------------------------------------------------------------


def token_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page whose address holds a registration's token: never stored. Its address is not sent to
    other sites (the project-wide `Referrer-Policy: same-origin`); `no-referrer` would make the
    browser send `Origin: null` with the page's forms, which the CSRF check rightly refuses."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapper


def _language() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "de"


def _datetime_text(value: dt.datetime) -> str:
    local = timezone.localtime(value)
    return f"{date_format(local, 'DATE_FORMAT')}, {date_format(local, 'TIME_FORMAT')}"


def availability_text(event: Event, state: str, free: int) -> str:
    """The registration state of an event in words, as the list and the event page show it."""
    if state == "cancelled":
        return _("Cancelled")
    if state == "past":
        return _("Registration closed")
    if state == "closed":
        return _("Registration closed")
    if state == "not_yet" and event.registration_opens_at:
        return _("Registration opens on %(when)s") % {"when": _datetime_text(event.registration_opens_at)}
    if state != "open":
        return ""
    if free > 0:
        return ngettext("%(n)d seat free", "%(n)d seats free", free) % {"n": free}
    return _("fully booked – waiting list")


def _decorate(event: Event, now: dt.datetime) -> Event:
    """What a row or page shows about an event, computed once (no queries beyond the annotations)."""
    event.when = when_text(event)  # type: ignore[attr-defined]
    event.place = ics.location_text(event)  # type: ignore[attr-defined]
    event.free = queries.free_seats(event)  # type: ignore[attr-defined]
    event.state = event.registration_state(now)  # type: ignore[attr-defined]
    event.availability = availability_text(event, event.state, event.free)  # type: ignore[attr-defined]
    organisers = [o.short_name for o in event.organisations.all()]
    if event.co_organiser_id:
        organisers.append(event.co_organiser.name)
    event.organisers = organisers  # type: ignore[attr-defined]
    return event


def _member_companies(user: Any) -> list[Company] | None:
    """A company user's approved companies (they register in two clicks), or None: a guest."""
    if not (getattr(user, "is_authenticated", False) and user.role == Role.COMPANY):
        return None
    companies = list(company_access.companies_for_member(user).order_by("name"))
    return companies or None


def _client_key(request: HttpRequest) -> str:
    return "kgp:event-register:" + str(request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _over_limit(request: HttpRequest) -> bool:
    return int(cache.get(_client_key(request)) or 0) >= REGISTER_LIMIT


def _count_registration(request: HttpRequest) -> None:
    key = _client_key(request)
    if not cache.add(key, 1, REGISTER_LIMIT_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired in between
            cache.add(key, 1, REGISTER_LIMIT_WINDOW)


# --- list, feeds --------------------------------------------------------------------------------


def event_list(request: HttpRequest) -> HttpResponse:
    topics = list(Topic.objects.all())
    partners = list(Organisation.objects.order_by("-is_lead_partner", "name"))
    form = EventFilterForm(request.GET, topics=topics, partners=partners)
    form.is_valid()
    flt = form.event_filter()
    qs = queries.list_rows(flt.apply(access.public_events()))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = queries.attach_counts(page.object_list)
    now = timezone.now()
    for event in page.object_list:
        _decorate(event, now)
    query = request.GET.copy()
    query.pop("page", None)
    topic = next((t for t in topics if t.key == flt.topic), None)
    context = {
        "page": page,
        "form": form,
        "query": query.urlencode(),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "topic": topic,
        "company_user": getattr(request.user, "role", None) == Role.COMPANY,
    }
    return render(request, "web/events/list.html", context)


def _feed_events(qs: QuerySet[Event]) -> QuerySet[Event]:
    now = timezone.now()
    return (
        qs.filter(
            starts_at__gte=now - dt.timedelta(days=FEED_PAST_DAYS), starts_at__lte=now + dt.timedelta(days=FEED_FUTURE_DAYS)
        )
        .select_related("municipality")
        .order_by("starts_at", "id")
    )


def _calendar_response(body: str, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{filename}"'
    return response


@require_safe
def event_feed(request: HttpRequest) -> HttpResponse:
    body = ics.feed(_feed_events(access.public_events()), name=_("Events – Kompetenzregion green production"))
    return _calendar_response(body, "veranstaltungen.ics", attachment=False)


@require_safe
def event_feed_topic(request: HttpRequest, topic: str) -> HttpResponse:
    chosen = Topic.objects.filter(key=topic).first()
    if chosen is None:
        raise Http404
    events = _feed_events(access.public_events().filter(topics=chosen))
    body = ics.feed(events, name=_("Events: %(topic)s – Kompetenzregion green production") % {"topic": chosen})
    return _calendar_response(body, f"veranstaltungen-{chosen.key}.ics", attachment=False)


# --- the event page and the registration ----------------------------------------------------------


def _iso(value: dt.datetime) -> str:
    return value.astimezone(ics.BERLIN).isoformat(timespec="seconds")


def _availability_url(state: str, free: int) -> str:
    if state == "open":
        return SCHEMA + ("InStock" if free > 0 else "SoldOut")
    if state == "not_yet":
        return SCHEMA + "PreOrder"
    return SCHEMA + "Discontinued"


def json_ld(event: Event, *, url: str, organisers: list[dict[str, str]]) -> SafeString:
    """The schema.org Event of an event page, safe inside a <script> data block. The online link is
    never part of it (it is for confirmed participants only)."""
    if event.online:
        location: dict[str, Any] = {"@type": "VirtualLocation", "name": _("Online")}
    else:
        address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "DE"}
        if event.address:
            address["streetAddress"] = event.address
        if event.municipality_id:
            address["addressLocality"] = event.municipality.name
        location = {"@type": "Place", "name": event.venue or ics.location_text(event), "address": address}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": event.summary,
        "startDate": _iso(event.starts_at),
        "endDate": _iso(event.ends_at),
        "eventStatus": SCHEMA + ("EventCancelled" if event.status == EventStatus.CANCELLED else "EventScheduled"),
        "eventAttendanceMode": SCHEMA + ("OnlineEventAttendanceMode" if event.online else "OfflineEventAttendanceMode"),
        "location": location,
        "organizer": organisers,
        "url": url,
        "offers": {
            "@type": "Offer",
            "url": url,
            "availability": _availability_url(event.state, event.free),  # type: ignore[attr-defined]
        },
    }
    if event.registration_opens_at:
        data["offers"]["validFrom"] = _iso(event.registration_opens_at)
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES))  # noqa: S308 (escaped above)


def _own_registration(user: Any, event: Event) -> Registration | None:
    """A company user's active registration for this event (to link instead of the form)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return access.registrations_for_user(user).filter(event=event, status__in=ACTIVE_STATUSES).first()


def _render_detail(
    request: HttpRequest, event: Event, *, form: RegistrationForm | None = None, status: int = 200
) -> HttpResponse:
    _decorate(event, timezone.now())
    url = ics.event_url(event)
    organisers = [{"@type": "Organization", "name": o.name} for o in event.organisations.all()]
    co_organiser_public = False
    if event.co_organiser_id:
        organisers.append({"@type": "Organization", "name": event.co_organiser.name})
        co_organiser_public = competence_access.public_profiles().filter(pk=event.co_organiser_id).exists()
    offer_public = bool(event.offer_id) and catalogue_access.public_offers().filter(pk=event.offer_id).exists()
    own = _own_registration(request.user, event)
    companies = _member_companies(request.user)
    if form is None and own is None and event.state == "open":  # type: ignore[attr-defined]
        initial: dict[str, Any] = {}
        if request.user.is_authenticated:
            initial = {"first_name": request.user.first_name, "last_name": request.user.last_name}
            if companies is None:
                initial["email"] = request.user.email
        form = RegistrationForm(event=event, member_companies=companies, initial=initial)
    context = {
        "event": event,
        "form": form,
        "own_registration": own,
        "companies": companies,
        "json_ld": json_ld(event, url=url, organisers=organisers),
        "co_organiser_public": co_organiser_public,
        "offer_public": offer_public,
        "funding_notice": getattr(settings, "EVENT_FUNDING_NOTICE", ""),
        "topics": list(event.topics.all()),
    }
    return render(request, "web/events/detail.html", context, status=status)


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _render_detail(request, access.public_event(slug))


def _form_error(form: RegistrationForm, exc: ServiceError) -> None:
    field = exc.field
    if form.member_mode and field == "company_name":
        field = "company"
    if field not in form.fields or form.fields[field].widget.is_hidden:
        field = None
    form.add_error(field, exc.message)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def event_register(request: HttpRequest, slug: str) -> HttpResponse:
    event = access.public_event(slug)
    if request.method != "POST":
        return redirect("web:event_detail", slug=event.slug)
    user = request.user
    companies = _member_companies(user)
    form = RegistrationForm(request.POST, event=event, member_companies=companies)
    status = 400
    if companies is None and _over_limit(request):
        form.add_error(None, _("Too many registrations were sent from your connection. Please try again in an hour."))
        status = 429
    elif form.is_valid():
        data = form.cleaned_data
        try:
            if companies is not None:
                company = data["company"]
                registration = services.registration_create(
                    event=event, email=user.email, first_name=data["first_name"], last_name=data["last_name"],
                    company_name=company.name, function=data["function"], answers=form.answers(), user=user,
                    company=company, language=_language(),
                )  # fmt: skip
            else:
                registration = services.registration_create(
                    event=event, email=data["email"], first_name=data["first_name"], last_name=data["last_name"],
                    company_name=data["company_name"], function=data["function"], answers=form.answers(),
                    language=_language(),
                )  # fmt: skip
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            if companies is not None:
                if registration.status == S.REGISTERED:
                    messages.success(request, _("You are registered. We have sent you a confirmation with a calendar file."))
                else:
                    messages.info(request, _("The event is fully booked; you are on the waiting list. We will e-mail you when a seat becomes free."))
                return redirect("web:event_registration", token=registration.token)
            _count_registration(request)
            request.session[SENT_SESSION_KEY] = {"event": event.pk, "email": registration.email}
            return redirect("web:event_register_sent", slug=event.slug)
    return _render_detail(request, event, form=form, status=status)


@never_cache
def event_register_sent(request: HttpRequest, slug: str) -> HttpResponse:
    """After a guest's registration: please confirm your e-mail address. (The registration's own link
    is never shown here: only the e-mail proves the address.)"""
    event = access.public_event(slug)
    sent = request.session.get(SENT_SESSION_KEY)
    if not isinstance(sent, dict) or sent.get("event") != event.pk:
        return redirect("web:event_detail", slug=event.slug)
    context = {"event": event, "email": str(sent.get("email") or ""), "pending_hours": services.PENDING_HOURS}
    return render(request, "web/events/register_sent.html", context)


# --- the participant's pages (by token) -----------------------------------------------------------


def _registration_event(registration: Registration) -> Event:
    event = registration.event
    now = timezone.now()
    event.when = when_text(event)  # type: ignore[attr-defined]
    event.place = ics.location_text(event)  # type: ignore[attr-defined]
    event.state = event.registration_state(now)  # type: ignore[attr-defined]
    return event


@token_page
@require_http_methods(["GET", "HEAD", "POST"])
def event_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The double opt-in: GET shows a button, only the POST confirms."""
    registration = access.registration_by_token(token)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            registration = services.registration_confirm(token=token)
        except ServiceError as exc:
            error, status = exc.message, 400
        else:
            if registration.status == S.REGISTERED:
                messages.success(request, _("Thank you, your registration is confirmed. We have sent you a confirmation with a calendar file."))
            elif registration.status == S.WAITLISTED:
                messages.info(request, _("Thank you for confirming. The event is fully booked; you are on the waiting list."))
            return redirect("web:event_registration", token=registration.token)
    context = {"registration": registration, "event": _registration_event(registration), "error": error}
    return render(request, "web/events/confirm.html", context, status=status)


def _render_registration(request: HttpRequest, registration: Registration, *, error: str = "", status: int = 200) -> HttpResponse:
    event = _registration_event(registration)
    questions = {q["key"]: q["label"] for q in event.questions or []}
    answers = [(questions.get(key, key), value) for key, value in (registration.answers or {}).items()]
    active_before_event = registration.status in (S.PENDING, S.REGISTERED, S.WAITLISTED, S.OFFERED) and not event.is_past
    context = {
        "registration": registration,
        "event": event,
        "answers": answers,
        "error": error,
        "can_cancel": active_before_event and event.status == EventStatus.PUBLISHED,
        "show_link": registration.is_confirmed_participant and event.online and bool(event.online_url)
        and event.status == EventStatus.PUBLISHED,
        "has_calendar": registration.status in (S.REGISTERED, S.ATTENDED, S.NO_SHOW, S.CANCELLED),
        "feedback_open": registration.status == S.ATTENDED and not hasattr(registration, "feedback"),
        "organisations": list(event.organisations.all()),
    }
    return render(request, "web/events/registration.html", context, status=status)


@token_page
@require_safe
def event_registration(request: HttpRequest, token: str) -> HttpResponse:
    return _render_registration(request, access.registration_by_token(token))


def _participant(request: HttpRequest, registration: Registration) -> User | None:
    """The signed-in company user whose registration this is (for the history), else nobody."""
    user = request.user
    if user.is_authenticated and user.role == Role.COMPANY and registration.user_id == user.pk:
        return user  # type: ignore[return-value]
    return None


@token_page
@require_POST
def event_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Cancel the registration, leave the waiting list, or decline an offered seat."""
    registration = access.registration_by_token(token)
    before = registration.status
    try:
        services.registration_cancel(registration=registration, actor=_participant(request, registration))
    except ServiceError as exc:
        return _render_registration(request, registration, error=exc.message, status=400)
    if before == S.WAITLISTED:
        messages.success(request, _("You have left the waiting list."))
    elif before == S.OFFERED:
        messages.success(request, _("You have declined the seat. It goes to the next person on the waiting list."))
    elif before != S.CANCELLED:
        messages.success(request, _("Your registration has been cancelled."))
    return redirect("web:event_registration", token=token)


@token_page
@require_POST
def event_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Take the seat offered from the waiting list."""
    registration = access.registration_by_token(token)
    try:
        services.offer_accept(registration=registration)
    except ServiceError as exc:
        registration.refresh_from_db()
        return _render_registration(request, registration, error=exc.message, status=400)
    messages.success(request, _("You have accepted the seat. We have sent you a confirmation with a calendar file."))
    return redirect("web:event_registration", token=token)


@token_page
@require_safe
def event_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The participant's calendar file (with the online link once confirmed; a cancellation once cancelled)."""
    registration = access.registration_by_token(token)
    if registration.status not in (S.REGISTERED, S.ATTENDED, S.NO_SHOW, S.CANCELLED):
        raise Http404
    body = ics.registration_calendar(registration, cancel=registration.status == S.CANCELLED)
    return _calendar_response(body, "veranstaltung.ics", attachment=True)


@token_page
@require_http_methods(["GET", "HEAD", "POST"])
def event_feedback(request: HttpRequest, token: str) -> HttpResponse:
    """The short survey after the event: those who attended, once."""
    registration = access.registration_by_token(token)
    event = _registration_event(registration)
    given = hasattr(registration, "feedback")
    allowed = registration.status == S.ATTENDED and not given
    form = FeedbackForm(request.POST or None) if allowed else None
    status = 200
    if request.method == "POST":
        status = 400
        if form is not None and form.is_valid():
            try:
                services.feedback_submit(
                    registration=registration, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Thank you for your feedback!"))
                return redirect("web:event_feedback", token=token)
    context = {"registration": registration, "event": event, "form": form, "given": given}
    return render(request, "web/events/feedback.html", context, status=status)


# --- company users ------------------------------------------------------------------------------


@login_required
def my_events(request: HttpRequest) -> HttpResponse:
    """A company user's registrations (by account), upcoming first, then the past ones."""
    user: User = request.user  # type: ignore[assignment]
    if user.role != Role.COMPANY:
        raise Http404
    now = timezone.now()
    registrations = list(access.registrations_for_user(user).select_related("event__municipality"))
    for registration in registrations:
        registration.event.when = when_text(registration.event)  # type: ignore[attr-defined]
    upcoming = sorted((r for r in registrations if r.event.ends_at >= now), key=lambda r: (r.event.starts_at, r.pk))
    past = sorted((r for r in registrations if r.event.ends_at < now), key=lambda r: (r.event.starts_at, r.pk), reverse=True)
    return render(request, "web/events/my_events.html", {"upcoming": upcoming, "past": past})
