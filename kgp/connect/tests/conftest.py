"""Fixtures of the connect tests: published profiles made through the services, companies with a
connect profile, and a competence-holder user who maintains a profile."""

from __future__ import annotations

import pytest

from kgp.accounts.models import Role
from kgp.assessment.tests.conftest import completed, spec, v1  # noqa: F401  (check fixtures)
from kgp.competences import services as competence_services
from kgp.competences.tests.conftest import make_profile, profile_data  # noqa: F401  (re-exported for the tests)
from kgp.connect import services
from kgp.testing.factories import CompanyFactory, MembershipFactory, UserFactory


@pytest.fixture
def profile(db):
    return make_profile(
        "labor-druckluft",
        description=(
            "Das Labor misst Druckluftnetze in Fertigungsbetrieben, findet Leckagen mit Ultraschall und zeigt, "
            "wie sich der Verbrauch von Kompressoren senken lässt. Abschlussarbeiten und Messkampagnen vor Ort."
        ),
        keywords=["Druckluft", "Leckage", "Kompressor"],
    )


@pytest.fixture
def other_profile(db):
    return make_profile(
        "lehrstuhl-kunststoff",
        institution="Technische Universität Dortmund",
        unit="Lehrstuhl für Kunststofftechnik",
        description=(
            "Der Lehrstuhl forscht zur Verarbeitung von Kunststoffen, zum Recycling von Angüssen und Mahlgut "
            "und zur Qualität von Rezyklaten im Spritzguss. Verbundprojekte und Materialprüfung."
        ),
        keywords=["Spritzguss", "Rezyklat", "Kunststoff"],
        areas=("circular",),
    )


@pytest.fixture
def holder(db, profile):
    user = UserFactory(email="laborleitung@example.org", role=Role.COMPETENCE)
    competence_services.member_add(actor=None, profile=profile, user=user)
    return user


@pytest.fixture
def supplier(db):
    """A company of Hamm that offers laser cutting and powder coating, opted in as a supplier."""
    company = CompanyFactory(name="Laserteile Hamm GmbH", postcode="59065", city="Hamm", description="Lohnfertiger für Blechteile.")
    services.company_profile_save(
        actor=None, company=company, capabilities="Laserschneiden und Kanten von Blechen bis 20 mm, Pulverbeschichtung",
        processes=["Laserschneiden", "Abkanten", "Pulverbeschichtung"], materials=["Edelstahl", "Aluminium"],
        certifications=["ISO 9001"], supplier=True,
    )  # fmt: skip
    return company


@pytest.fixture
def supplier_user(db, supplier):
    user = UserFactory(email="vertrieb@laserteile.example.org", role=Role.COMPANY)
    MembershipFactory(user=user, company=supplier)
    return user
