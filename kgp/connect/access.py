"""The one access layer for needs, introductions and company profiles of the connect module.

- network coordination: everything;
- consultants and read-only staff: the needs and introductions of their agency (the agency that
  owns the company's case), and introductions whose other side is a company of their agency
  (read-only); consultants change only their agency's (read-only staff: 403);
- company users: the needs and introductions of the companies they are an approved member of, and
  introductions that contact one of their companies;
- competence-holder users: introductions to the profiles they maintain;
- anybody else: nothing. What a user may not see answers 404, never 403.

Who answers for a side of an introduction (`side_for`): the company's members for the company
side; the profile's members or the other company's members for the contacted side. Staff of the
owning agency may record either side's answer given by phone or e-mail (`can_record_for`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kgp.accounts.models import Role, User
from kgp.companies.access import companies_for_member, companies_for_staff
from kgp.companies.models import Company
from kgp.competences.access import is_competence_user, profiles_for_member
from kgp.core.ids import parse_id

from .models import CompanyProfile, Introduction, Need


def _pk(value: int | str) -> int:
    pk = parse_id(value)
    if pk is None:
        raise Http404
    return pk


def _is_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.is_staff_member)


# --- needs ------------------------------------------------------------------------------------


def needs_for_staff(user: User) -> QuerySet[Need]:
    if not _is_staff(user):
        return Need.objects.none()
    qs = Need.objects.filter(company__is_active=True).select_related("company", "organisation", "municipality", "created_by")
    if user.role == Role.COORDINATOR:
        return qs
    return qs.filter(organisation_id=user.organisation_id)


def need_for_staff(user: User, need_id: int | str) -> Need:
    need = needs_for_staff(user).filter(pk=_pk(need_id)).first()
    if need is None:
        raise Http404
    return need


def can_edit_need(user: User, need: Need) -> bool:
    if not (user.is_authenticated and user.can_edit_crm):
        return False
    return user.role == Role.COORDINATOR or need.organisation_id == user.organisation_id


def need_for_staff_edit(user: User, need_id: int | str) -> Need:
    need = need_for_staff(user, need_id)
    if not can_edit_need(user, need):
        raise PermissionDenied
    return need


def needs_for_member(user: User) -> QuerySet[Need]:
    if not (user.is_authenticated and user.role == Role.COMPANY):
        return Need.objects.none()
    return Need.objects.filter(company__in=companies_for_member(user)).select_related("company", "municipality")


def need_for_member(user: User, need_id: int | str) -> Need:
    need = needs_for_member(user).filter(pk=_pk(need_id)).first()
    if need is None:
        raise Http404
    return need


# --- introductions ----------------------------------------------------------------------------


def _with_relations(qs: QuerySet[Introduction]) -> QuerySet[Introduction]:
    return qs.select_related(
        "company", "organisation", "profile", "profile__municipality", "target_company", "need", "proposed_by", "case"
    )


def introductions_for_staff(user: User) -> QuerySet[Introduction]:
    if not _is_staff(user):
        return Introduction.objects.none()
    qs = _with_relations(Introduction.objects.all())
    if user.role == Role.COORDINATOR:
        return qs
    return qs.filter(Q(organisation_id=user.organisation_id) | Q(target_company__responsible_partner_id=user.organisation_id))


def introduction_for_staff(user: User, intro_id: int | str) -> Introduction:
    intro = introductions_for_staff(user).filter(pk=_pk(intro_id)).first()
    if intro is None:
        raise Http404
    return intro


def can_record_for(user: User, intro: Introduction) -> bool:
    """Staff who may record a side's answer, propose and withdraw: the owning agency's consultants
    and the coordination."""
    if not (user.is_authenticated and user.can_edit_crm):
        return False
    return user.role == Role.COORDINATOR or intro.organisation_id == user.organisation_id


def introduction_for_staff_edit(user: User, intro_id: int | str) -> Introduction:
    intro = introduction_for_staff(user, intro_id)
    if not can_record_for(user, intro):
        raise PermissionDenied
    return intro


def introductions_for_portal(user: User) -> QuerySet[Introduction]:
    """Introductions a company user or a competence-holder user takes part in."""
    if not user.is_authenticated:
        return Introduction.objects.none()
    if user.role == Role.COMPANY:
        companies = companies_for_member(user).values("pk")
        return _with_relations(Introduction.objects.filter(Q(company__in=companies) | Q(target_company__in=companies)))
    if is_competence_user(user):
        return _with_relations(Introduction.objects.filter(profile__in=profiles_for_member(user).values("pk")))
    return Introduction.objects.none()


def introduction_for_portal(user: User, intro_id: int | str) -> Introduction:
    intro = introductions_for_portal(user).filter(pk=_pk(intro_id)).first()
    if intro is None:
        raise Http404
    return intro


def side_for(user: User, intro: Introduction) -> str | None:
    """The side a portal user speaks for in this introduction: "company", "target" or None."""
    if not user.is_authenticated:
        return None
    if user.role == Role.COMPANY:
        member_of = set(companies_for_member(user).filter(pk__in=[intro.company_id, intro.target_company_id or 0]).values_list("pk", flat=True))
        if intro.company_id in member_of:
            return "company"
        if intro.target_company_id in member_of:
            return "target"
        return None
    if is_competence_user(user) and intro.profile_id:
        return "target" if profiles_for_member(user).filter(pk=intro.profile_id).exists() else None
    return None


def visible_persons(intro: Introduction, side: str | None) -> dict[str, dict]:
    """The contact persons a viewer may see: their own side's always, the other side's only after
    both agreed. Staff (side None) see both only after both agreed."""
    persons: dict[str, dict] = {}
    for name in ("company", "target"):
        person = getattr(intro, f"{name}_person") or {}
        if person and (name == side or intro.contacts_visible):
            persons[name] = person
    return persons


# --- companies for matching ---------------------------------------------------------------------


def matchable_companies_for(user: User) -> QuerySet[Company]:
    """The companies a user may be shown as suggestions (before the opt-in filter for company users):
    staff see what their access layer shows; company users the companies that opted in (the caller
    adds `search.opted_in`); nobody else any."""
    if _is_staff(user):
        return companies_for_staff(user)
    if user.is_authenticated and user.role == Role.COMPANY:
        return Company.objects.filter(is_active=True)
    return Company.objects.none()


def company_profile_of(company: Company) -> CompanyProfile | None:
    return CompanyProfile.objects.filter(company=company).first()
