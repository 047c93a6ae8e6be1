"""Backoffice: matchmaking and introductions (the connect module). Thin views: forms validate, reads
go through `kgp.connect.access` (companies through `kgp.companies.access`, check results through
`kgp.assessment.access`), writes through `kgp.connect.services`; a `ServiceError` shows the form again
with status 400.

- Needs (Bedarfe) belong to the company's agency: its staff read them (read-only staff too), its
  consultants and the coordination record and change them; other agencies get 404.
- Suggestions for a need: competence holders of the map (kind "competence"), or companies the user may
  read (peer exchange, suppliers), never the need's own company; each with the engine's explanation.
- Introductions: the owning agency and the coordination propose, record a side's answer given by
  phone or e-mail, and withdraw; the agency of a contacted company reads them. Contact persons are
  shown only after both sides agreed (`access.visible_persons`).
- The synonym list of the matching engine: the network coordination only (others: 403).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kgp.accounts.models import User
from kgp.assessment import access as check_access
from kgp.assessment.models import CheckResult
from kgp.companies import access as company_access
from kgp.companies.models import Company
from kgp.competences import access as competence_access
from kgp.competences.models import CompetenceProfile, ProfileStatus, TransferFormat
from kgp.competences.models import Kind as ProfileKind
from kgp.connect import access, needs, search, services
from kgp.connect.forms import (
    CompanyProfileForm,
    DecisionForm,
    NeedForm,
    ProposeForm,
    SynonymForm,
    TryForm,
    WithdrawForm,
    parse_target,
)
from kgp.connect.models import (
    Decision,
    Introduction,
    IntroductionStatus,
    Need,
    NeedKind,
    NeedStatus,
    SynonymList,
)
from kgp.core.errors import ServiceError
from kgp.core.ids import parse_id
from kgp.core.models import AuditLogEntry
from kgp.core.text import fold
from kgp.matching.engine import Match
from kgp.matching.synonyms import DEFAULT_SYNONYMS_PATH

from .decorators import editor_required, staff_required
from .views_questionnaires import coordinator_required

PER_PAGE = 25
SUGGESTIONS = 10
TRY_RESULTS = 5
HISTORY_LIMIT = 50
VERSIONS_SHOWN = 30
SEARCH_WORDS = 8
OPEN_INTRODUCTION = (IntroductionStatus.PROPOSED, IntroductionStatus.ACCEPTED)


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _form_error(form: Any, exc: ServiceError, fields: dict[str, str] | None = None) -> None:
    name = (fields or {}).get(exc.field or "", exc.field)
    form.add_error(name if name in form.fields and not form.fields[name].widget.is_hidden else None, exc.message)


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _history(model: type, pk: int) -> list[AuditLogEntry]:
    return list(
        AuditLogEntry.objects.filter(object_type=model._meta.label_lower, object_id=str(pk)).order_by("-created_at", "-id")[
            :HISTORY_LIMIT
        ]
    )


# --- needs --------------------------------------------------------------------------------------


@staff_required
def need_list(request: HttpRequest) -> HttpResponse:
    """The needs of the user's agency (the coordination: all), filtered by status, kind and company."""
    user = _user(request)
    status = request.GET.get("status") or NeedStatus.OPEN
    if status not in {"all", *NeedStatus.values}:
        status = NeedStatus.OPEN
    kind = request.GET.get("kind") or ""
    if kind not in NeedKind.values:
        kind = ""
    q = " ".join((request.GET.get("q") or "").split())[:200]
    company_id = parse_id(request.GET.get("company") or "")
    qs = access.needs_for_staff(user)
    if status != "all":
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    for word in fold(q).split()[:SEARCH_WORDS]:
        qs = qs.filter(company__search_text__contains=word)
    if company_id is not None:
        qs = qs.filter(company_id=company_id)
    qs = qs.annotate(
        introduction_count=Count("introductions", filter=Q(introductions__status__in=OPEN_INTRODUCTION))
    ).order_by("-created_at", "-id")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": _query(request),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "filters": {"status": status, "kind": kind, "q": q, "company": company_id},
        "statuses": [*NeedStatus.choices, ("all", _("all"))],
        "kinds": NeedKind.choices,
        "is_filtered": bool(kind or q or company_id is not None or status != NeedStatus.OPEN),
        "company": company_access.companies_for_staff(user).filter(pk=company_id).first() if company_id else None,
    }
    return render(request, "backoffice/connect/need_list.html", context)


