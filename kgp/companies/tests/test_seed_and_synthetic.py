"""The demo data (seed_demo, demo_logins) and the bulk synthetic data (generate_synthetic)."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from kgp.accounts.models import User
from kgp.companies import sme
from kgp.companies.demo import DEMO_PASSWORD, DEMO_USERS, LOGIN_URL, RegionIndex
from kgp.companies.management.commands.generate_synthetic import marker_entries
from kgp.companies.models import Company, CompanyMembership, Consent, Contact, SizeClass, YearlyFigures
from kgp.companies.queries import company_timeline
from kgp.companies.services import search_text_for
from kgp.core.models import AuditLogEntry
from kgp.core.text import name_key
from kgp.organisations.models import Municipality, PostcodeRange
from kgp.organisations.queries import municipality_for_postcode

pytestmark = pytest.mark.django_db


def run(*args: str, **options: object) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_seed_demo_creates_every_login_and_the_companies():
    run("seed_demo")

    for demo in DEMO_USERS:
        user = User.objects.select_related("organisation").get(email=demo.email)
        assert user.role == demo.role
        assert (user.organisation.key if user.organisation else None) == demo.organisation
        assert user.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=user, email=demo.email, verified=True, primary=True).exists()

    companies = Company.objects.all()
    assert 55 <= companies.count() <= 65
    covered = set(companies.exclude(municipality=None).values_list("municipality__key", flat=True))
    assert covered == set(Municipality.objects.values_list("key", flat=True))
    assert len(covered) == 14
    for c in companies.select_related("municipality__partner"):
        assert c.responsible_partner_id == (c.municipality.partner_id if c.municipality else None)

    # Size classes come from the figures through the services.
    with_figures = companies.filter(figures__isnull=False).distinct()
    assert with_figures.exists() and companies.filter(figures__isnull=True).exists()
    assert not with_figures.filter(size_class=SizeClass.UNKNOWN).exists()
    assert set(companies.filter(figures__isnull=True).values_list("size_class", flat=True)) == {SizeClass.UNKNOWN}
    assert companies.filter(size_class_provisional=True, figures__isnull=False).exists()
    assert len(set(with_figures.values_list("size_class", flat=True))) >= 3

    assert Contact.objects.count() >= companies.count()
    assert companies.filter(network_sharing=True).count() == (
        Consent.objects.filter(kind=Consent.Kind.NETWORK_SHARING, granted=True).count()
    )
    # Every company has a timeline from the audit log.
    assert not companies.filter(audit_entries__isnull=True).exists()
    assert company_timeline(companies.first())
    assert AuditLogEntry.objects.filter(object_type="companies.note").exists()

    membership = CompanyMembership.objects.get(user__email="unternehmen@demo.kompetenzregion.de")
    assert membership.status == CompanyMembership.Status.APPROVED


def test_seed_demo_if_empty_and_a_second_run():
    run("seed_demo")
    counts = (User.objects.count(), Company.objects.count(), AuditLogEntry.objects.count())

    assert "nothing" in run("seed_demo", "--if-empty")
    assert (User.objects.count(), Company.objects.count(), AuditLogEntry.objects.count()) == counts

    run("seed_demo")  # without --if-empty: skips what exists, does not crash
    assert (User.objects.count(), Company.objects.count(), AuditLogEntry.objects.count()) == counts


def test_demo_logins_prints_every_login():
    output = run("demo_logins")
    for demo in DEMO_USERS:
        assert demo.email in output
    assert DEMO_PASSWORD in output and LOGIN_URL in output


def _fingerprint() -> str:
    rows = sorted(Company.objects.values_list("name", "postcode", "city", "size_class", "sector_code"))
    contacts = sorted(Contact.objects.values_list("first_name", "last_name", "email"))
    return hashlib.sha256(repr((rows, contacts)).encode()).hexdigest()


def _wipe() -> None:
    Company.objects.all().delete()
    AuditLogEntry.objects.all().delete()


def test_generate_synthetic_is_deterministic():
    run("generate_synthetic", "--companies", "500", "--seed", "1")
    first = _fingerprint()
    names = sorted(Company.objects.values_list("name", flat=True))
    _wipe()

    run("generate_synthetic", "--companies", "500", "--seed", "1")
    assert _fingerprint() == first
    assert sorted(Company.objects.values_list("name", flat=True)) == names
    _wipe()

    run("generate_synthetic", "--companies", "500", "--seed", "2")
    assert _fingerprint() != first


def test_generate_synthetic_data_is_consistent():
    output = run("generate_synthetic", "--companies", "500", "--seed", "1", "--contacts-per-company", "2",
                 "--batch-size", "200")  # fmt: skip
    assert "500 companies" in output
    companies = Company.objects.select_related("municipality__partner")
    assert companies.count() == 500
    assert Contact.objects.count() == 1000

    outside = [c for c in companies if c.municipality is None]
    assert outside and all(c.responsible_partner_id is None for c in outside)
    for c in list(companies.order_by("id"))[::10]:
        municipality = municipality_for_postcode(c.postcode)
        assert c.municipality == municipality
        assert c.responsible_partner_id == (municipality.partner_id if municipality else None)
        assert c.search_text == search_text_for(c, contacts=())
        assert c.name_key == name_key(c.name)
        figures = c.figures.first()
        if figures is None:
            assert c.size_class in (SizeClass.UNKNOWN, SizeClass.LARGE)
        else:
            expected = sme.classify(
                sme.Figures(figures.staff_awu, figures.turnover, figures.balance_sheet_total),
                public_control_25=c.public_control_25,
            )
            assert (c.size_class, c.size_class_provisional) == (expected.size_class, expected.provisional)
            assert c.size_periods.get().size_class == c.size_class

    shared = companies.filter(network_sharing=True).count()
    assert 20 <= shared <= 90  # about 10 %
    assert Consent.objects.filter(kind=Consent.Kind.NETWORK_SHARING).count() == shared
    assert Company.topics.through.objects.exists()
    assert YearlyFigures.objects.count() == companies.filter(figures__isnull=False).count()
    marker = marker_entries().get()
    assert marker.changes["companies"] == 500 and marker.changes["seed"] == 1
    assert AuditLogEntry.objects.count() == 1  # one summary entry, none per row

    # A second run into the same database does not collide with the unique register entries.
    run("generate_synthetic", "--companies", "50", "--seed", "1")
    assert Company.objects.count() == 550


def test_region_index_matches_the_postcode_query():
    region = RegionIndex.load()
    postcodes = {"00000", "99999", "10115", "4413", "abcde", ""}
    for r in PostcodeRange.objects.all():
        first, last = int(r.first), int(r.last)
        postcodes |= {f"{v:05d}" for v in (first - 1, first, (first + last) // 2, last, last + 1)}
    for postcode in sorted(postcodes):
        place = region.lookup(postcode)
        municipality = municipality_for_postcode(postcode)
        assert (place.municipality_id if place else None) == (municipality.pk if municipality else None), postcode
