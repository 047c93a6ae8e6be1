"""Portal: matchmaking and introductions (the connect module).

Company users (approved members) keep their companies' needs (/portal/bedarfe/), see suggestions for
a need (competence holders of the map; companies only when these opted in to peer exchange or as a
supplier, with their public profile fields and never their contact data) and ask for contact, which
proposes an introduction with their own consent given. They keep their company's profile for
exchange and supply (/portal/austauschprofil/).

Company users and competence-holder users answer the introductions they take part in
(/portal/vermittlungen/): double opt-in, the other side's contact person appears only after both
sides agreed. Reads go through `kgp.connect.access` (404 for what a user may not see); writes
through `kgp.connect.services` (a `ServiceError` shows the form again with status 400).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kgp.accounts.models import Role, User
from kgp.assessment import access as check_access
from kgp.assessment.models import CheckResult
from kgp.companies import access as company_access
from kgp.companies.models import Company
from kgp.competences import access as competence_access
from kgp.competences.models import CompetenceProfile, TransferFormat
from kgp.connect import access, needs, search, services
from kgp.connect.models import (
    CompanyProfile,
    Decision,
    Introduction,
    IntroductionEvent,
    IntroductionStatus,
    Need,
    NeedKind,
    NeedStatus,
)
from kgp.core.errors import ServiceError

from .forms_connect import AgreeForm, CompanyProfileForm, DeclineForm, NeedForm, ProposeForm

SUGGESTIONS = 10
# The notes the portal shows with the history: why a side declined, why it was withdrawn (the decline
# form says that the note is shown to the other side). Other notes stay with the agency.
NOTE_EVENTS = (
    IntroductionEvent.What.COMPANY_DECLINED, IntroductionEvent.What.TARGET_DECLINED, IntroductionEvent.What.WITHDRAWN,
)
INTRODUCTIONS_MAX = 200


def _company_user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if user.role != Role.COMPANY:
        raise Http404
    return user


def _portal_user(request: HttpRequest) -> User:
    """A company user or a competence-holder user: those who take part in introductions."""
    user: User = request.user  # type: ignore[assignment]
    if user.role != Role.COMPANY and not competence_access.is_competence_user(user):
        raise Http404
    return user


def _form_error(form: Any, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _latest_check(user: User, company: Company) -> CheckResult | None:
    """The company's latest completed Transformations-Check result the user may read."""
    return (
        check_access.results_for_member(user)
        .filter(company=company, completed_at__isnull=False)
        .order_by("-completed_at", "-id")
        .first()
    )


# --- needs ------------------------------------------------------------------------------------


