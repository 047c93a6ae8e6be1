"""The one access layer for competence profiles. Every portal and backoffice read of a profile goes through here.

- the public (anyone, signed in or not): published profiles, with their public contact persons only;
- competence-holder users: the profiles they are members of (drafts included), to maintain them;
- staff: every profile; the network coordination and the consultants of every agency curate (edit)
  all of them, read-only staff read only (403 on changes);
- anybody else: nothing. What a user may not see answers 404, never 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from kgp.accounts.models import Role, User
from kgp.core.ids import parse_id

from .models import CompetenceProfile, ProfileContact, ProfileMember
from .services import EXTERNAL_ID, EXTERNAL_ID_MAX


def _pk(value: int | str) -> int:
    pk = parse_id(value)
    if pk is None:
        raise Http404
    return pk


def with_relations(qs: QuerySet[CompetenceProfile]) -> QuerySet[CompetenceProfile]:
    """What a list row or card shows, in a constant number of queries."""
    return qs.select_related("municipality").prefetch_related("subject_areas")


# --- public -----------------------------------------------------------------------------------


def public_profiles() -> QuerySet[CompetenceProfile]:
    """Published profiles: the public competence map."""
    return CompetenceProfile.objects.published()


def public_profile(external_id: str) -> CompetenceProfile:
    """A published profile by its identifier with its public contacts (`public_contacts`), or 404."""
    if not isinstance(external_id, str) or len(external_id) > EXTERNAL_ID_MAX or not EXTERNAL_ID.fullmatch(external_id):
        raise Http404  # no query for anything that cannot be an identifier
    public_contacts = Prefetch("contacts", queryset=ProfileContact.objects.filter(is_public=True), to_attr="public_contacts")
    profile = with_relations(public_profiles()).prefetch_related(public_contacts).filter(external_id=external_id).first()
    if profile is None:
        raise Http404
    return profile


# --- competence holders -----------------------------------------------------------------------


def is_competence_user(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.COMPETENCE)


def profiles_for_member(user: User) -> QuerySet[CompetenceProfile]:
    """The profiles a competence-holder user maintains (none for anybody else)."""
    if not is_competence_user(user):
        return CompetenceProfile.objects.none()
    return CompetenceProfile.objects.filter(pk__in=ProfileMember.objects.filter(user=user).values("profile_id"))


def profile_for_member_edit(user: User, profile_id: int | str) -> CompetenceProfile:
    """A profile the competence-holder user maintains, or 404."""
    profile = with_relations(profiles_for_member(user)).filter(pk=_pk(profile_id)).first()
    if profile is None:
        raise Http404
    return profile


def contact_for_member_edit(user: User, profile_id: int | str, contact_id: int | str) -> ProfileContact:
    profile = profile_for_member_edit(user, profile_id)
    contact = ProfileContact.objects.filter(profile=profile, pk=_pk(contact_id)).select_related("profile").first()
    if contact is None:
        raise Http404
    return contact


# --- staff ------------------------------------------------------------------------------------


def profiles_for_staff(user: User) -> QuerySet[CompetenceProfile]:
    """Profiles a staff member reads in the backoffice: all of them, drafts included."""
    if not (user.is_authenticated and user.is_staff_member):
        return CompetenceProfile.objects.none()
    return CompetenceProfile.objects.all()


def can_curate(user: User) -> bool:
    """The coordination and the consultants of every agency edit all profiles."""
    return bool(user.is_authenticated and user.can_edit_crm)


def profile_for_staff(user: User, profile_id: int | str) -> CompetenceProfile:
    """A profile the staff member may read, or 404."""
    profile = with_relations(profiles_for_staff(user)).filter(pk=_pk(profile_id)).first()
    if profile is None:
        raise Http404
    return profile


def profile_for_staff_edit(user: User, profile_id: int | str) -> CompetenceProfile:
    """A profile the staff member may change: 404 if they cannot read it, 403 for read-only staff."""
    profile = profile_for_staff(user, profile_id)
    if not can_curate(user):
        raise PermissionDenied
    return profile


def contact_for_staff_edit(user: User, profile_id: int | str, contact_id: int | str) -> ProfileContact:
    profile = profile_for_staff_edit(user, profile_id)
    contact = ProfileContact.objects.filter(profile=profile, pk=_pk(contact_id)).select_related("profile").first()
    if contact is None:
        raise Http404
    return contact


def member_for_staff_edit(user: User, profile_id: int | str, member_id: int | str) -> ProfileMember:
    profile = profile_for_staff_edit(user, profile_id)
    member = ProfileMember.objects.filter(profile=profile, pk=_pk(member_id)).select_related("profile", "user").first()
    if member is None:
        raise Http404
    return member


def competence_users() -> QuerySet[User]:
    """The users who can become members of a profile."""
    return User.objects.filter(role=Role.COMPETENCE, is_active=True).order_by("email")