def _shared_check(user: User, company: Company) -> CheckResult | None:
    """The company's latest completed check result it shared with the agency, if the user may read it."""
    pk = (
        CheckResult.objects.filter(company=company, shared_with_agency=True, completed_at__isnull=False)
        .order_by("-completed_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    return _readable_check(user, company, pk)


def _readable_check(user: User, company: Company, result_id: int | None) -> CheckResult | None:
    if result_id is None:
        return None
    try:
        result = check_access.result_for_staff(user, result_id)
    except Http404:
        return None
    return result if result.company_id == company.pk else None


@editor_required
def need_create(request: HttpRequest, company_id: int) -> HttpResponse:
    """Record a need for a company; `?check=<result id>` fills the form with the proposal from the
    company's Transformations-Check result (saved with the result as its source)."""
    user = _user(request)
    company = company_access.company_for_staff_edit(user, company_id)
    latest = _shared_check(user, company)
    proposal = None
    if request.method == "POST":
        form = NeedForm(request.POST)
        if form.is_valid():
            result_id = form.cleaned_data.get("check_result")
            result = _readable_check(user, company, result_id)
            if result_id is not None and result is None:
                form.add_error(None, _("The check result belongs to another company."))
            else:
                try:
                    need = services.need_create(actor=user, company=company, check_result=result, **form.service_data())
                except ServiceError as exc:
                    _form_error(form, exc)
                else:
                    messages.success(request, _("The need is recorded."))
                    return redirect("backoffice:need_detail", need_id=need.pk)
        proposal_result = _readable_check(user, company, parse_id(request.POST.get("check_result") or ""))
        return render(request, "backoffice/connect/need_form.html", {
            "form": form, "company": company, "latest_check": latest, "from_check": proposal_result,
        }, status=400)  # fmt: skip
    initial: dict[str, Any] = {"kind": NeedKind.COMPETENCE, "municipality": company.municipality_id}
    from_check = None
    if "check" in request.GET:
        from_check = _readable_check(user, company, parse_id(request.GET.get("check") or ""))
        if from_check is None:
            raise Http404
        proposal = needs.propose(from_check)
        if proposal is None:
            messages.warning(request, _("This check result has no scores to propose a need from."))
            from_check = None
        else:
            initial |= {"title": proposal.title, "text": proposal.text, "topics": proposal.topics, "check_result": from_check.pk}
    form = NeedForm(initial=initial)
    context = {"form": form, "company": company, "latest_check": latest, "from_check": from_check, "proposal": proposal}
    return render(request, "backoffice/connect/need_form.html", context)


@dataclass
class Suggestion:
    """One suggestion for a need, ready for the page."""

    target: str  # "profile:<external id>" or "company:<id>", the key of the propose form
    name: str
    url: str
    kind: str
    municipality: str
    distance_km: float | None
    lines: list[str]
    badges: list[tuple[str, str]] = field(default_factory=list)  # (label, css class)
    introduction: Introduction | None = None


def _need_text(need: Need) -> str:
    return f"{need.title}\n{need.text}"


def _position(need: Need) -> dict[str, float | None]:
    muni = need.municipality
    if muni is None or muni.lat is None or muni.lon is None:
        return {"lat": None, "lon": None}
    return {"lat": float(muni.lat), "lon": float(muni.lon)}


def _profile_matches(need: Need, limit: int) -> list[Match]:
    # Every kind of competence holder, expert companies included (the engine leaves them out by default).
    return search.match_profiles(
        _need_text(need), formats=need.formats, topics=need.topics, limit=limit, kinds=ProfileKind.values, **_position(need)
    )


def _company_matches(user: User, need: Need, limit: int, visible: Any = None) -> list[Match]:
    return search.match_companies(
        _need_text(need),
        visible=visible if visible is not None else company_access.companies_for_staff(user),
        supplier=need.kind == NeedKind.SUPPLIER,
        topics=need.topics,
        limit=limit,
        exclude=[need.company_id],
        **_position(need),
    )


def _suggestions(user: User, need: Need) -> list[Suggestion]:
    """The best competence holders or companies for an open need, with the explanation of each, and
    the introduction already under way to each (a constant number of queries)."""
    topic_names = search.topic_labels()
    under_way = Introduction.objects.filter(company_id=need.company_id, status__in=OPEN_INTRODUCTION)
    out: list[Suggestion] = []
    if need.kind == NeedKind.COMPETENCE:
        matches = _profile_matches(need, SUGGESTIONS)
        profiles = {
            p.external_id: p
            for p in competence_access.profiles_for_staff(user)
            .filter(external_id__in=[m.id for m in matches], status=ProfileStatus.PUBLISHED)
            .select_related("municipality")
        }
        intros = {i.profile_id: i for i in under_way.filter(profile__isnull=False)}
        for m in matches:
            profile = profiles.get(m.id)
            if profile is None:
                continue
            out.append(Suggestion(
                target=f"profile:{profile.external_id}", name=profile.name,
                url=reverse("web:competence_detail", args=[profile.external_id]),
                kind=str(profile.get_kind_display()), municipality=profile.municipality.name,
                distance_km=m.distance_km, lines=search.reason_lines(m.reasons, topic_names=topic_names),
                introduction=intros.get(profile.pk),
            ))  # fmt: skip
        return out
    matches = _company_matches(user, need, SUGGESTIONS)
    companies = {
        str(c.pk): c
        for c in company_access.companies_for_staff(user)
        .filter(pk__in=[int(m.id) for m in matches])
        .select_related("municipality", "connect_profile")
    }
    intros = {i.target_company_id: i for i in under_way.filter(target_company__isnull=False)}
    for m in matches:
        company = companies.get(m.id)
        if company is None:
            continue
        cp = company.connect_profile
        badges = []
        if cp.peer_exchange:
            badges.append((_("open to exchange"), ""))
        if cp.supplier:
            badges.append((_("regional supplier"), ""))
        opted_in = cp.supplier if need.kind == NeedKind.SUPPLIER else cp.peer_exchange
        if not opted_in:
            badges.append((_("not opted in: ask the company first"), "warn"))
        out.append(Suggestion(
            target=f"company:{company.pk}", name=company.name,
            url=reverse("backoffice:company_detail", args=[company.pk]),
            kind=str(_("Company")), municipality=company.municipality.name if company.municipality else "–",
            distance_km=m.distance_km, lines=search.reason_lines(m.reasons, topic_names=topic_names), badges=badges,
            introduction=intros.get(company.pk),
        ))  # fmt: skip
    return out


@staff_required
def need_detail(request: HttpRequest, need_id: int) -> HttpResponse:
    user = _user(request)
    need = access.need_for_staff(user, need_id)
    topic_names, formats = search.topic_labels(), dict(TransferFormat.choices)
    context = {
        "need": need,
        "can_edit": access.can_edit_need(user, need),
        "company_visible": company_access.companies_for_staff(user).filter(pk=need.company_id).exists(),
        "topic_labels": [topic_names.get(key, key) for key in need.topics],
        "format_labels": [formats.get(key, key) for key in need.formats],
        "introductions": need.introductions.select_related("profile", "target_company").order_by("-created_at", "-id"),
        "suggestions": _suggestions(user, need) if need.status == NeedStatus.OPEN else [],
        "history": _history(Need, need.pk),
    }
    return render(request, "backoffice/connect/need_detail.html", context)


@editor_required
def need_edit(request: HttpRequest, need_id: int) -> HttpResponse:
    user = _user(request)
    need = access.need_for_staff_edit(user, need_id)
    form = NeedForm(request.POST or None, need=need)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(actor=user, need=need, **form.service_data())
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("backoffice:need_detail", need_id=need.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "backoffice/connect/need_form.html", {"form": form, "need": need, "company": need.company}, status=status)


@require_POST
@editor_required
def need_status(request: HttpRequest, need_id: int) -> HttpResponse:
    """Close a need (it no longer gets suggestions) or open it again."""
    user = _user(request)
    need = access.need_for_staff_edit(user, need_id)
    status = request.POST.get("status") or ""
    if status not in NeedStatus.values:
        messages.error(request, _("Please choose a status."))
        return redirect("backoffice:need_detail", need_id=need.pk)
    try:
        services.need_update(
            actor=user, need=need, kind=need.kind, title=need.title, text=need.text, topics=need.topics,
            formats=need.formats, municipality=need.municipality, status=status,
        )  # fmt: skip
    except ServiceError as exc:  # e.g. a need recorded before a rule existed: "Edit" shows what to correct
        messages.error(request, exc.message)
        return redirect("backoffice:need_detail", need_id=need.pk)
    messages.success(request, _("The need is closed.") if status == NeedStatus.CLOSED else _("The need is open again."))
    return redirect("backoffice:need_detail", need_id=need.pk)


# --- proposing an introduction ------------------------------------------------------------------


def _target_of(
    user: User, need: Need, target: tuple[str, str] | None
) -> tuple[CompetenceProfile | None, Company | None]:
    """The suggestion a key names, if it fits the need and the user may see it; else (None, None)."""
    if target is None:
        return None, None
    kind, key = target
    if kind == "profile" and need.kind == NeedKind.COMPETENCE:
        profile = (
            competence_access.profiles_for_staff(user)
            .filter(external_id=key, status=ProfileStatus.PUBLISHED)
            .select_related("municipality")
            .first()
        )
        return profile, None
    pk = parse_id(key)
    if kind == "company" and need.kind != NeedKind.COMPETENCE and pk is not None and pk != need.company_id:
        company = company_access.companies_for_staff(user).filter(pk=pk).select_related("municipality").first()
        return None, company
    return None, None


def _match_for(user: User, need: Need, profile: CompetenceProfile | None, company: Company | None) -> Match | None:
    """The engine's match of this suggestion for the need (its reasons go with the introduction)."""
    if profile is not None:
        return next((m for m in _profile_matches(need, search.MAX_LIMIT) if m.id == profile.external_id), None)
    if company is not None:
        visible = company_access.companies_for_staff(user).filter(pk=company.pk)
        return next(iter(_company_matches(user, need, 1, visible=visible)), None)
    return None


def _default_message(need: Need, target_name: str) -> str:
    return _("%(company)s is looking for support with “%(title)s”. We think %(target)s could help.") % {
        "company": need.company.name, "title": need.title, "target": target_name,
    }  # fmt: skip


@editor_required
def introduction_propose(request: HttpRequest, need_id: int) -> HttpResponse:
    """Propose an introduction of the need's company to one of its suggestions (`?target=`)."""
    user = _user(request)
    need = access.need_for_staff_edit(user, need_id)
    contacts = need.company.contacts.exclude(email="").order_by("last_name", "first_name", "id")
    if request.method == "POST":
        form = ProposeForm(request.POST, contacts=contacts)
        profile = target_company = None
        if form.is_valid():
            profile, target_company = _target_of(user, need, form.cleaned_data["target"])
            if need.status != NeedStatus.OPEN:
                form.add_error(None, _("This need is closed. Please open it again to propose an introduction."))
            elif profile is None and target_company is None:
                form.add_error(None, _("Please choose one of the suggestions."))
            else:
                match = _match_for(user, need, profile, target_company)
                try:
                    intro = services.introduction_propose(
                        actor=user, company=need.company, profile=profile, target_company=target_company, need=need,
                        message=form.cleaned_data["message"], reasons=match.reasons if match else [],
                        company_person=form.company_person(),
                    )  # fmt: skip
                except ServiceError as exc:
                    _form_error(form, exc, {"company_person": "contact"})
                else:
                    messages.success(request, _("The introduction is proposed. Both sides are now asked for their consent."))
                    return redirect("backoffice:introduction_detail", introduction_id=intro.pk)
        else:
            profile, target_company = _target_of(user, need, parse_target(request.POST.get("target") or ""))
        match = _match_for(user, need, profile, target_company)
        return _render_propose(request, need, form, profile, target_company, match, status=400)
    profile, target_company = _target_of(user, need, parse_target(request.GET.get("target") or ""))
    if profile is None and target_company is None:
        messages.error(request, _("Please choose one of the suggestions."))
        return redirect("backoffice:need_detail", need_id=need.pk)
    if need.status != NeedStatus.OPEN:
        messages.error(request, _("This need is closed. Please open it again to propose an introduction."))
        return redirect("backoffice:need_detail", need_id=need.pk)
    target = f"profile:{profile.external_id}" if profile else f"company:{target_company.pk}"  # type: ignore[union-attr]
    name = profile.name if profile else target_company.name  # type: ignore[union-attr]
    form = ProposeForm(initial={"target": target, "message": _default_message(need, name)}, contacts=contacts)
    return _render_propose(request, need, form, profile, target_company, _match_for(user, need, profile, target_company))


def _render_propose(
    request: HttpRequest,
    need: Need,
    form: ProposeForm,
    profile: CompetenceProfile | None,
    company: Company | None,
    match: Match | None,
    *,
    status: int = 200,
) -> HttpResponse:
    context = {
        "need": need,
        "form": form,
        "profile": profile,
        "target_company": company,
        "match": match,
        "lines": search.reason_lines(match.reasons) if match else [],
    }
    return render(request, "backoffice/connect/introduction_propose.html", context, status=status)


# --- introductions ------------------------------------------------------------------------------


@staff_required
def introduction_list(request: HttpRequest) -> HttpResponse:
    """The introductions of the user's agency and those to its companies (the coordination: all)."""
    user = _user(request)
    visible = access.introductions_for_staff(user)
    counts = visible.aggregate(**{s: Count("pk", filter=Q(status=s)) for s in IntroductionStatus.values})
    status = request.GET.get("status") or "all"
    if status not in {"all", *IntroductionStatus.values}:
        status = "all"
    shown = visible if status == "all" else visible.filter(status=status)
    page = Paginator(shown.order_by("-created_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    tabs = [("all", _("All"), sum(counts.values()))]
    tabs += [(value, label, counts[value]) for value, label in IntroductionStatus.choices]
    context = {
        "page": page,
        "query": _query(request),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "status": status,
        "tabs": tabs,
    }
    return render(request, "backoffice/connect/introduction_list.html", context)


def _pending_sides(intro: Introduction) -> list[tuple[str, str]]:
    if intro.status != IntroductionStatus.PROPOSED:
        return []
    sides = []
    if intro.company_decision == Decision.PENDING:
        sides.append(("company", _("the company: %(name)s") % {"name": intro.company.name}))
    if intro.target_decision == Decision.PENDING:
        sides.append(("target", _("the contacted side: %(name)s") % {"name": intro.target_name}))
    return sides


def _render_introduction(
    request: HttpRequest,
    intro: Introduction,
    *,
    decision_form: DecisionForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    can_record = access.can_record_for(user, intro)
    readable = set(
        company_access.companies_for_staff(user)
        .filter(pk__in=[intro.company_id, intro.target_company_id or 0])
        .values_list("pk", flat=True)
    )
    sides = _pending_sides(intro)
    context: dict[str, Any] = {
        "intro": intro,
        "can_record": can_record,
        "company_readable": intro.company_id in readable,
        "target_readable": intro.target_company_id in readable,
        "need_readable": bool(intro.need_id) and access.needs_for_staff(user).filter(pk=intro.need_id).exists(),
        "case_readable": user.is_coordinator or intro.organisation_id == user.organisation_id,
        "persons": access.visible_persons(intro, None),
        "events": intro.events.select_related("actor"),
        "lines": search.reason_lines(intro.reasons),
        "pending": bool(sides),
    }
    if can_record and sides:
        initial = {"side": sides[0][0]} if len(sides) == 1 else {}
        context["decision_form"] = decision_form or DecisionForm(sides=sides, initial=initial)
        context["withdraw_form"] = withdraw_form or WithdrawForm()
        context["open_form"] = "withdraw" if withdraw_form is not None else ("decision" if decision_form is not None else "")
    return render(request, "backoffice/connect/introduction_detail.html", context, status=status)


@staff_required
def introduction_detail(request: HttpRequest, introduction_id: int) -> HttpResponse:
    return _render_introduction(request, access.introduction_for_staff(_user(request), introduction_id))


@require_POST
@editor_required
def introduction_decide(request: HttpRequest, introduction_id: int) -> HttpResponse:
    """Record a side's answer given to the agency (by phone, e-mail or in person) on its behalf."""
    user = _user(request)
    intro = access.introduction_for_staff_edit(user, introduction_id)
    sides = _pending_sides(intro)
    form = DecisionForm(request.POST, sides=sides)
    if not sides:  # the page shows no form then, so the message goes on top
        messages.error(request, _("This introduction is no longer waiting for an answer."))
    elif form.is_valid():
        data = form.cleaned_data
        try:
            services.introduction_decide(
                actor=user, introduction=intro, side=data["side"], accept=data["decision"] == "accept",
                person=form.person(), note=data["note"], on_behalf=True,
            )  # fmt: skip
        except ServiceError as exc:
            _form_error(form, exc, {"person": "name"})
        else:
            messages.success(request, _("The answer is recorded."))
            return redirect("backoffice:introduction_detail", introduction_id=intro.pk)
    return _render_introduction(request, intro, decision_form=form, status=400)


@require_POST
@editor_required
def introduction_withdraw(request: HttpRequest, introduction_id: int) -> HttpResponse:
    user = _user(request)
    intro = access.introduction_for_staff_edit(user, introduction_id)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.introduction_withdraw(actor=user, introduction=intro, note=form.cleaned_data["note"])
        except ServiceError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:  # no longer pending: the page shows no form, so the message goes on top
                messages.error(request, exc.message)
        else:
            messages.success(request, _("The introduction is withdrawn."))
            return redirect("backoffice:introduction_detail", introduction_id=intro.pk)
    return _render_introduction(request, intro, withdraw_form=form, status=400)


# --- the company profile for exchange and supply ------------------------------------------------


@editor_required
def company_profile_edit(request: HttpRequest, company_id: int) -> HttpResponse:
    user = _user(request)
    company = company_access.company_for_staff_edit(user, company_id)
    profile = access.company_profile_of(company)
    form = CompanyProfileForm(request.POST or None, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_profile_save(actor=user, company=company, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The profile for exchange and supply is saved."))
            return redirect(reverse("backoffice:company_detail", args=[company.pk]) + "#h-connect")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "company": company, "profile": profile}
    return render(request, "backoffice/connect/company_profile_form.html", context, status=status)


# --- the synonym list ---------------------------------------------------------------------------


def _current_synonyms() -> str:
    newest = SynonymList.objects.order_by("-id").values_list("text", flat=True).first()
    if newest is not None:
        return newest
    return DEFAULT_SYNONYMS_PATH.read_text(encoding="utf-8")


@coordinator_required
def synonyms(request: HttpRequest) -> HttpResponse:
    """The synonym list of the matching engine: the current text, a new version, the versions so far,
    and a query to try against the competence map with the list in force."""
    user = _user(request)
    if request.method == "POST":
        form = SynonymForm(request.POST)
        if form.is_valid():
            try:
                version = services.synonyms_save(actor=user, text=form.cleaned_data["text"], note=form.cleaned_data["note"])
            except ServiceError as exc:
                _form_error(form, exc)
            else:
                messages.success(
                    request, _("Version %(number)s of the synonym list is in force (%(groups)d groups).")
                    % {"number": version.pk, "groups": version.groups},
                )  # fmt: skip
                return redirect("backoffice:synonyms")
    else:
        form = SynonymForm(initial={"text": _current_synonyms()})
    try_form = TryForm(request.GET or None)
    results: list[dict[str, Any]] = []
    tried = ""
    if try_form.is_valid() and try_form.cleaned_data["q"].strip():
        tried = try_form.cleaned_data["q"].strip()
        matches = search.match_profiles(tried, limit=TRY_RESULTS, kinds=ProfileKind.values)
        profiles = {
            p.external_id: p
            for p in competence_access.profiles_for_staff(user)
            .filter(external_id__in=[m.id for m in matches])
            .select_related("municipality")
        }
        topic_names = search.topic_labels()
        results = [
            {"profile": profiles[m.id], "score": m.score, "lines": search.reason_lines(m.reasons, topic_names=topic_names)}
            for m in matches
            if m.id in profiles
        ]
    context = {
        "form": form,
        "try_form": try_form,
        "tried": tried,
        "results": results,
        "versions": SynonymList.objects.select_related("created_by")[:VERSIONS_SHOWN],
        "in_force": SynonymList.objects.order_by("-id").values_list("pk", flat=True).first(),
    }
    return render(request, "backoffice/connect/synonyms.html", context, status=400 if request.method == "POST" else 200)
