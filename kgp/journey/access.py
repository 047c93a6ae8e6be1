"""The one access layer for cases, activities and tasks. Tenant reads of companies go through
kgp.companies.access; cases follow the same rules, decided by the case's owning agency:

- network coordinator: every case of an active company; may change every case;
- consultant / read-only staff: the cases of their agency; plus — read only, and without internal
  notes, structured texts and tasks — the cases of companies that consented to network-wide sharing;
- changes: editors (consultants, coordination) of the owning agency; read-only staff never (403);
  another agency's consultant never (403 on a shared company's case, 404 otherwise);
- anybody else: nothing. What a user may not see answers 404, never 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kgp.accounts.models import Role, User
from kgp.core.ids import parse_id

from .models import Activity, ActivityAttachment, Case, Task


def _pk(value: int | str) -> int:
    pk = parse_id(value)
    if pk is None:
        raise Http404
    return pk


def cases_for_staff(user: User) -> QuerySet[Case]:
    """Cases a staff member may read in the backoffice."""
    if not (user.is_authenticated and user.is_staff_member):
        return Case.objects.none()
    active = Case.objects.filter(company__is_active=True)
    if user.role == Role.COORDINATOR:
        return active
    return active.filter(Q(organisation_id=user.organisation_id) | Q(company__network_sharing=True))


def cases_for_board(user: User, organisation_id: int | None) -> QuerySet[Case]:
    """The cases of the pipeline board: the agency's own cases (the coordination: one agency's or, with
    no agency given, all). Other agencies' shared cases are not on a board.

    No join to the companies: a case never belongs to an inactive company, because merging (the only
    way a company becomes inactive) moves its cases to the kept company (receivers.move_cases_on_merge).
    Counting the stages of 60,000 cases then reads an index only."""
    if not (user.is_authenticated and user.is_staff_member):
        return Case.objects.none()
    if user.role == Role.COORDINATOR:
        return Case.objects.filter(organisation_id=organisation_id) if organisation_id else Case.objects.all()
    return Case.objects.filter(organisation_id=user.organisation_id)


def full_view(user: User, case: Case) -> bool:
    """Internal notes, structured texts and tasks: the owning agency and the coordination."""
    if not (user.is_authenticated and user.is_staff_member):
        return False
    return user.role == Role.COORDINATOR or case.organisation_id == user.organisation_id


def can_edit_case(user: User, case: Case) -> bool:
    if not (user.is_authenticated and user.can_edit_crm):
        return False
    return user.role == Role.COORDINATOR or case.organisation_id == user.organisation_id


def case_for_staff(user: User, case_id: int | str) -> Case:
    """A case the staff member may read, or 404."""
    case = (
        cases_for_staff(user)
        .select_related("company", "company__responsible_partner", "organisation", "consultant", "stage", "created_from")
        .filter(pk=_pk(case_id))
        .first()
    )
    if case is None:
        raise Http404
    return case


def case_for_staff_edit(user: User, case_id: int | str) -> Case:
    """A case the staff member may change: 404 if they cannot read it, 403 if read only."""
    case = case_for_staff(user, case_id)
    if not can_edit_case(user, case):
        raise PermissionDenied
    return case


def task_for_staff_edit(user: User, task_id: int | str) -> Task:
    """A task the staff member may tick off. Tasks are internal: 404 for anyone without the full view
    of its case (or, without a case, of its company), 403 for read-only staff."""
    task = Task.objects.select_related("case", "company").filter(pk=_pk(task_id), company__is_active=True).first()
    if task is None or not (user.is_authenticated and user.is_staff_member):
        raise Http404
    if task.case is not None:
        visible, editable = full_view(user, task.case), can_edit_case(user, task.case)
    else:
        visible = user.role == Role.COORDINATOR or task.company.responsible_partner_id == user.organisation_id
        editable = visible and user.can_edit_crm
    if not visible:
        raise Http404
    if not editable:
        raise PermissionDenied
    return task


def attachment_for_staff(user: User, attachment_id: int | str) -> ActivityAttachment:
    """An attachment to download. Attachments are internal like the notes: 404 for anyone without the
    full view of the activity's case."""
    attachment = (
        ActivityAttachment.objects.select_related("activity__case", "activity__company")
        .filter(pk=_pk(attachment_id), activity__company__is_active=True)
        .first()
    )
    if attachment is None or not full_view(user, attachment.activity.case):
        raise Http404
    return attachment


def attachment_for_staff_edit(user: User, attachment_id: int | str) -> ActivityAttachment:
    """An attachment the staff member may remove: 404 if they cannot read it, 403 if read only."""
    attachment = attachment_for_staff(user, attachment_id)
    if not can_edit_case(user, attachment.activity.case):
        raise PermissionDenied
    return attachment


def activity_for_staff_edit(user: User, activity_id: int | str) -> Activity:
    """An activity to attach files to: 404 if its case is invisible, 403 if it may not be changed."""
    activity = Activity.objects.select_related("case", "company").filter(pk=_pk(activity_id)).first()
    if activity is None:
        raise Http404
    case = case_for_staff(user, activity.case_id)
    if not can_edit_case(user, case):
        raise PermissionDenied
    return activity
