"""Company services: location, audit log, duplicates, merging, figures and size class, consents, memberships."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from kgp.companies import services
from kgp.companies.models import Company, CompanyMembership, Consent, Contact, Note, SizeClass, Topic
from kgp.core.errors import ServiceError
from kgp.core.models import AuditLogEntry
from kgp.testing.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

M = D(1_000_000)


def _create(actor, **data):
    base = {"name": "Musterwerk GmbH", "postcode": "44139", "city": "Dortmund"}
    return services.company_create(actor=actor, data=base | data)


def test_create_derives_municipality_and_partner_and_logs(consultant):
    company = _create(consultant, postcode="59174", city="Kamen")
    assert company.municipality.name == "Kamen"
    assert company.responsible_partner.key == "unna"
    entry = AuditLogEntry.objects.get(company=company, action="create")
    assert entry.actor == consultant
    assert entry.changes["name"] == [None, "Musterwerk GmbH"]
    assert entry.changes["responsible_partner"] == [None, "Wirtschaftsförderung Kreis Unna"]


def test_create_outside_region_goes_to_network_coordination(consultant):
    company = _create(consultant, postcode="10115", city="Berlin")
    assert company.municipality is None and company.responsible_partner is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"postcode": "4413"}, "postcode"),
        ({"postcode": "ABCDE"}, "postcode"),
        ({"name": "x" * 201}, "name"),
        ({"name": ""}, "name"),
        ({"sector_code": "25.62"}, "sector_code"),
        ({"register_number": "12345"}, "register_number"),
        ({"website": "javascript:alert(1)"}, "website"),
    ],
)
def test_create_rejects_bad_input_with_a_field(consultant, data, field):
    with pytest.raises(ServiceError) as exc:
        _create(consultant, **data)
    assert exc.value.field == field
    assert exc.value.message
    assert not Company.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_duplicate_register_number_is_rejected(consultant):
    _create(consultant, register_court="Amtsgericht Dortmund", register_number="HRB 1234")
    with pytest.raises(ServiceError) as exc:
        _create(consultant, name="Anderer Name AG", register_court="Amtsgericht Dortmund", register_number="HRB 1234")
    assert exc.value.code == "duplicate_register"
    assert Company.objects.count() == 1


def test_html_is_stored_as_text(consultant):
    company = _create(consultant, name="<script>alert(1)</script> GmbH")
    assert Company.objects.get(pk=company.pk).name == "<script>alert(1)</script> GmbH"


def test_update_logs_field_changes_from_what_to_what(consultant):
    company = _create(consultant, phone="0231 1")
    topic = Topic.objects.get(key="energy")
    services.company_update(actor=consultant, company=company, data={"phone": "0231 2", "postcode": "44787", "city": "Bochum"}, topics=[topic])
    entry = AuditLogEntry.objects.filter(company=company, action="update").latest("id")
    assert entry.changes["phone"] == ["0231 1", "0231 2"]
    assert entry.changes["city"] == ["Dortmund", "Bochum"]
    assert entry.changes["responsible_partner"] == ["Wirtschaftsförderung Dortmund", "Bochum Wirtschaftsentwicklung"]
    assert entry.changes["topics"] == [[], [str(topic)]]
    company.refresh_from_db()
    assert company.responsible_partner.key == "bochum"


def test_update_without_change_writes_no_entry(consultant):
    company = _create(consultant)
    services.company_update(actor=consultant, company=company, data={"name": "Musterwerk GmbH"})
    assert not AuditLogEntry.objects.filter(company=company, action="update").exists()


def test_find_duplicates_by_register_number_and_similar_name(consultant):
    a = _create(consultant, name="Müller Stahlbau GmbH", register_court="AG Dortmund", register_number="HRB 77")
    assert services.find_duplicates(name="Ganz anders", postcode="44139", register_number="hrb 77") == [a]
    assert services.find_duplicates(name="Mueller Stahlbau GmbH & Co. KG", postcode="44137") == [a]
    assert services.find_duplicates(name="Müller Stahlbau", postcode="44787") == []  # other municipality
    assert services.find_duplicates(name="Schmidt Kunststoff", postcode="44139") == []


def test_figures_compute_size_class_and_provisional(consultant):
    company = _create(consultant)
    services.figures_set(actor=consultant, company=company, year=2024, staff_awu=D(30))
    company.refresh_from_db()
    assert (company.size_class, company.size_class_provisional) == (SizeClass.SMALL, True)
    services.figures_set(actor=consultant, company=company, year=2024, staff_awu=D(30), turnover=D(5) * M)
    company.refresh_from_db()
    assert (company.size_class, company.size_class_provisional) == (SizeClass.SMALL, False)
    assert AuditLogEntry.objects.filter(company=company, object_type="companies.yearlyfigures").count() == 2


def test_two_year_rule_through_the_service(consultant):
    company = _create(consultant)
    services.figures_set(actor=consultant, company=company, year=2022, staff_awu=D(8), turnover=D(1) * M)
    services.figures_set(actor=consultant, company=company, year=2023, staff_awu=D(12), turnover=D(1) * M)
    company.refresh_from_db()
    assert company.size_class == SizeClass.MICRO  # one year over the ceiling is not enough
    services.figures_set(actor=consultant, company=company, year=2024, staff_awu=D(15), turnover=D(1) * M)
    company.refresh_from_db()
    assert company.size_class == SizeClass.SMALL
    assert services.size_class_on(company=company, day=dt.date(2024, 6, 1)) == SizeClass.MICRO
    assert services.size_class_on(company=company, day=dt.date(2025, 1, 1)) == SizeClass.SMALL


def test_partner_enterprise_is_added_pro_rata(consultant):
    company = _create(consultant)
    services.figures_set(actor=consultant, company=company, year=2024, staff_awu=D(40), turnover=D(8) * M)
    company.refresh_from_db()
    assert company.size_class == SizeClass.SMALL
    services.holding_add(
        actor=consultant,
        company=company,
        year=2024,
        holding=services.HoldingData(name="Beteiligung AG", kind="partner", share_percent=D(30), staff_awu=D(100), turnover=D(10) * M),
    )
    company.refresh_from_db()
    assert company.size_class == SizeClass.MEDIUM
    assert company.is_autonomous is False


def test_partner_share_outside_25_to_50_is_rejected(consultant):
    company = _create(consultant)
    with pytest.raises(ServiceError):
        services.holding_add(
            actor=consultant, company=company, year=2024,
            holding=services.HoldingData(name="X", kind="partner", share_percent=D(60), staff_awu=D(1)),
        )  # fmt: skip


def test_public_control_makes_a_company_large(consultant):
    company = _create(consultant, public_control_25=True)
    services.figures_set(actor=consultant, company=company, year=2024, staff_awu=D(5), turnover=D(1) * M)
    company.refresh_from_db()
    assert company.size_class == SizeClass.LARGE


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"staff_awu": D(-1)}, "negativ"),
        ({"staff_awu": D(5), "turnover": D(-5)}, "negativ"),
        ({"staff_awu": D(5), "turnover": D("1e13")}, "unplausibel"),
        ({"staff_awu": D("2000000")}, "unplausibel"),
    ],
)
def test_absurd_or_negative_figures_are_rejected(consultant, kwargs, needle):
    company = _create(consultant)
    with pytest.raises(ServiceError) as exc:
        services.figures_set(actor=consultant, company=company, year=2024, **kwargs)
    assert needle in exc.value.message
    assert not company.figures.exists()


def test_year_out_of_range_is_rejected(consultant):
    company = _create(consultant)
    with pytest.raises(ServiceError):
        services.figures_set(actor=consultant, company=company, year=1850, staff_awu=D(1))


def test_consent_is_recorded_with_text_time_and_drives_sharing(consultant):
    company = _create(consultant)
    consent = services.consent_record(actor=consultant, company=company, kind="network_sharing", granted=True, language="de")
    company.refresh_from_db()
    assert company.network_sharing is True
    assert "fünf Wirtschaftsförderungen" in consent.text
    assert consent.recorded_at is not None and consent.text_version
    services.consent_record(actor=consultant, company=company, kind="network_sharing", granted=False)
    company.refresh_from_db()
    assert company.network_sharing is False
    assert Consent.objects.filter(company=company).count() == 2
    assert AuditLogEntry.objects.filter(company=company, action="consent").count() == 2


def test_contact_lifecycle_is_audited(consultant):
    company = _create(consultant)
    contact = services.contact_create(
        actor=consultant, company=company, data={"first_name": "Erika", "last_name": "Beispiel", "email": "e@example.org"}, consent_contact=True
    )
    assert contact.consent_contact is True or Contact.objects.get(pk=contact.pk).consent_contact
    services.contact_update(actor=consultant, contact=contact, data={"function": "Energiemanagerin"})
    services.contact_delete(actor=consultant, contact=contact)
    actions = list(AuditLogEntry.objects.filter(object_type="companies.contact").order_by("id").values_list("action", flat=True))
    assert actions == ["create", "consent", "update", "delete"]


def test_contact_with_bad_email_is_rejected(consultant):
    company = _create(consultant)
    with pytest.raises(ServiceError) as exc:
        services.contact_create(actor=consultant, company=company, data={"last_name": "X", "email": "kein-mail"})
    assert exc.value.field == "email"


def test_merge_keeps_all_history(consultant):
    keep = _create(consultant, name="Alpha Metall GmbH", phone="")
    remove = _create(consultant, name="Alpha Metall", phone="0231 99")
    services.note_create(actor=consultant, company=remove, text="Erstgespräch am Montag")
    services.contact_create(actor=consultant, company=remove, data={"last_name": "Meier"})
    services.figures_set(actor=consultant, company=remove, year=2024, staff_awu=D(12))
    services.consent_record(actor=consultant, company=remove, kind="newsletter", granted=True)
    user = UserFactory()
    CompanyMembership.objects.create(user=user, company=remove, status="approved")
    history_before = AuditLogEntry.objects.filter(company=remove).count()

    services.company_merge(actor=consultant, keep=keep, remove=remove)

    remove.refresh_from_db()
    keep.refresh_from_db()
    assert remove.is_active is False and remove.merged_into == keep
    assert keep.phone == "0231 99"
    assert Note.objects.filter(company=keep).count() == 1
    assert keep.contacts.get().last_name == "Meier"
    assert keep.figures.get().year == 2024
    assert keep.size_class == SizeClass.SMALL
    assert keep.consents.filter(kind="newsletter").exists()
    assert keep.memberships.filter(user=user).exists()
    assert AuditLogEntry.objects.filter(company=keep).count() >= history_before + 1
    assert AuditLogEntry.objects.filter(company=keep, action="merge").exists()


def test_merge_with_itself_is_refused(consultant):
    company = _create(consultant)
    with pytest.raises(ServiceError):
        services.company_merge(actor=consultant, keep=company, remove=company)


def test_merged_register_number_can_be_used_again(consultant):
    keep = _create(consultant, name="Beta GmbH")
    remove = _create(consultant, name="Beta GmbH alt", register_court="AG Dortmund", register_number="HRB 5")
    services.company_merge(actor=consultant, keep=keep, remove=remove)
    keep.refresh_from_db()
    assert keep.register_number == "HRB 5"


def test_register_by_user_creates_or_requests_to_join(company_user):
    new_user = UserFactory()
    company, membership = services.company_register_by_user(
        user=new_user, data={"name": "Neu Werk GmbH", "postcode": "58089", "city": "Hagen"}
    )
    assert membership.status == CompanyMembership.Status.APPROVED
    assert company.responsible_partner.key == "hagen"
    other = UserFactory()
    same, join = services.company_register_by_user(user=other, data={"name": "Neu Werk GmbH", "postcode": "58089", "city": "Hagen"})
    assert same == company
    assert join.status == CompanyMembership.Status.PENDING
    assert Company.objects.filter(name="Neu Werk GmbH").count() == 1


def test_membership_decision_once(consultant):
    company = CompanyFactory()
    membership = services.membership_request(user=UserFactory(), company=company)
    services.membership_decide(actor=consultant, membership=membership, approve=True)
    with pytest.raises(ServiceError):
        services.membership_decide(actor=consultant, membership=membership, approve=False)


@pytest.mark.parametrize(
    ("court", "number"),
    [("Amtsgericht Dortmund", "HRB99991"), ("AG Dortmund", "HRB 99991"), ("amtsgericht  dortmund", "hrb 99991")],
)
def test_register_entries_are_compared_normalised(consultant, court, number):
    first = _create(consultant, register_court="Amtsgericht Dortmund", register_number="HRB 99991")
    assert (first.register_court, first.register_number) == ("Amtsgericht Dortmund", "HRB 99991")
    with pytest.raises(ServiceError) as exc:
        _create(consultant, name="Zweitfirma GmbH", register_court=court, register_number=number)
    assert exc.value.code == "duplicate_register"
    assert services.find_duplicates(name="x", register_court=court, register_number=number) == [first]


def test_same_number_at_another_court_is_a_different_company(consultant):
    _create(consultant, register_court="Amtsgericht Dortmund", register_number="HRB 7")
    other = _create(consultant, name="Bochumer Firma GmbH", register_court="AG Bochum", register_number="hrb7")
    assert (other.register_court, other.register_number) == ("Amtsgericht Bochum", "HRB 7")


def test_holding_delete_recomputes_and_is_audited(consultant):
    company = _create(consultant)
    services.figures_set(actor=consultant, company=company, year=2024, staff_awu=D(40), turnover=D(8) * M)
    holding = services.holding_add(
        actor=consultant, company=company, year=2024,
        holding=services.HoldingData(name="Tippfehler AG", kind="linked", share_percent=D(60), staff_awu=D(500)),
    )  # fmt: skip
    company.refresh_from_db()
    assert company.size_class == SizeClass.LARGE
    services.holding_delete(actor=consultant, holding=holding)
    company.refresh_from_db()
    assert company.size_class == SizeClass.SMALL
    entry = AuditLogEntry.objects.get(object_type="companies.holding", action="delete")
    assert entry.changes["name"] == ["Tippfehler AG", None]


def test_merge_counts_a_holding_both_records_list_once(consultant):
    keep = _create(consultant, name="Gamma GmbH")
    remove = _create(consultant, name="Gamma")
    for company in (keep, remove):
        services.figures_set(actor=consultant, company=company, year=2024, staff_awu=D(30), turnover=D(5) * M)
        services.holding_add(
            actor=consultant, company=company, year=2024,
            holding=services.HoldingData(name="Partner AG", kind="partner", share_percent=D(40), staff_awu=D(40)),
        )  # fmt: skip
    keep.refresh_from_db()
    assert keep.size_class == SizeClass.SMALL  # 30 + 40 % of 40 = 46 AWU
    services.company_merge(actor=consultant, keep=keep, remove=remove)
    keep.refresh_from_db()
    assert keep.holdings.count() == 1
    assert keep.size_class == SizeClass.SMALL
    merge = AuditLogEntry.objects.get(company=keep, action="merge")
    assert merge.changes["figures_kept"] == [None, [2024]]


def test_join_requests_notify_the_agency_and_the_decision_the_user(consultant, other_consultant, django_capture_on_commit_callbacks):
    from django.core import mail

    company = CompanyFactory()  # Dortmund
    requester = UserFactory(email="anfrage@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_request(user=requester, company=company)
    assert [m.to for m in mail.outbox] == [[consultant.email]]  # not the Bochum consultant
    assert "anfrage@example.org" in mail.outbox[0].body and "/backoffice/memberships/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_decide(actor=consultant, membership=membership, approve=True)
    assert mail.outbox[-1].to == ["anfrage@example.org"]
    assert company.name in mail.outbox[-1].body
