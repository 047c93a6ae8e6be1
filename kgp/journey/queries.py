"""Reads for the pipeline board and the "my work" page: a constant number of queries whatever the
number of cases, activities and tasks (tenant scoping is done by the caller through access.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from kgp.accounts.models import User
from kgp.companies.models import Company
from kgp.companies.queries import TimelineItem
from kgp.requests.models import Request, RequestStatus

from .models import Activity, ActivityKind, Case, Stage, StageChange, Task

CARDS_PER_STAGE = 50
IDLE_DAYS = 60
MY_WORK_LIMIT = 50


@dataclass
class Column:
    stage: Stage
    count: int = 0
    cards: list[Case] = field(default_factory=list)


# What a card shows: loading only these keeps 350 cards cheap to build.
CARD_FIELDS = (
    "id", "stage_id", "last_activity_on", "company__name",
    "consultant__first_name", "consultant__last_name", "consultant__email",
)  # fmt: skip


def board(cases: QuerySet[Case], *, consultant_id: int | None = None, topic: str = "", size_class: str = "") -> list[Column]:
    """The cases by stage: per stage the count and the cards with the longest silence first (at most
    CARDS_PER_STAGE). 2 + number of stages queries, whatever the number of cases: the stages; the
    counts per stage; per stage its top cards with company and consultant.

    Each stage's cards are read in index order (`case_stage_idle`, or `case_board` within an agency)
    and the read stops after CARDS_PER_STAGE rows, so the cost does not grow with the number of cases.
    Ranking all cases at once with a window function took 0.3-0.8 s with 60,000 cases. `cases` must
    not repeat a case (filters on foreign keys only; the topic filter is an EXISTS for that reason)."""
    if consultant_id is not None:
        cases = cases.filter(consultant_id=consultant_id)
    if topic:
        cases = cases.filter(
            Exists(Company.topics.through.objects.filter(company_id=OuterRef("company_id"), topic__key=topic))
        )
    if size_class:
        cases = cases.filter(company__size_class=size_class)
    columns = {s.pk: Column(stage=s) for s in Stage.objects.order_by("order", "id")}
    for stage_id, count in cases.order_by().values_list("stage_id").annotate(n=Count("pk")):
        columns[stage_id].count = count
    for column in columns.values():
        column.cards = list(
            cases.filter(stage_id=column.stage.pk)
            .select_related("company", "consultant")
            .only(*CARD_FIELDS)
            .order_by("last_activity_on", "id")[:CARDS_PER_STAGE]
        )
    return list(columns.values())


def week_end(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=6 - today.weekday())


def my_work(user: User, *, new_requests: QuerySet[Request], cases: QuerySet[Case]) -> dict[str, Any]:
    """A consultant's desk: overdue tasks, tasks due this week, new requests of their agency, and their
    open cases without an activity for IDLE_DAYS days (five queries, at most 50 rows each)."""
    today = timezone.localdate()
    open_tasks = Task.objects.filter(assignee=user, done_at__isnull=True, company__is_active=True).select_related(
        "case", "company"
    )
    overdue = list(open_tasks.filter(due_on__lt=today).order_by("due_on", "id")[:MY_WORK_LIMIT])
    this_week = list(open_tasks.filter(due_on__gte=today, due_on__lte=week_end(today)).order_by("due_on", "id")[:MY_WORK_LIMIT])
    idle = list(
        cases.filter(consultant=user, stage__is_closed=False, last_activity_on__lt=today - dt.timedelta(days=IDLE_DAYS))
        .select_related("company", "stage")
        .order_by("last_activity_on", "id")[:MY_WORK_LIMIT]
    )
    requests = list(
        new_requests.filter(status=RequestStatus.NEW).select_related("company").order_by("-created_at", "-id")[:MY_WORK_LIMIT]
    )
    return {
        "overdue": overdue,
        "due_this_week": this_week,
        "new_requests": requests,
        "idle_cases": idle,
        "idle_days": IDLE_DAYS,
        "today": today,
    }


# --- company timeline and portal --------------------------------------------------------------


def timeline_activities(company: Company, limit: int, before: dt.datetime | None) -> list[TimelineItem]:
    """A company's activities for its timeline (one query): kind, module, date, author and subject,
    never the internal texts (the template shows only those fields)."""
    qs = Activity.objects.filter(company=company).select_related("author", "case")
    if before is not None:
        qs = qs.filter(created_at__lt=before)
    return [
        TimelineItem(a.created_at, "activity", str(a.author) if a.author else "", a)
        for a in qs.order_by("-created_at", "-id")[:limit]
    ]


def timeline_stage_changes(company: Company, limit: int, before: dt.datetime | None) -> list[TimelineItem]:
    """A company's stage changes (from → to, with the person) for its timeline (one query)."""
    qs = StageChange.objects.filter(case__company=company).select_related("case", "from_stage", "to_stage", "changed_by")
    if before is not None:
        qs = qs.filter(changed_at__lt=before)
    return [
        TimelineItem(c.changed_at, "stage_change", str(c.changed_by) if c.changed_by else "", c)
        for c in qs.order_by("-changed_at", "-id")[:limit]
    ]


TIMELINE_SOURCES = (timeline_activities, timeline_stage_changes)

NEXT_STEPS_LIMIT = 20


def next_steps_for_companies(company_ids: Iterable[int], *, limit: int = NEXT_STEPS_LIMIT) -> list[dict[str, Any]]:
    """The agreed next steps of the initial-consultation records of these companies, newest first
    (one query). Only the company, the date and the next-steps text are read — never the internal
    notes, the situation or the subject."""
    return list(
        Activity.objects.filter(
            company_id__in=company_ids, kind=ActivityKind.INITIAL_CONSULTATION, company__is_active=True
        )
        .exclude(next_steps="")
        .order_by("-occurred_on", "-id")
        .values("id", "company_id", "company__name", "occurred_on", "next_steps")[:limit]
    )