@login_required
def portal_needs(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.is_staff_member:
        return redirect("backoffice:home")
    user = _company_user(request)
    companies = list(company_access.companies_for_member(user).order_by("name"))
    by_company: dict[int, list[Need]] = {c.pk: [] for c in companies}
    for need in access.needs_for_member(user).order_by("-created_at", "-id"):
        by_company.setdefault(need.company_id, []).append(need)
    checked = set(
        check_access.results_for_member(user)
        .filter(company__in=[c.pk for c in companies], completed_at__isnull=False)
        .values_list("company_id", flat=True)
    )
    groups = [{"company": c, "needs": by_company[c.pk], "has_check": c.pk in checked} for c in companies]
    return render(request, "web/connect/needs.html", {"groups": groups})


def _render_need_form(
    request: HttpRequest, company: Company, form: NeedForm, *, from_check: CheckResult | None = None, status: int = 200
) -> HttpResponse:
    context = {"company": company, "form": form, "from_check": from_check}
    return render(request, "web/connect/need_form.html", context, status=status)


@login_required
def portal_need_create(request: HttpRequest, company_id: int) -> HttpResponse:
    user = _company_user(request)
    company = company_access.company_for_member(user, company_id)
    if request.method != "POST":
        form = NeedForm(initial={"kind": NeedKind.COMPETENCE, "municipality": company.municipality_id})
        return _render_need_form(request, company, form)
    form = NeedForm(request.POST)
    check_result: CheckResult | None = None
    if form.is_valid():
        if form.cleaned_data.get("check_result"):
            check_result = (
                check_access.results_for_member(user)
                .filter(pk=form.cleaned_data["check_result"], company=company, completed_at__isnull=False)
                .first()
            )
            if check_result is None:
                form.add_error(None, _("The check result was not found. Please start again from your check."))
    if form.is_valid():
        try:
            need = services.need_create(actor=user, company=company, check_result=check_result, **form.service_data())
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your need is saved. Below are the first suggestions."))
            return redirect("web:portal_need", need_id=need.pk)
    return _render_need_form(request, company, form, from_check=check_result, status=400)


@login_required
def portal_need_from_check(request: HttpRequest, company_id: int) -> HttpResponse:
    """A need proposed from the company's latest completed check, to review before saving."""
    user = _company_user(request)
    company = company_access.company_for_member(user, company_id)
    result = _latest_check(user, company)
    proposal = needs.propose(result) if result is not None else None
    if result is None or proposal is None:
        messages.info(request, _("There is no completed Transformations-Check of this company to propose a need from."))
        return redirect("web:portal_need_create", company_id=company.pk)
    form = NeedForm(
        initial={
            "kind": NeedKind.COMPETENCE, "title": proposal.title, "text": proposal.text, "topics": proposal.topics,
            "municipality": company.municipality_id, "check_result": result.pk,
        }
    )  # fmt: skip
    return _render_need_form(request, company, form, from_check=result)


@dataclass
class Suggestion:
    """A suggestion for a need, as the page shows it."""

    target: str  # "profile:<identifier>" or "company:<id>": what the contact form sends
    name: str
    kind: str
    municipality: str
    distance_km: float | None
    reasons: list[str]
    raw_reasons: list[dict[str, Any]]
    url: str = ""  # the public page (competence holders)
    company_profile: CompanyProfile | None = None
    introduction: Introduction | None = None  # an introduction already under way
    form: ProposeForm | None = None
    open: bool = False  # the contact form is shown open (after an error)


def _reason_lines(reasons: list[dict[str, Any]], *, topic_names: dict[str, str] | None = None) -> list[str]:
    """The explanation of a match in words; the distance is shown on its own."""
    return search.reason_lines([r for r in reasons if r.get("type") != "distance"], topic_names=topic_names)


def _auto_id(target: str) -> str:
    """Each suggestion's contact form gets its own field ids."""
    return "id_" + re.sub(r"[^A-Za-z0-9_-]", "_", target) + "_%s"


def _match_text(need: Need) -> str:
    return f"{need.title}\n{need.text}"


def _suggestions(user: User, need: Need) -> list[Suggestion]:
    if need.status != NeedStatus.OPEN:
        return []
    muni = need.municipality or need.company.municipality
    lat = float(muni.lat) if muni is not None and muni.lat is not None else None
    lon = float(muni.lon) if muni is not None and muni.lon is not None else None
    topic_names = search.topic_labels()
    open_states = (IntroductionStatus.PROPOSED, IntroductionStatus.ACCEPTED)
    underway = Introduction.objects.filter(company=need.company, status__in=open_states)
    out: list[Suggestion] = []

    def lines(reasons: list[dict[str, Any]]) -> list[str]:
        return _reason_lines(reasons, topic_names=topic_names)

    if need.kind == NeedKind.COMPETENCE:
        matches = search.match_profiles(
            _match_text(need), lat=lat, lon=lon, formats=need.formats, topics=need.topics, limit=SUGGESTIONS
        )
        profiles = {
            p.external_id: p
            for p in competence_access.with_relations(competence_access.public_profiles()).filter(
                external_id__in=[m.id for m in matches]
            )
        }
        intros = {i.profile_id: i for i in underway.filter(profile__in=list(profiles.values()))}
        for m in matches:
            p = profiles.get(m.id)
            if p is None:
                continue
            out.append(
                Suggestion(
                    target=f"profile:{p.external_id}", name=p.name, kind=p.get_kind_display(),
                    municipality=p.municipality.name if p.municipality else "", distance_km=m.distance_km,
                    reasons=lines(m.reasons), raw_reasons=m.reasons,
                    url=reverse("web:competence_detail", args=[p.external_id]), introduction=intros.get(p.pk),
                )
            )  # fmt: skip
        return out
    supplier = need.kind == NeedKind.SUPPLIER
    visible = search.opted_in(access.matchable_companies_for(user), supplier=supplier).exclude(pk=need.company_id)
    matches = search.match_companies(
        _match_text(need), visible=visible, supplier=supplier, lat=lat, lon=lon, topics=need.topics,
        limit=SUGGESTIONS, exclude=[need.company_id],
    )  # fmt: skip
    companies = {
        str(c.pk): c
        for c in visible.filter(pk__in=[int(m.id) for m in matches]).select_related("municipality", "connect_profile")
    }
    intros = {i.target_company_id: i for i in underway.filter(target_company__in=list(companies.values()))}
    kind = str(NeedKind(need.kind).label)
    for m in matches:
        c = companies.get(m.id)
        if c is None:
            continue
        out.append(
            Suggestion(
                target=f"company:{c.pk}", name=c.name, kind=kind,
                municipality=c.municipality.name if c.municipality else "", distance_km=m.distance_km,
                reasons=lines(m.reasons), raw_reasons=m.reasons, company_profile=c.connect_profile,
                introduction=intros.get(c.pk),
            )
        )  # fmt: skip
    return out


def _render_need(
    request: HttpRequest, user: User, need: Need, *, failed_target: str = "", failed_form: ProposeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    suggestions = _suggestions(user, need)
    shown = False
    for s in suggestions:
        if failed_form is not None and s.target == failed_target:
            s.form, s.open, shown = failed_form, True, True
        else:
            s.form = ProposeForm(initial={"target": s.target}, auto_id=_auto_id(s.target))
    context = {
        "need": need,
        "company": need.company,
        "suggestions": suggestions,
        # A request for a contact that is not (or no longer) among the suggestions: its errors on top.
        "failed_form": failed_form if failed_form is not None and not shown else None,
        "introductions": need.introductions.select_related("profile", "target_company").order_by("-created_at", "-id"),
        "consent_text": services.CONSENT_TEXT,
        "topic_names": [name for key, name in search.topic_labels().items() if key in need.topics],
        "format_names": [str(label) for key, label in TransferFormat.choices if key in need.formats],
    }
    return render(request, "web/connect/need_detail.html", context, status=status)


@login_required
def portal_need(request: HttpRequest, need_id: int) -> HttpResponse:
    user = _company_user(request)
    need = access.need_for_member(user, need_id)
    return _render_need(request, user, need)


def _target_of(user: User, need: Need, kind: str, key: str) -> tuple[CompetenceProfile | None, Company | None]:
    """The suggested contact the form names, if the user may ask for it for this need, else (None, None)."""
    if need.status != NeedStatus.OPEN:
        return None, None
    if kind == "profile":
        if need.kind != NeedKind.COMPETENCE:
            return None, None
        return competence_access.public_profiles().filter(external_id=key).first(), None
    if need.kind == NeedKind.COMPETENCE or not key.isdigit():
        return None, None
    visible = search.opted_in(access.matchable_companies_for(user), supplier=need.kind == NeedKind.SUPPLIER)
    return None, visible.exclude(pk=need.company_id).filter(pk=int(key)).first()


@require_POST
@login_required
def portal_need_propose(request: HttpRequest, need_id: int) -> HttpResponse:
    """Ask for contact with a suggestion: proposes an introduction, agreed for the company at once."""
    user = _company_user(request)
    need = access.need_for_member(user, need_id)
    failed_target = str(request.POST.get("target", "")).strip()[:120]
    form = ProposeForm(request.POST, auto_id=_auto_id(failed_target))
    if form.is_valid():
        kind, key = form.cleaned_data["target"]
        profile, target_company = _target_of(user, need, kind, key)
        if profile is None and target_company is None:
            form.add_error(None, _("This contact cannot be suggested for this need. Please choose from the suggestions."))
        else:
            found = next((s for s in _suggestions(user, need) if s.target == f"{kind}:{key}"), None)
            try:
                intro = services.introduction_propose(
                    actor=user, company=need.company, profile=profile, target_company=target_company, need=need,
                    message=form.cleaned_data["message"], reasons=found.raw_reasons if found else [],
                )  # fmt: skip
            except ServiceError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Your request is sent. %(target)s is asked for consent; contact details are passed on only when both sides agreed.")
                    % {"target": intro.target_name},
                )
                return redirect("web:introduction_detail", intro_id=intro.pk)
    return _render_need(request, user, need, failed_target=failed_target, failed_form=form, status=400)


# --- the company profile for exchange and supply ----------------------------------------------


@login_required
def portal_exchange_profiles(request: HttpRequest) -> HttpResponse:
    """The user's companies with their exchange profiles; a single company goes straight to its form."""
    user: User = request.user  # type: ignore[assignment]
    if user.is_staff_member:
        return redirect("backoffice:home")
    user = _company_user(request)
    companies = list(company_access.companies_for_member(user).order_by("name"))
    if len(companies) == 1:
        return redirect("web:portal_exchange_profile", company_id=companies[0].pk)
    profiles = {p.company_id: p for p in CompanyProfile.objects.filter(company__in=companies)}
    rows = [(c, profiles.get(c.pk)) for c in companies]
    return render(request, "web/connect/exchange_profiles.html", {"rows": rows})


@login_required
def portal_exchange_profile(request: HttpRequest, company_id: int) -> HttpResponse:
    user = _company_user(request)
    company = company_access.company_for_member(user, company_id)
    profile = access.company_profile_of(company)
    form = CompanyProfileForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_profile_save(actor=user, company=company, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("web:portal_exchange_profile", company_id=company.pk)
    status = 400 if request.method == "POST" else 200
    context = {"company": company, "profile": profile, "form": form}
    return render(request, "web/connect/exchange_profile.html", context, status=status)


# --- introductions ----------------------------------------------------------------------------


@dataclass
class IntroductionRow:
    intro: Introduction
    side: str | None
    other_name: str
    waiting_for_you: bool


@dataclass
class Sides:
    """What a portal user answers for, read once for a list (the same rules as `access.side_for`)."""

    companies: set[int] = field(default_factory=set)
    profiles: set[int] = field(default_factory=set)

    def of(self, intro: Introduction) -> str | None:
        if intro.company_id in self.companies:
            return "company"
        if (intro.target_company_id and intro.target_company_id in self.companies) or (
            intro.profile_id and intro.profile_id in self.profiles
        ):
            return "target"
        return None


def _sides(user: User) -> Sides:
    if user.role == Role.COMPANY:
        return Sides(companies=set(company_access.companies_for_member(user).values_list("pk", flat=True)))
    return Sides(profiles=set(competence_access.profiles_for_member(user).values_list("pk", flat=True)))


def _other_name(intro: Introduction, side: str | None) -> str:
    return intro.company.name if side == "target" else intro.target_name


def _pending_for(intro: Introduction, side: str | None) -> bool:
    return (
        side is not None
        and intro.status == IntroductionStatus.PROPOSED
        and getattr(intro, f"{side}_decision") == Decision.PENDING
    )


@login_required
def introduction_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.is_staff_member:
        return redirect("backoffice:home")
    user = _portal_user(request)
    sides = _sides(user)
    rows = []
    for intro in access.introductions_for_portal(user).order_by("-created_at", "-id")[:INTRODUCTIONS_MAX]:
        side = sides.of(intro)
        rows.append(IntroductionRow(intro, side, _other_name(intro, side), _pending_for(intro, side)))
    context = {"waiting": [r for r in rows if r.waiting_for_you], "others": [r for r in rows if not r.waiting_for_you]}
    return render(request, "web/connect/introductions.html", context)


def _render_introduction(
    request: HttpRequest,
    user: User,
    intro: Introduction,
    *,
    agree_form: AgreeForm | None = None,
    decline_form: DeclineForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    side = access.side_for(user, intro)
    if side is None:
        raise Http404
    other = "target" if side == "company" else "company"
    persons = access.visible_persons(intro, side)
    pending = _pending_for(intro, side)
    if pending and agree_form is None:
        agree_form = AgreeForm(initial=services.person_of_user(user))
    if pending and decline_form is None:
        decline_form = DeclineForm()
    context = {
        "intro": intro,
        "side": side,
        "other_name": _other_name(intro, side),
        "other_is_profile": side == "company" and intro.profile_id is not None,
        "other_decision": getattr(intro, f"{other}_decision"),
        "own_decision": getattr(intro, f"{side}_decision"),
        "pending": pending,
        "other_person": persons.get(other),
        "own_person": persons.get(side),
        "events": intro.events.all(),
        "reasons": _reason_lines(intro.reasons or []),
        "consent_text": services.CONSENT_TEXT,
        "agree_form": agree_form if pending else None,
        "decline_form": decline_form if pending else None,
        "error": error,
        "statuses": IntroductionStatus,
        "note_events": NOTE_EVENTS,
    }
    return render(request, "web/connect/introduction_detail.html", context, status=status)


@login_required
def introduction_detail(request: HttpRequest, intro_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.is_staff_member:
        return redirect("backoffice:home")
    user = _portal_user(request)
    intro = access.introduction_for_portal(user, intro_id)
    return _render_introduction(request, user, intro)


def _decide(request: HttpRequest, intro_id: int, *, accept: bool) -> HttpResponse:
    user = _portal_user(request)
    intro = access.introduction_for_portal(user, intro_id)
    side = access.side_for(user, intro)
    if side is None:
        raise Http404
    agree_form = AgreeForm(request.POST) if accept else None
    decline_form = None if accept else DeclineForm(request.POST)
    form: AgreeForm | DeclineForm = agree_form or decline_form  # type: ignore[assignment]
    error = ""
    if form.is_valid():
        try:
            services.introduction_decide(
                actor=user, introduction=intro, side=side, accept=accept,
                person=agree_form.person() if agree_form is not None else None,
                note=decline_form.cleaned_data["note"] if decline_form is not None else "",
            )  # fmt: skip
        except ServiceError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:  # e.g. answered already, or the contact person ("person"): shown above the forms
                error = exc.message
        else:
            if accept:
                messages.success(request, _("Thank you: you agreed to this introduction."))
            else:
                messages.success(request, _("You declined this introduction. No contact details are passed on."))
            return redirect("web:introduction_detail", intro_id=intro.pk)
    intro = access.introduction_for_portal(user, intro.pk)  # as it is now (another answer may have come first)
    return _render_introduction(
        request, user, intro, agree_form=agree_form, decline_form=decline_form, error=error, status=400
    )


@require_POST
@login_required
def introduction_accept(request: HttpRequest, intro_id: int) -> HttpResponse:
    return _decide(request, intro_id, accept=True)


@require_POST
@login_required
def introduction_decline(request: HttpRequest, intro_id: int) -> HttpResponse:
    return _decide(request, intro_id, accept=False)
