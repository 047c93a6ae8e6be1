"""Services of the competence map: validation with a message per field, audit log, the review flag and the signal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from kgp.accounts.models import Role
from kgp.competences import services
from kgp.competences.models import CompetenceProfile, ProfileMember, review_cutoff
from kgp.competences.signals import profile_changed
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry
from kgp.testing.factories import UserFactory

from .conftest import make_profile, profile_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"external_id": "Mit Leerzeichen"}, "external_id", "lower-case"),
        ({"external_id": ""}, "external_id", "identifier"),
        ({"kind": "hochschule"}, "kind", "Unknown kind: hochschule"),
        ({"kind": ""}, "kind", "choose the kind"),
        ({"institution": ""}, "institution", "name of the institution"),
        ({"institution": "Zeile\nzwei"}, "institution", "single line"),
        ({"unit": "x" * 201}, "unit", "at most 200"),
        ({"municipality": None}, "municipality", "municipality"),
        ({"description": "Zu kurz."}, "description", "at least 100 characters"),
        ({"description": "x" * 4001}, "description", "at most 4000"),
        ({"keywords": "Druckluft"}, "keywords", "list of texts"),
        ({"keywords": []}, "keywords", "at least one keyword"),
        ({"keywords": [f"k{i}" for i in range(16)]}, "keywords", "at most 15"),
        ({"keywords": ["x" * 61]}, "keywords", "at most 60"),
        ({"transfer_formats": ["praktikum"]}, "transfer_formats", "Unknown transfer format: praktikum"),
        ({"languages": ["klingonisch"]}, "languages", "Unknown language"),
        ({"status": "archived"}, "status", "Unknown status"),
        ({"reviewed_on": dt.date.today() + dt.timedelta(days=3)}, "reviewed_on", "future"),
    ],
)
def test_create_names_the_broken_field(overrides, field, words):
    with translation.override("en"), pytest.raises(ServiceError) as exc:
        services.profile_create(actor=None, data=profile_data(**overrides))
    assert exc.value.field == field
    assert words in exc.value.message
    assert not CompetenceProfile.objects.exists()


def test_messages_come_in_the_request_language():
    with translation.override("de"), pytest.raises(ServiceError) as exc:
        services.profile_create(actor=None, data=profile_data(status="archived"))
    assert exc.value.field == "status" and exc.value.message.startswith("Unbekannter Status")


def test_create_fills_search_text_and_formats_and_writes_the_audit_log(profile):
    assert "druckluft" in profile.search_text and "fachhochschule dortmund" in profile.search_text
    assert profile.formats_index == "|thesis|lab_use|"
    assert profile.name == "Fachhochschule Dortmund – Labor für Druckluft"
    entry = AuditLogEntry.objects.get(object_type="competences.competenceprofile", object_id=str(profile.pk))
    assert entry.action == "create" and entry.changes["subject_areas"] == [None, ["Energietechnik"]]


def test_duplicate_identifier_is_refused(profile):
    with pytest.raises(ServiceError) as exc:
        make_profile(profile.external_id)
    assert exc.value.field == "external_id" and exc.value.code == "duplicate"


def test_keywords_are_stripped_and_deduplicated():
    profile = make_profile(keywords=[" Druckluft ", "druckluft", "Leckage", ""])
    assert profile.keywords == ["Druckluft", "Leckage"]


def test_update_audits_the_field_diff_and_nothing_when_unchanged(profile):
    user = UserFactory(role=Role.COORDINATOR)
    services.profile_update(actor=user, profile=profile, data={"unit": "Labor für Abwärme", "keywords": ["Abwärme"]})
    entry = AuditLogEntry.objects.filter(object_id=str(profile.pk), action="update").get()
    assert entry.changes == {"unit": ["Labor für Druckluft", "Labor für Abwärme"], "keywords": [["Abwärme", "Druckluft"], ["Abwärme"]]}
    services.profile_update(actor=user, profile=profile, data={"unit": "Labor für Abwärme"})
    assert AuditLogEntry.objects.filter(object_id=str(profile.pk), action="update").count() == 1


def test_needs_review_after_twelve_months(profile):
    today = dt.date(2026, 6, 15)
    assert profile.needs_review(today)  # never reviewed
    profile.reviewed_on = dt.date(2025, 6, 15)
    assert not profile.needs_review(today)  # exactly twelve months
    profile.reviewed_on = dt.date(2025, 6, 14)
    assert profile.needs_review(today)
    assert review_cutoff(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)
    profile.save()
    assert list(CompetenceProfile.objects.needs_review(today)) == [profile]


def test_mark_reviewed_sets_today_and_clears_the_flag(profile):
    services.profile_mark_reviewed(actor=None, profile=profile)
    profile.refresh_from_db()
    assert profile.reviewed_on == timezone.localdate() and not profile.needs_review()


def test_set_status(profile):
    services.profile_set_status(actor=None, profile=profile, status="draft")
    profile.refresh_from_db()
    assert profile.status == "draft"
    with pytest.raises(ServiceError):
        services.profile_set_status(actor=None, profile=profile, status="gone")


def test_signal_is_sent_after_the_commit(django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, profile_ids, **kwargs):
        received.append(profile_ids)

    profile_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            profile = make_profile()
        assert received == [[profile.pk]]
        with django_capture_on_commit_callbacks(execute=True):
            services.profile_update(actor=None, profile=profile, data={"unit": "Labor für Abwärme"})
            services.profile_update(actor=None, profile=profile, data={"unit": "Labor für Abwärme"})  # unchanged: nothing
        assert received == [[profile.pk], [profile.pk]]
    finally:
        profile_changed.disconnect(receiver)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Dr. A", "email": "kein-mail"}, "email"),
        ({"name": "Dr. A", "phone": "ruf an"}, "phone"),
        ({"name": "Dr. A", "is_public": True}, "is_public"),
    ],
)
def test_contact_validation(profile, data, field):
    with pytest.raises(ServiceError) as exc:
        services.contact_add(actor=None, profile=profile, data=data)
    assert exc.value.field == field


def test_contact_add_update_remove_are_audited(profile):
    contact = services.contact_add(actor=None, profile=profile, data={"name": "Dr. Anna Muster", "email": "A.Muster@Example.org"})
    assert contact.email == "a.muster@example.org" and not contact.is_public
    services.contact_update(actor=None, contact=contact, data={"is_public": True})
    services.contact_remove(actor=None, contact=contact)
    actions = list(AuditLogEntry.objects.filter(object_type="competences.profilecontact").values_list("action", flat=True))
    assert sorted(actions) == ["create", "delete", "update"]
    assert not profile.contacts.exists()


def test_members_must_be_competence_holders(profile, competence_user):
    with pytest.raises(ServiceError):
        services.member_add(actor=None, profile=profile, user=UserFactory(role=Role.COMPANY))
    member = services.member_add(actor=None, profile=profile, user=competence_user)
    with pytest.raises(ServiceError) as exc:
        services.member_add(actor=None, profile=profile, user=competence_user)
    assert exc.value.code == "duplicate"
    services.member_remove(actor=None, member=member)
    assert not ProfileMember.objects.exists()
