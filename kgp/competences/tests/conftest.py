"""Fixtures of the competence map tests: profiles made through the services, and a competence-holder user."""

from __future__ import annotations

import pytest

from kgp.accounts.models import Role
from kgp.competences import services
from kgp.competences.models import SubjectArea
from kgp.organisations.models import Municipality
from kgp.testing.factories import UserFactory

DESCRIPTION = (
    "Das Labor untersucht Druckluftanlagen und Abwärme in Fertigungsbetrieben, misst Verbräuche vor Ort "
    "und zeigt Maßnahmen, mit denen sich Energie und Kosten sparen lassen."
)


def profile_data(external_id: str = "labor-druckluft", **overrides) -> dict:
    data = {
        "external_id": external_id, "kind": "uas", "institution": "Fachhochschule Dortmund",
        "unit": "Labor für Druckluft", "municipality": Municipality.objects.get(name="Dortmund"),
        "description": DESCRIPTION, "keywords": ["Druckluft", "Abwärme"], "transfer_formats": ["thesis", "lab_use"],
        "languages": ["de"], "status": "published",
    }  # fmt: skip
    return data | overrides


def make_profile(external_id: str = "labor-druckluft", *, areas: tuple[str, ...] = ("energy",), **overrides):
    return services.profile_create(
        actor=None, data=profile_data(external_id, **overrides), subject_areas=SubjectArea.objects.filter(key__in=areas)
    )


@pytest.fixture
def competence_user(db):
    return UserFactory(email="professorin@example.org", role=Role.COMPETENCE)


@pytest.fixture
def profile(db):
    return make_profile()
