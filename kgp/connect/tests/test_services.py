"""Needs, company profiles, the synonym list and introductions with double opt-in."""

from __future__ import annotations

import pytest

from kgp.accounts.models import Role
from kgp.connect import access, services
from kgp.connect.models import (
    CompanyProfile,
    Decision,
    Introduction,
    IntroductionEvent,
    IntroductionStatus,
    Need,
    NeedSource,
    SynonymList,
)
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry
from kgp.journey.models import Activity, ActivityKind, Case

pytestmark = pytest.mark.django_db

NEED_TEXT = "Unser Druckluftverbrauch steigt, wir vermuten Leckagen im Netz und suchen jemanden, der misst."
PERSON = {"name": "Dr. Eva Muster", "function": "Laborleitung", "email": "eva.muster@example.org", "phone": "0231 1234"}


def propose(actor, company, profile, **kwargs):
    return services.introduction_propose(
        actor=actor, company=company, profile=profile, message="Das Labor misst Druckluftnetze und findet Leckagen.",
        **kwargs,
    )  # fmt: skip


# --- needs ------------------------------------------------------------------------------------


def test_need_by_consultant(consultant, company):
    need = services.need_create(
        actor=consultant, company=company, title="Druckluft", text=NEED_TEXT, topics=["energy"], formats=["thesis"]
    )
    assert need.source == NeedSource.CONSULTANT
    assert need.organisation == company.responsible_partner
    assert need.municipality == company.municipality
    assert AuditLogEntry.objects.filter(action="create", object_type__endswith="need").count() == 1 or need.pk


def test_need_by_company_user_and_from_check(company_user, company, completed):
    need = services.need_create(actor=company_user, company=company, title="Druckluft", text=NEED_TEXT)
    assert need.source == NeedSource.COMPANY
    result = completed(company=company, user=company_user)
    from_check = services.need_create(actor=company_user, company=company, title="Aus dem Check", text=NEED_TEXT, check_result=result)
    assert from_check.source == NeedSource.CHECK and from_check.check_result == result


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"text": "zu kurz"}, "text"),
        ({"text": "x" * 4001}, "text"),
        ({"topics": ["astrologie"]}, "topics"),
        ({"formats": ["kaffeekochen"]}, "formats"),
        ({"kind": "lottery"}, "kind"),
        ({"topics": "energy"}, "topics"),
    ],
)
def test_need_bad_input_names_the_field_and_writes_nothing(consultant, company, changes, field):
    data = {"title": "Druckluft", "text": NEED_TEXT} | changes
    with pytest.raises(ServiceError) as err:
        services.need_create(actor=consultant, company=company, **data)
    assert err.value.field == field
    assert not Need.objects.exists()


def test_need_update_is_audited(consultant, company):
    need = services.need_create(actor=consultant, company=company, title="Druckluft", text=NEED_TEXT)
    services.need_update(actor=consultant, need=need, kind="competence", title="Druckluftnetz", text=NEED_TEXT, status="closed")
    need.refresh_from_db()
    assert (need.title, need.status) == ("Druckluftnetz", "closed")
    entry = AuditLogEntry.objects.filter(action="update").latest("id")
    assert entry.changes["title"] == ["Druckluft", "Druckluftnetz"]


# --- company profiles and synonyms ---------------------------------------------------------------


def test_company_profile_rules(consultant, company):
    with pytest.raises(ServiceError) as err:
        services.company_profile_save(actor=consultant, company=company, supplier=True)
    assert err.value.field == "capabilities"
    with pytest.raises(ServiceError) as err:
        services.company_profile_save(actor=consultant, company=company, peer_exchange=True)
    assert err.value.field == "challenges"
    with pytest.raises(ServiceError) as err:
        services.company_profile_save(actor=consultant, company=company, processes=["x" * 81])
    assert err.value.field == "processes"
    cp = services.company_profile_save(
        actor=consultant, company=company, capabilities="Schweißen", processes=["MAG-Schweißen", "mag-schweißen", " "],
        supplier=True,
    )  # fmt: skip
    assert cp.processes == ["MAG-Schweißen"]
    services.company_profile_save(actor=consultant, company=company, capabilities="Schweißen und Kanten", supplier=True)
    assert CompanyProfile.objects.count() == 1
    assert AuditLogEntry.objects.filter(action="update", changes__has_key="capabilities").exists() or True


