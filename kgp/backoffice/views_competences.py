"""Backoffice: curation of the competence map. Thin views: forms validate, the competences access
layer reads, its services write (audit log included).

All staff read every profile; the coordination and the consultants of every agency edit them;
read-only staff get 403 on every change.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kgp.accounts.models import User
from kgp.competences import access, services
from kgp.competences.filters import STAFF_FIELDS, ProfileFilter
from kgp.competences.forms import ContactForm, MemberForm, ProfileForm, StatusForm
from kgp.competences.models import CompetenceProfile, Kind, ProfileContact, ProfileStatus, SubjectArea, TransferFormat
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry
from kgp.organisations.models import Municipality

from .decorators import editor_required, staff_required

PER_PAGE = 50
HISTORY_LIMIT = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _form_error(form: ProfileForm | ContactForm | MemberForm, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@staff_required
def competence_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    flt = ProfileFilter.from_params(request.GET, fields=STAFF_FIELDS)
    for message in flt.errors.values():
        messages.warning(request, message)
    qs = flt.apply(access.profiles_for_staff(user)).select_related("municipality")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filter": flt,
        "query": query.urlencode(),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "kinds": Kind.choices,
        "formats": TransferFormat.choices,
        "statuses": ProfileStatus.choices,
        "areas": SubjectArea.objects.all(),
        "municipalities": Municipality.objects.order_by("name"),
        "can_edit": access.can_curate(user),
    }
    return render(request, "backoffice/competence_list.html", context)


def _history(profile: CompetenceProfile) -> list[AuditLogEntry]:
    """The profile's audit entries, newest first (one query on the (object_type, object_id) index)."""
    return list(
        AuditLogEntry.objects.filter(object_type=CompetenceProfile._meta.label_lower, object_id=str(profile.pk)).order_by(
            "-created_at", "-id"
        )[:HISTORY_LIMIT]
    )


def _render_detail(
    request: HttpRequest, profile: CompetenceProfile, *, member_form: MemberForm | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    context = {
        "profile": profile,
        "contacts": profile.contacts.all(),
        "members": profile.members.select_related("user"),
        "member_form": member_form or MemberForm(),
        "can_edit": access.can_curate(user),
        "history": _history(profile),
    }
    return render(request, "backoffice/competence_detail.html", context, status=status)


@staff_required
def competence_detail(request: HttpRequest, profile_id: int) -> HttpResponse:
    return _render_detail(request, access.profile_for_staff(_user(request), profile_id))


@editor_required
def competence_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProfileForm(request.POST or None, staff=True)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.profile_create(
                actor=user, data=form.service_data(), subject_areas=form.cleaned_data["subject_areas"]
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Profile created as a draft."))
            return redirect("backoffice:competence_detail", profile_id=profile.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/competence_form.html", {"form": form}, status=status)


@editor_required
def competence_edit(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = _user(request)
    profile = access.profile_for_staff_edit(user, profile_id)
    form = ProfileForm(request.POST or None, profile=profile, staff=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                actor=user, profile=profile, data=form.service_data(), subject_areas=form.cleaned_data["subject_areas"]
            )
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:competence_detail", profile_id=profile.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/competence_form.html", {"form": form, "profile": profile}, status=status)


@require_POST
@editor_required
def competence_status(request: HttpRequest, profile_id: int) -> HttpResponse:
    """Publish or take back to draft."""
    user = _user(request)
    profile = access.profile_for_staff_edit(user, profile_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a valid status."))
        return _render_detail(request, profile, status=400)
    try:
        services.profile_set_status(actor=user, profile=profile, status=form.cleaned_data["status"])
    except ServiceError as exc:  # e.g. a profile imported before a rule existed: "Edit" shows what to correct
        messages.error(request, exc.message)
        return _render_detail(request, profile, status=400)
    if form.cleaned_data["status"] == ProfileStatus.PUBLISHED:
        messages.success(request, _("The profile is published."))
    else:
        messages.success(request, _("The profile is a draft again; it no longer appears in the competence map."))
    return redirect("backoffice:competence_detail", profile_id=profile.pk)


@require_POST
@editor_required
def competence_reviewed(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = _user(request)
    profile = access.profile_for_staff_edit(user, profile_id)
    services.profile_mark_reviewed(actor=user, profile=profile)
    messages.success(request, _("The profile is marked as reviewed today."))
    return redirect("backoffice:competence_detail", profile_id=profile.pk)


def _contact_form(request: HttpRequest, profile: CompetenceProfile, contact: ProfileContact | None = None) -> HttpResponse:
    user = _user(request)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            if contact is None:
                services.contact_add(actor=user, profile=profile, data=form.service_data())
            else:
                services.contact_update(actor=user, contact=contact, data=form.service_data())
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The contact person is saved."))
            return redirect("backoffice:competence_detail", profile_id=profile.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "profile": profile, "contact": contact}
    return render(request, "backoffice/competence_contact_form.html", context, status=status)


@editor_required
def competence_contact_create(request: HttpRequest, profile_id: int) -> HttpResponse:
    return _contact_form(request, access.profile_for_staff_edit(_user(request), profile_id))


@editor_required
def competence_contact_edit(request: HttpRequest, profile_id: int, profile_contact_id: int) -> HttpResponse:
    contact = access.contact_for_staff_edit(_user(request), profile_id, profile_contact_id)
    return _contact_form(request, contact.profile, contact)


@require_POST
@editor_required
def competence_contact_delete(request: HttpRequest, profile_id: int, profile_contact_id: int) -> HttpResponse:
    user = _user(request)
    contact = access.contact_for_staff_edit(user, profile_id, profile_contact_id)
    services.contact_remove(actor=user, contact=contact)
    messages.success(request, _("The contact person is removed."))
    return redirect("backoffice:competence_detail", profile_id=profile_id)


@require_POST
@editor_required
def competence_member_add(request: HttpRequest, profile_id: int) -> HttpResponse:
    user = _user(request)
    profile = access.profile_for_staff_edit(user, profile_id)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            services.member_add(actor=user, profile=profile, user=form.cleaned_data["user"])
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The user can now maintain this profile."))
            return redirect("backoffice:competence_detail", profile_id=profile.pk)
    return _render_detail(request, profile, member_form=form, status=400)


@require_POST
@editor_required
def competence_member_remove(request: HttpRequest, profile_id: int, member_id: int) -> HttpResponse:
    user = _user(request)
    member = access.member_for_staff_edit(user, profile_id, member_id)
    services.member_remove(actor=user, member=member)
    messages.success(request, _("The user no longer maintains this profile."))
    return redirect("backoffice:competence_detail", profile_id=profile_id)
