"""The demo competence map: every institution of the region with two to four units, fictitious others, idempotent."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from kgp.accounts.models import Role
from kgp.competences.demo import DEMO_DOMAIN, MEMBER_PROFILE, UNITS, description_for, seed_competences
from kgp.competences.models import CompetenceProfile, Kind, ProfileContact, ProfileMember
from kgp.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

REGION_INSTITUTIONS = 13


def test_units_cover_the_region_in_our_own_words():
    per_institution = Counter(u.institution for u in UNITS if u.kind in (Kind.UNIVERSITY, Kind.UAS, Kind.INSTITUTE))
    assert len(per_institution) == REGION_INSTITUTIONS
    assert all(2 <= n <= 4 for n in per_institution.values()), per_institution
    others = [u for u in UNITS if u.kind not in (Kind.UNIVERSITY, Kind.UAS, Kind.INSTITUTE)]
    assert len(others) >= 6 and {u.kind for u in others} == {Kind.TRANSFER_CENTRE, Kind.COMPANY, Kind.ASSOCIATION}
    for unit in UNITS:
        words = len(description_for(unit).split())
        assert 60 <= words <= 120, (unit.external_id, words)
    assert len({u.external_id for u in UNITS}) == len(UNITS)


def test_seed_competences_is_idempotent_and_gives_the_demo_login_a_profile():
    member = UserFactory(email=f"kompetenz@{DEMO_DOMAIN}", role=Role.COMPETENCE)
    created = seed_competences(member=member)
    assert len(created) == len(UNITS) == CompetenceProfile.objects.count()
    assert CompetenceProfile.objects.filter(status="draft").exists()
    assert CompetenceProfile.objects.needs_review().exists() and CompetenceProfile.objects.exclude(
        pk__in=CompetenceProfile.objects.needs_review()
    ).exists()
    assert ProfileMember.objects.get(user=member).profile.external_id == MEMBER_PROFILE
    emails = list(ProfileContact.objects.values_list("email", flat=True))
    assert emails and {re.sub(r".*@", "", e) for e in emails} == {DEMO_DOMAIN}
    assert ProfileContact.objects.filter(is_public=False).exists()
    counts = (CompetenceProfile.objects.count(), ProfileContact.objects.count(), ProfileMember.objects.count())
    assert seed_competences(member=member) == []
    assert (CompetenceProfile.objects.count(), ProfileContact.objects.count(), ProfileMember.objects.count()) == counts