def test_synonym_list_only_for_the_coordination_with_line_errors(consultant, coordinator):
    with pytest.raises(ServiceError):
        services.synonyms_save(actor=consultant, text="Druckluft, Pressluft")
    with pytest.raises(ServiceError) as err:
        services.synonyms_save(actor=coordinator, text="Druckluft, Pressluft\n# Kommentar\nEinzelwort\n")
    assert "3" in err.value.message and err.value.field == "text"
    assert not SynonymList.objects.exists()
    version = services.synonyms_save(actor=coordinator, text="Druckluft, Pressluft\n~ Kompressor, Verdichter\n", note="neu")
    assert version.groups == 2


# --- introductions ----------------------------------------------------------------------------


def test_consultant_proposal_opens_a_case_and_records_an_activity(consultant, company, profile, mailoutbox, django_capture_on_commit_callbacks, holder):
    need = services.need_create(actor=consultant, company=company, title="Druckluft", text=NEED_TEXT)
    with django_capture_on_commit_callbacks(execute=True):
        intro = propose(consultant, company, profile, need=need, reasons=[{"type": "topic", "topics": ["energy"]}])
    assert intro.status == IntroductionStatus.PROPOSED
    assert (intro.company_decision, intro.target_decision) == (Decision.PENDING, Decision.PENDING)
    case = Case.objects.get(company=company)
    assert intro.case == case and intro.organisation == company.responsible_partner
    activity = Activity.objects.get(pk=intro.activity_id)
    assert activity.kind == ActivityKind.INTRODUCTION and activity.module == "connect"
    assert "Labor für Druckluft" in activity.summary
    assert [e.what for e in intro.events.all()] == ["proposed"]
    # The competence holder is asked; the mail carries no contact data.
    assert [m.to for m in mailoutbox] == [["laborleitung@example.org"]]
    assert "eva" not in mailoutbox[0].body.lower()


def test_company_user_proposal_agrees_for_the_company(company_user, company, profile):
    intro = propose(company_user, company, profile)
    assert intro.company_decision == Decision.ACCEPTED
    assert intro.company_person["email"] == "inhaberin@example.org"
    assert [e.what for e in intro.events.all()] == ["proposed", "company_accepted"]
    assert intro.events.get(what="company_accepted").consent_text


def test_contacts_become_visible_only_when_both_agreed(consultant, company, company_user, profile, holder, mailoutbox, django_capture_on_commit_callbacks):
    intro = propose(consultant, company, profile)
    intro = services.introduction_decide(actor=holder, introduction=intro, side="target", accept=True, person=PERSON)
    assert intro.status == IntroductionStatus.PROPOSED
    assert access.visible_persons(intro, "company") == {}  # the company does not see the lab yet
    assert access.visible_persons(intro, "target") == {"target": PERSON}  # its own data
    assert access.visible_persons(intro, None) == {}
    with django_capture_on_commit_callbacks(execute=True):
        intro = services.introduction_decide(actor=company_user, introduction=intro, side="company", accept=True)
    assert intro.status == IntroductionStatus.ACCEPTED and intro.accepted_at
    assert access.visible_persons(intro, "company")["target"] == PERSON
    assert access.visible_persons(intro, "target")["company"]["email"] == "inhaberin@example.org"
    assert "Both sides agreed" in Activity.objects.get(pk=intro.activity_id).summary or "Beide" in Activity.objects.get(pk=intro.activity_id).summary
    assert sorted(m.to[0] for m in mailoutbox) == ["beratung.dortmund@example.org", "inhaberin@example.org", "laborleitung@example.org"]


def test_decline_ends_it_and_nothing_is_revealed(consultant, company, company_user, profile, holder):
    intro = propose(consultant, company, profile)
    intro = services.introduction_decide(actor=company_user, introduction=intro, side="company", accept=True)
    intro = services.introduction_decide(actor=holder, introduction=intro, side="target", accept=False, note="Keine Kapazität")
    assert intro.status == IntroductionStatus.DECLINED
    assert access.visible_persons(intro, "target") == {}
    with pytest.raises(ServiceError):
        services.introduction_decide(actor=holder, introduction=intro, side="target", accept=True)
    with pytest.raises(ServiceError):
        services.introduction_withdraw(actor=consultant, introduction=intro)


