"""Shared fixtures: the tenancy cast every view test tries.

- coordinator: network coordination (sees everything)
- consultant: consultant of Dortmund (owns `company`)
- other_consultant: consultant of Bochum (sees `company` only when it is shared)
- readonly: read-only staff of Dortmund
- company_user: approved member of `company`
"""

from __future__ import annotations

import pytest

from kgp.accounts.models import Role
from kgp.testing.factories import CompanyFactory, MembershipFactory, UserFactory, org


@pytest.fixture
def coordinator(db):
    return UserFactory(email="koordination@example.org", role=Role.COORDINATOR, organisation=org("dortmund"))


@pytest.fixture
def consultant(db):
    return UserFactory(email="beratung.dortmund@example.org", role=Role.CONSULTANT, organisation=org("dortmund"))


@pytest.fixture
def other_consultant(db):
    return UserFactory(email="beratung.bochum@example.org", role=Role.CONSULTANT, organisation=org("bochum"))


@pytest.fixture
def readonly(db):
    return UserFactory(email="lesen.dortmund@example.org", role=Role.READONLY, organisation=org("dortmund"))


@pytest.fixture
def company(db):
    return CompanyFactory(name="Stahlbau Beispiel GmbH", postcode="44139", city="Dortmund")


@pytest.fixture
def company_user(db, company):
    user = UserFactory(email="inhaberin@example.org", role=Role.COMPANY)
    MembershipFactory(user=user, company=company)
    return user


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path_factory):
    """Uploaded attachments go to a temporary directory, never into the checkout."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def _match_index_reset():
    """Each test starts with empty matching indexes (they are per process and follow the database)."""
    from kgp.connect import search

    search.reset()
    yield
    search.reset()
