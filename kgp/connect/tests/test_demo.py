"""The connect demo: company profiles, needs (hand-written and from check results) and introductions in
every state, seeded through the services by `seed_demo`; a second run adds nothing.

Seeding the whole demo takes a while, so one test seeds once and checks everything.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from kgp.accounts.models import Role, User
from kgp.companies.demo import COMPANY_USER_EMAIL, DEMO_DOMAIN
from kgp.companies.models import Company
from kgp.connect import access
from kgp.connect.demo import PROFILE_COUNT, seed_connect
from kgp.connect.models import (
    CompanyProfile,
    Decision,
    Introduction,
    IntroductionEvent,
    IntroductionStatus,
    Need,
    NeedKind,
    NeedSource,
)
from kgp.core.models import AuditLogEntry
from kgp.journey.models import Activity, ActivityKind

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return (
        CompanyProfile.objects.count(), Need.objects.count(), Introduction.objects.count(),
        IntroductionEvent.objects.count(), Activity.objects.filter(kind=ActivityKind.INTRODUCTION).count(),
        AuditLogEntry.objects.filter(object_type__startswith="connect.").count(),
    )  # fmt: skip


def test_seed_demo_fills_the_connect_module_once():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "introductions" in out.getvalue()

    profiles = CompanyProfile.objects.select_related("company")
    assert PROFILE_COUNT - 3 <= profiles.count() <= PROFILE_COUNT
    assert profiles.filter(peer_exchange=True).count() >= 10 and profiles.filter(supplier=True).count() >= 10
    processes = {p for cp in profiles for p in cp.processes}
    assert {"Laserschneiden", "CNC-Fräsen"} <= processes
    assert {"ISO 9001", "ISO 14001", "ISO 50001"} <= {c for cp in profiles for c in cp.certifications}
    assert all(cp.company.responsible_partner_id for cp in profiles)

    needs = Need.objects.all()
    assert 10 <= needs.count() <= 13
    assert set(needs.values_list("kind", flat=True)) == set(NeedKind.values)
    assert needs.filter(source=NeedSource.CHECK, check_result__isnull=False).exists()
    assert all(n.organisation_id == n.company.responsible_partner_id for n in needs.select_related("company"))
    assert needs.filter(created_by__role=Role.CONSULTANT, created_by__email__endswith=DEMO_DOMAIN).count() == needs.count()

    intros = Introduction.objects.select_related("profile", "company")
    assert 7 <= intros.count() <= 9
    assert set(intros.values_list("status", flat=True)) == set(IntroductionStatus.values)
    assert intros.filter(target_company__isnull=False).exists() and intros.filter(profile__isnull=False).exists()
    # The competence-holder login has an introduction to answer; the company login one to agree to.
    member = User.objects.get(email=f"kompetenz@{DEMO_DOMAIN}")
    waiting = access.introductions_for_portal(member).filter(status=IntroductionStatus.PROPOSED)
    assert waiting.filter(profile__external_id="tud-foerder-lagerwesen", target_decision=Decision.PENDING).exists()
    company_login = User.objects.get(email=COMPANY_USER_EMAIL)
    assert access.introductions_for_portal(company_login).filter(company_decision=Decision.PENDING).exists()
    accepted = intros.filter(status=IntroductionStatus.ACCEPTED)
    assert all(i.company_person.get("email") and i.target_person.get("email") for i in accepted)
    assert IntroductionEvent.objects.filter(on_behalf=True).exclude(note="").exists()
    assert all(i.activity_id and i.reasons is not None for i in intros)
    assert intros.exclude(reasons=[]).exists()

    counts = _counts()
    call_command("seed_demo", stdout=StringIO())  # a second run adds nothing
    assert _counts() == counts
    users = {u.email: u for u in User.objects.filter(email__endswith=DEMO_DOMAIN)}
    again = seed_connect(companies=list(Company.objects.filter(is_active=True).order_by("pk")), users=users)
    assert (again.profiles, again.needs, again.introductions) == ([], [], [])
    assert _counts() == counts