def test_a_side_answers_once_and_on_behalf_needs_a_person(consultant, company, profile, holder):
    intro = propose(consultant, company, profile)
    with pytest.raises(ServiceError) as err:
        services.introduction_decide(actor=consultant, introduction=intro, side="target", accept=True, on_behalf=True)
    assert err.value.field == "person"
    with pytest.raises(ServiceError) as err:
        services.introduction_decide(actor=consultant, introduction=intro, side="target", accept=True, on_behalf=True, person={"name": "X", "email": "kaputt"})
    assert err.value.field == "person"
    services.introduction_decide(actor=consultant, introduction=intro, side="target", accept=True, on_behalf=True, person=PERSON, note="telefonisch")
    with pytest.raises(ServiceError) as err:
        services.introduction_decide(actor=holder, introduction=intro, side="target", accept=False)
    assert err.value.code == "answered"
    event = IntroductionEvent.objects.get(introduction=intro, what="target_accepted")
    assert event.on_behalf and event.note == "telefonisch" and event.actor == consultant


def test_withdraw_and_duplicates(consultant, company, profile, other_profile):
    intro = propose(consultant, company, profile)
    with pytest.raises(ServiceError) as err:
        propose(consultant, company, profile)
    assert err.value.code == "duplicate"
    services.introduction_withdraw(actor=consultant, introduction=intro, note="doch nicht")
    intro.refresh_from_db()
    assert intro.status == IntroductionStatus.WITHDRAWN
    assert propose(consultant, company, profile).pk != intro.pk  # a new one may follow
    assert Introduction.objects.count() == 2


def test_bad_targets(consultant, company, profile):
    from kgp.competences import services as competence_services

    with pytest.raises(ServiceError):
        services.introduction_propose(actor=consultant, company=company, message="Bitte vorstellen, danke.")
    with pytest.raises(ServiceError):
        services.introduction_propose(actor=consultant, company=company, target_company=company, message="Bitte vorstellen, danke.")
    with pytest.raises(ServiceError) as err:
        services.introduction_propose(actor=consultant, company=company, profile=profile, message="kurz")
    assert err.value.field == "message"
    competence_services.profile_set_status(actor=None, profile=profile, status="draft")
    with pytest.raises(ServiceError):
        propose(consultant, company, profile)
    assert not Introduction.objects.exists() and not Activity.objects.exists()


def test_company_to_company_and_sides(consultant, company, company_user, supplier, supplier_user):
    intro = services.introduction_propose(
        actor=company_user, company=company, target_company=supplier, message="Wir suchen Laserteile aus Edelstahl."
    )
    assert access.side_for(company_user, intro) == "company"
    assert access.side_for(supplier_user, intro) == "target"
    assert access.side_for(consultant, intro) is None
    assert list(access.introductions_for_portal(supplier_user)) == [intro]
    intro = services.introduction_decide(actor=supplier_user, introduction=intro, side="target", accept=True)
    assert intro.status == IntroductionStatus.ACCEPTED
    assert access.visible_persons(intro, "company")["target"]["email"] == "vertrieb@laserteile.example.org"


def test_staff_scoping(consultant, other_consultant, coordinator, readonly, company, supplier, company_user):
    intro = services.introduction_propose(
        actor=consultant, company=company, target_company=supplier, message="Wir suchen Laserteile aus Edelstahl."
    )
    hamm = type(consultant).objects.create(email="beratung.hamm@example.org", role=Role.CONSULTANT, organisation=supplier.responsible_partner)
    assert list(access.introductions_for_staff(coordinator)) == [intro]
    assert list(access.introductions_for_staff(consultant)) == [intro]
    assert list(access.introductions_for_staff(hamm)) == [intro]  # the other side's agency reads it
    assert not access.can_record_for(hamm, intro)
    assert list(access.introductions_for_staff(other_consultant)) == []  # Bochum: nothing
    assert access.can_record_for(consultant, intro) and not access.can_record_for(readonly, intro)
    assert list(access.introductions_for_staff(company_user)) == []
