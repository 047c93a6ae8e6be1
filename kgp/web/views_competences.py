"""Public portal: the competence map (/kompetenzen/ as a list, /kompetenzen/karte/ on a map,
/kompetenzen/<external_id>/) and the competence holders' self-service (/portal/kompetenzprofil/).

The map is open to everyone and shows published profiles only (drafts answer 404); contact details
appear only for contact persons marked public. Competence-holder users edit the profiles they are
members of; any other profile id answers 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kgp.accounts.models import User
from kgp.competences import access, queries, services
from kgp.competences.filters import ProfileFilter
from kgp.competences.forms import ContactForm, ProfileForm
from kgp.competences.models import CompetenceProfile, Kind, SubjectArea, TransferFormat, review_cutoff
from kgp.core.errors import ServiceError
from kgp.organisations.models import Municipality

PER_PAGE = 20
RESULTS_ID = "competence-results"
MAP_PROFILES_PER_MUNICIPALITY = 10  # the map's popups and table name at most this many per municipality


# --- public map -------------------------------------------------------------------------------


def competence_list(request: HttpRequest) -> HttpResponse:
    flt = ProfileFilter.from_params(request.GET)
    qs = access.with_relations(flt.apply(access.public_profiles()))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    partial = bool(getattr(request, "htmx", None) and request.htmx.target == RESULTS_ID)
    context = {
        "page": page,
        "filter": flt,
        "query": query.urlencode(),
        "view": "list",
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "kinds": Kind.choices,
        "formats": TransferFormat.choices,
        "areas": SubjectArea.objects.all(),
        "municipalities": Municipality.objects.order_by("name"),
        "htmx_partial": partial,
        "results_id": RESULTS_ID,
    }
    template = "web/competences/_results.html" if partial else "web/competences/list.html"
    return render(request, template, context)


def competence_map(request: HttpRequest) -> HttpResponse:
    """The same filtered result as the list, per municipality: a Leaflet map (progressive enhancement,
    its data in a json_script) above a table of the same data that works without JavaScript or tiles."""
    flt = ProfileFilter.from_params(request.GET)
    municipalities = list(Municipality.objects.order_by("name"))
    groups = queries.by_municipality(
        flt.apply(access.public_profiles()), municipalities, limit=MAP_PROFILES_PER_MUNICIPALITY
    )
    query = request.GET.copy()
    query.pop("page", None)
    rows = [(g, _list_url(query, g.municipality.key)) for g in groups]
    context = {
        "filter": flt,
        "query": query.urlencode(),
        "view": "map",
        "rows": rows,
        "total": sum(g.count for g in groups),
        "map_data": _map_data(rows, municipalities),
        "has_tiles": bool(settings.MAP_TILE_URL),
        "kinds": Kind.choices,
        "formats": TransferFormat.choices,
        "areas": SubjectArea.objects.all(),
        "municipalities": municipalities,
    }
    response = render(request, "web/competences/map.html", context)
    if settings.MAP_TILE_ORIGIN:
        response._csp_update = {"img-src": [settings.MAP_TILE_ORIGIN]}  # type: ignore[attr-defined]  # this page only
    return response


def _list_url(query: QueryDict, municipality_key: str) -> str:
    """The list with the same filters, narrowed to one municipality."""
    params = query.copy()
    params["municipality"] = municipality_key
    return f"{reverse('web:competence_list')}?{params.urlencode()}"


def _map_data(rows: list[tuple[queries.MunicipalityGroup, str]], municipalities: list[Municipality]) -> dict[str, object]:
    """What competence-map.js draws, with its texts already translated."""
    lats = [float(m.lat) for m in municipalities] or [51.5]
    lons = [float(m.lon) for m in municipalities] or [7.5]
    markers = []
    for g, list_url in rows:
        label = ngettext(
            "%(name)s: %(n)s competence holder", "%(name)s: %(n)s competence holders", g.count
        ) % {"name": g.municipality.name, "n": g.count}
        more = None
        if g.more:
            text = ngettext(
                "%(n)s more competence holder in the list", "%(n)s more competence holders in the list", g.more
            ) % {"n": g.more}
            more = {"text": text, "url": list_url}
        markers.append(
            {
                "name": g.municipality.name,
                "lat": float(g.municipality.lat),
                "lon": float(g.municipality.lon),
                "count": g.count,
                "label": label,
                "profiles": [
                    {"name": p.name, "url": reverse("web:competence_detail", args=[p.external_id])} for p in g.profiles
                ],
                "more": more,
            }
        )
    tiles = None
    if settings.MAP_TILE_URL:
        tiles = {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}
    return {
        "bounds": [[min(lats), min(lons)], [max(lats), max(lons)]],
        "tiles": tiles,
        "markers": markers,
        "text": {"zoomIn": _("Zoom in"), "zoomOut": _("Zoom out"), "close": _("Close")},
    }


def competence_detail(request: HttpRequest, external_id: str) -> HttpResponse:
    profile = access.public_profile(external_id)
    return render(request, "web/competences/detail.html", {"profile": profile})


# --- competence holders' self-service ---------------------------------------------------------


def _competence_user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not access.is_competence_user(user):
        raise Http404
    return user


def _form_error(form: ProfileForm | ContactForm, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def portal_competences(request: HttpRequest) -> HttpResponse:
    user = _competence_user(request)
    profiles = access.with_relations(access.profiles_for_member(user)).order_by("institution", "unit", "id")
    return render(request, "web/competences/portal_list.html", {"profiles": profiles, "cutoff": review_cutoff()})


@login_required
def portal_competence_edit(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = _competence_user(request)
    profile = access.profile_for_member_edit(user, profile_id)
    form = ProfileForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                actor=user, profile=profile, data=form.service_data(), subject_areas=form.cleaned_data["subject_areas"]
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("web:portal_competence_edit", profile_id=profile.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "profile": profile, "contacts": profile.contacts.all(), "today": timezone.localdate()}
    return render(request, "web/competences/portal_form.html", context, status=status)


@require_POST
@login_required
def portal_competence_reviewed(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = _competence_user(request)
    profile = access.profile_for_member_edit(user, profile_id)
    services.profile_mark_reviewed(actor=user, profile=profile)
    messages.success(request, _("Thank you: the profile is marked as up to date."))
    return redirect("web:portal_competence_edit", profile_id=profile.pk)


def _contact_form(request: HttpRequest, profile: CompetenceProfile, contact: object = None) -> HttpResponse:
    user = _competence_user(request)
    form = ContactForm(request.POST or None, instance=contact)  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            if contact is None:
                services.contact_add(actor=user, profile=profile, data=form.service_data())
            else:
                services.contact_update(actor=user, contact=contact, data=form.service_data())  # type: ignore[arg-type]
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The contact person is saved."))
            return redirect("web:portal_competence_edit", profile_id=profile.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "profile": profile, "contact": contact}
    return render(request, "web/competences/portal_contact_form.html", context, status=status)


@login_required
def portal_competence_contact_create(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = access.profile_for_member_edit(_competence_user(request), profile_id)
    return _contact_form(request, profile)


@login_required
def portal_competence_contact_edit(request: HttpRequest, profile_id: int, contact_id: int) -> HttpResponse:
    contact = access.contact_for_member_edit(_competence_user(request), profile_id, contact_id)
    return _contact_form(request, contact.profile, contact)


@require_POST
@login_required
def portal_competence_contact_delete(request: HttpRequest, profile_id: int, contact_id: int) -> HttpResponse:
    user = _competence_user(request)
    contact = access.contact_for_member_edit(user, profile_id, contact_id)
    services.contact_remove(actor=user, contact=contact)
    messages.success(request, _("The contact person is removed."))
    return redirect("web:portal_competence_edit", profile_id=contact.profile_id)
