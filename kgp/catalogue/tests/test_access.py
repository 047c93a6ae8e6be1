"""The offer access layer: the public sees published, valid offers; staff read all; who may change which."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from kgp.catalogue import access
from kgp.catalogue.models import OfferStatus
from kgp.testing.factories import OfferFactory, org

pytestmark = pytest.mark.django_db


@pytest.fixture
def dortmund_offer():
    return OfferFactory(title="Dortmunder Angebot", owner=org("dortmund"))


@pytest.fixture
def bochum_draft():
    return OfferFactory(title="Bochumer Entwurf", owner=org("bochum"), status=OfferStatus.DRAFT)


def test_staff_read_every_offer_including_drafts(coordinator, consultant, other_consultant, readonly, dortmund_offer, bochum_draft):
    for user in (coordinator, consultant, other_consultant, readonly):
        assert set(access.offers_for_staff(user)) == {dortmund_offer, bochum_draft}
        assert access.offer_for_staff(user, bochum_draft.pk) == bochum_draft


def test_nobody_else_reads_through_the_staff_layer(company_user, dortmund_offer):
    from django.contrib.auth.models import AnonymousUser

    for user in (company_user, AnonymousUser()):
        assert not access.offers_for_staff(user).exists()
        with pytest.raises(Http404):
            access.offer_for_staff(user, dortmund_offer.pk)


def test_coordinator_edits_every_offer(coordinator, dortmund_offer, bochum_draft):
    assert access.can_edit_offer(coordinator, dortmund_offer) and access.can_edit_offer(coordinator, bochum_draft)
    assert access.offer_for_staff_edit(coordinator, bochum_draft.pk) == bochum_draft
    assert set(access.owners_for(coordinator).values_list("key", flat=True)) == {"dortmund", "bochum", "hagen", "hamm", "unna"}


def test_consultant_edits_only_offers_of_their_agency(consultant, other_consultant, dortmund_offer, bochum_draft):
    assert access.can_edit_offer(consultant, dortmund_offer)
    assert not access.can_edit_offer(consultant, bochum_draft)
    with pytest.raises(PermissionDenied):
        access.offer_for_staff_edit(consultant, bochum_draft.pk)
    assert access.offer_for_staff_edit(other_consultant, bochum_draft.pk) == bochum_draft
    with pytest.raises(PermissionDenied):
        access.offer_for_staff_edit(other_consultant, dortmund_offer.pk)
    assert list(access.owners_for(consultant)) == [org("dortmund")]


def test_readonly_staff_and_company_users_edit_nothing(readonly, company_user, dortmund_offer):
    assert not access.can_edit_offer(readonly, dortmund_offer)
    assert not access.can_create_offer(readonly)
    with pytest.raises(PermissionDenied):
        access.offer_for_staff_edit(readonly, dortmund_offer.pk)
    assert not access.can_edit_offer(company_user, dortmund_offer)
    assert not access.owners_for(readonly).exists()


@pytest.mark.parametrize("offer_id", [999999, "abc", None, "1; DROP TABLE"])
def test_unknown_or_malformed_id_is_404(coordinator, offer_id):
    with pytest.raises(Http404):
        access.offer_for_staff(coordinator, offer_id)
    with pytest.raises(Http404):
        access.offer_for_staff_edit(coordinator, offer_id)


def test_public_offer_is_404_unless_published_and_valid_today(dortmund_offer):
    today = timezone.localdate()
    assert access.public_offer(dortmund_offer.slug) == dortmund_offer
    hidden = [
        OfferFactory(status=OfferStatus.DRAFT),
        OfferFactory(status=OfferStatus.ARCHIVED),
        OfferFactory(valid_until=today - dt.timedelta(days=1)),
        OfferFactory(valid_from=today + dt.timedelta(days=1)),
    ]
    for offer in hidden:
        with pytest.raises(Http404):
            access.public_offer(offer.slug)
    with pytest.raises(Http404):
        access.public_offer("gibt-es-nicht")


@pytest.mark.parametrize("slug", ["a\x00b", "a\nb", "A-Upper", "ä", "", "a/b", "a" * 121, "a b"])
def test_a_malformed_slug_is_404_without_a_query(slug, django_assert_num_queries):
    with django_assert_num_queries(0), pytest.raises(Http404):
        access.public_offer(slug)


def test_nul_bytes_in_offer_urls_are_404(client):
    assert client.get("/angebote/a%00b/").status_code == 404


def test_a_real_slug_is_found():
    offer = OfferFactory(status=OfferStatus.PUBLISHED)
    assert access.public_offer(offer.slug) == offer
