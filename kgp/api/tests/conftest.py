"""Fixtures for the API tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kgp.accounts.models import User
from kgp.accounts.services import api_token_create
from kgp.companies.models import Company
from kgp.testing.factories import CompanyFactory

from .helpers import ApiClient


@pytest.fixture
def api_as(db) -> Callable[[User | None], ApiClient]:
    """api_as(user) -> a client with a fresh token of the user; api_as(None) -> anonymous."""

    def make(user: User | None) -> ApiClient:
        return ApiClient(api_token_create(user=user, name="test") if user is not None else None)

    return make


@pytest.fixture
def shared_company(db) -> Company:
    """A Dortmund company that consented to network-wide sharing (other agencies may read it)."""
    return CompanyFactory(name="Geteilte Gießerei GmbH", postcode="44141", city="Dortmund", network_sharing=True)


@pytest.fixture
def bochum_company(db) -> Company:
    return CompanyFactory(name="Bochumer Blechtechnik GmbH", postcode="44787", city="Bochum")


@pytest.fixture
def outside_company(db) -> Company:
    """Outside the region: no municipality, no responsible partner (the coordination decides)."""
    return CompanyFactory(name="Berliner Betrieb GmbH", postcode="10115", city="Berlin")
