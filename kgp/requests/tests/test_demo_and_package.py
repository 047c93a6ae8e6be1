"""The demo requests and the package module's rules that the views do not show directly."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import RequestFactory as HttpRequestFactory

from kgp.accounts.models import Role
from kgp.catalogue.models import OfferStatus
from kgp.companies.models import Company
from kgp.core.models import AuditLogEntry
from kgp.requests import package
from kgp.requests.demo import seed_requests
from kgp.requests.models import PackageItem, Request, RequestStatus
from kgp.testing.factories import CompanyFactory, MembershipFactory, OfferFactory, UserFactory

pytestmark = pytest.mark.django_db

POSTCODES = [("44139", "Dortmund"), ("44801", "Bochum"), ("58095", "Hagen"), ("59065", "Hamm"), ("59423", "Unna"), ("10115", "Berlin")]


def test_seed_requests_spreads_requests_over_agencies_and_statuses(django_capture_on_commit_callbacks):
    trades = ("Gießerei Albers", "Stanztechnik Brück", "Kunststoff Demir", "Elektro Voss")
    companies = [
        CompanyFactory(name=f"{trade} {city} GmbH", postcode=postcode, city=city)
        for postcode, city in POSTCODES
        for trade in trades
    ]
    member = UserFactory(role=Role.COMPANY)
    MembershipFactory(user=member, company=companies[5])
    offers = [OfferFactory() for _ in range(5)] + [OfferFactory(status=OfferStatus.ARCHIVED)]
    with django_capture_on_commit_callbacks(execute=True):
        made = seed_requests(companies=companies, offers=offers, rng_seed=1)
    assert len(made) == 15 == Request.objects.count()
    assert mail.outbox == []  # demo data send no e-mail
    assert {r.status for r in made} == set(RequestStatus.values)
    assert {r.partner.key if r.partner else None for r in made} == {"dortmund", "bochum", "hagen", "hamm", "unna", None}
    assert any(r.company == companies[5] and r.created_by == member for r in made)
    assert all(r.contact_email.endswith("@example.org") for r in made)
    assert not Request.objects.filter(items__offer=offers[-1]).exists()  # archived offers are not requested
    assert AuditLogEntry.objects.filter(object_type="requests.request").count() >= 15
    assert Company.objects.count() == len(companies)  # public-form demo requests matched the records
    assert any(r.matched_existing for r in made) and any(r.source == "portal" for r in made)
    # Run again: companies with requests are left alone.
    assert len(seed_requests(companies=companies[:6], offers=offers, rng_seed=1)) <= 6 - sum(
        1 for c in companies[:6] if c.requests.count() > 1
    )


def _request(user=None):
    request = HttpRequestFactory().get("/")
    request.session = SessionStore()
    from django.contrib.auth.models import AnonymousUser

    request.user = user or AnonymousUser()
    return request


def test_session_package_ignores_broken_entries_and_duplicates():
    offer = OfferFactory()
    request = _request()
    request.session[package.SESSION_KEY] = [[offer.pk, "a"], [offer.pk, "b"], ["x", "y"], "kaputt", [999999, ""]]
    assert [(e.offer.pk, e.note) for e in package.entries(request)] == [(offer.pk, "a")]


def test_the_package_has_a_limit():
    request = _request()
    offers = [OfferFactory() for _ in range(package.MAX_ITEMS + 1)]
    for offer in offers[:-1]:
        assert package.add(request, offer)
    with pytest.raises(package.PackageFull):
        package.add(request, offers[-1])


def test_merge_keeps_the_account_note_unless_it_is_empty():
    user = UserFactory(role=Role.COMPANY)
    with_note, without_note, fresh = OfferFactory(), OfferFactory(), OfferFactory()
    PackageItem.objects.create(user=user, offer=with_note, note="Konto")
    PackageItem.objects.create(user=user, offer=without_note, note="")
    request = _request()
    request.session[package.SESSION_KEY] = [[with_note.pk, "Sitzung"], [without_note.pk, "Sitzung"], [fresh.pk, ""]]
    assert package.merge_session_into_account(request, user) == 1
    notes = dict(PackageItem.objects.filter(user=user).values_list("offer_id", "note"))
    assert notes == {with_note.pk: "Konto", without_note.pk: "Sitzung", fresh.pk: ""}
    assert package.SESSION_KEY not in request.session


def test_the_package_is_merged_lazily_when_the_signal_did_not_run():
    user = UserFactory(role=Role.COMPANY)
    offer = OfferFactory()
    request = _request(user)
    request.session[package.SESSION_KEY] = [[offer.pk, "spät"]]
    assert package.count(request) == 1
    assert [(e.offer.pk, e.note) for e in package.entries(request)] == [(offer.pk, "spät")]
    assert PackageItem.objects.filter(user=user, offer=offer, note="spät").exists()
