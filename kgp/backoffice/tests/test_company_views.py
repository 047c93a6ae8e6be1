"""Backoffice company pages: list with search/filters/sorting/pagination, create with duplicate
warning, edit, detail with timeline, figures, contacts, merge and join requests."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kgp.companies import services
from kgp.companies.models import Company, CompanyMembership, Topic
from kgp.core.models import AuditLogEntry
from kgp.testing.factories import CompanyFactory, ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("backoffice:company_list")


def _names(response) -> list[str]:
    return [c.name for c in response.context["page"].object_list]


def test_list_search_and_filters(client, consultant):
    a = CompanyFactory(name="Müller Metallbau GmbH", postcode="44139", sector_code="C25.62", size_class="small")
    CompanyFactory(name="Schmidt Kunststoff GmbH", postcode="44139", sector_code="C22", size_class="micro")
    CompanyFactory(name="Müller Bochum GmbH", postcode="44787", city="Bochum")  # other agency, not shared
    a.topics.add(Topic.objects.get(key="energy"))
    client.force_login(consultant)
    assert _names(client.get(LIST, {"q": "mueller"})) == ["Müller Metallbau GmbH"]
    assert _names(client.get(LIST, {"q": "Müller metall"})) == ["Müller Metallbau GmbH"]
    assert _names(client.get(LIST, {"sector": "c25"})) == ["Müller Metallbau GmbH"]
    assert _names(client.get(LIST, {"size_class": "micro"})) == ["Schmidt Kunststoff GmbH"]
    assert _names(client.get(LIST, {"topic": "energy"})) == ["Müller Metallbau GmbH"]
    assert _names(client.get(LIST, {"municipality": "dortmund", "sort": "-name"})) == [
        "Schmidt Kunststoff GmbH",
        "Müller Metallbau GmbH",
    ]
    assert _names(client.get(LIST, {"partner": "bochum"})) == []


def test_list_bad_filters_answer_with_a_message_not_an_error(client, consultant):
    CompanyFactory()
    client.force_login(consultant)
    response = client.get(LIST, {"sort": "drop table", "size_class": "huge", "page": "abc", "per_page": "9999", "q": "x" * 5000})
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert any("Sortierung" in t for t in texts)
    assert any("Größenklasse" in t for t in texts)


def test_list_pagination_and_constant_query_count(client, coordinator):
    for i in range(30):
        CompanyFactory(name=f"Betrieb {i:02d} GmbH", postcode="44139").topics.add(Topic.objects.get(key="climate"))
    client.force_login(coordinator)
    response = client.get(LIST, {"per_page": 25})
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 30
    assert _names(client.get(LIST, {"per_page": 25, "page": 2})) == ["Betrieb 25 GmbH", "Betrieb 26 GmbH", "Betrieb 27 GmbH", "Betrieb 28 GmbH", "Betrieb 29 GmbH"]
    with CaptureQueriesContext(connection) as small:
        client.get(LIST, {"per_page": 25, "page": 2})
    with CaptureQueriesContext(connection) as big:
        client.get(LIST, {"per_page": 100})
    assert len(small) == len(big)


def test_list_htmx_request_returns_only_the_results(client, consultant):
    CompanyFactory(name="Htmx Werk GmbH")
    client.force_login(consultant)
    response = client.get(LIST, {"q": "htmx"}, headers={"HX-Request": "true", "HX-Target": "company-results"})
    body = response.content.decode()
    assert "Htmx Werk GmbH" in body
    assert "<html" not in body


def test_create_company_and_find_it_on_the_timeline(client, consultant):
    client.force_login(consultant)
    response = client.post(
        reverse("backoffice:company_create"),
        {"name": "Neue Gießerei GmbH", "legal_form": "gmbh", "postcode": "44141", "city": "Dortmund", "is_autonomous": "on"},
    )
    company = Company.objects.get(name="Neue Gießerei GmbH")
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:company_detail", args=[company.pk])
    assert company.responsible_partner.key == "dortmund"
    detail = client.get(response["Location"])
    assert detail.context["timeline"][0].obj.action == "create"


def test_create_with_bad_input_shows_specific_errors_and_writes_nothing(client, consultant):
    client.force_login(consultant)
    response = client.post(
        reverse("backoffice:company_create"),
        {"name": "x" * 300, "postcode": "4413", "city": "", "sector_code": "C99.99", "website": "javascript:alert(1)"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"name", "postcode", "city", "sector_code", "website"} <= set(errors)
    assert "fünf Ziffern" in str(errors["postcode"]) or "five digits" in str(errors["postcode"])
    assert not Company.objects.exists()


def test_create_duplicate_warning_then_confirm(client, consultant):
    CompanyFactory(name="Meyer Maschinenbau GmbH", postcode="44139")
    client.force_login(consultant)
    data = {"name": "Meyer Maschinenbau", "postcode": "44137", "city": "Dortmund", "is_autonomous": "on"}
    response = client.post(reverse("backoffice:company_create"), data)
    assert response.status_code == 200
    assert [d.name for d in response.context["duplicates"]] == ["Meyer Maschinenbau GmbH"]
    assert Company.objects.count() == 1
    response = client.post(reverse("backoffice:company_create"), data | {"confirm_duplicate": "1"})
    assert response.status_code == 302
    assert Company.objects.count() == 2


def test_create_same_register_number_is_refused_even_when_confirmed(client, consultant):
    CompanyFactory(name="Alt GmbH", register_court="AG Dortmund", register_number="HRB 42")
    client.force_login(consultant)
    data = {"name": "Neu GmbH", "postcode": "44137", "city": "Dortmund", "register_court": "AG Dortmund", "register_number": "hrb 42", "confirm_duplicate": "1"}
    response = client.post(reverse("backoffice:company_create"), data)
    assert response.status_code == 400
    assert "register_number" in response.context["form"].errors
    assert Company.objects.count() == 1


def test_script_in_text_fields_is_shown_as_text(client, consultant):
    company = services.company_create(actor=consultant, data={"name": "<script>alert('x')</script>", "postcode": "44139", "city": "Dortmund"})
    services.note_create(actor=consultant, company=company, text="<img src=x onerror=alert(1)>")
    client.force_login(consultant)
    for url in (LIST, reverse("backoffice:company_detail", args=[company.pk]), reverse("backoffice:home")):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;" in body or "&lt;img" in body


def test_edit_company_changes_partner_and_logs(client, consultant, company):
    client.force_login(consultant)
    response = client.post(
        reverse("backoffice:company_edit", args=[company.pk]),
        {"name": company.name, "postcode": "44139", "city": "Dortmund", "phone": "0231 123456", "is_autonomous": "on"},
    )
    assert response.status_code == 302
    entry = AuditLogEntry.objects.get(company=company, action="update")
    assert entry.changes["phone"] == ["", "0231 123456"]
    assert entry.actor == consultant


def test_detail_shows_timeline_with_note_and_changes(client, consultant, company):
    client.force_login(consultant)
    client.post(reverse("backoffice:note_create", args=[company.pk]), {"text": "Erstgespräch vereinbart"})
    response = client.get(reverse("backoffice:company_detail", args=[company.pk]))
    assert "Erstgespräch vereinbart" in response.content.decode()
    assert response.context["timeline"][0].kind == "note"


def test_empty_note_is_a_400_with_message(client, consultant, company):
    client.force_login(consultant)
    response = client.post(reverse("backoffice:note_create", args=[company.pk]), {"text": "   "})
    assert response.status_code == 400
    assert not company.notes.exists()


def test_figures_form_computes_size_class(client, consultant, company):
    client.force_login(consultant)
    response = client.post(
        reverse("backoffice:figures_create", args=[company.pk]),
        {"figures-year": "2024", "figures-staff_awu": "12,5", "figures-turnover": "1.500.000", "figures-balance_sheet_total": ""},
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.size_class == "small"
    assert company.figures.get().staff_awu == D("12.5")


@pytest.mark.parametrize(
    "payload",
    [
        {"figures-year": "2024", "figures-staff_awu": "-3"},
        {"figures-year": "3000", "figures-staff_awu": "3"},
        {"figures-year": "2024", "figures-staff_awu": "abc"},
        {"figures-year": "2024", "figures-staff_awu": "3", "figures-turnover": "1,2,3"},
    ],
)
def test_bad_figures_are_400_and_not_saved(client, consultant, company, payload):
    client.force_login(consultant)
    response = client.post(reverse("backoffice:figures_create", args=[company.pk]), payload)
    assert response.status_code == 400
    assert not company.figures.exists()


def test_contact_create_edit_delete(client, consultant, company):
    client.force_login(consultant)
    response = client.post(
        reverse("backoffice:contact_create", args=[company.pk]),
        {"last_name": "Beispiel", "first_name": "Erika", "email": "erika@example.org", "legal_basis": "legitimate_interest", "purpose": "Betreuung", "consent_contact": "on"},
    )
    assert response.status_code == 302
    contact = company.contacts.get()
    assert contact.consent_contact is True
    response = client.post(
        reverse("backoffice:contact_edit", args=[company.pk, contact.pk]),
        {"last_name": "Beispiel", "first_name": "Erika", "email": "not-an-email", "legal_basis": "legitimate_interest", "purpose": "Betreuung"},
    )
    assert response.status_code == 400
    response = client.post(reverse("backoffice:contact_delete", args=[company.pk, contact.pk]))
    assert response.status_code == 302
    assert not company.contacts.exists()


def test_contact_of_another_company_is_404(client, consultant, company):
    foreign = ContactFactory(company=CompanyFactory(postcode="44141"))
    client.force_login(consultant)
    assert client.get(reverse("backoffice:contact_edit", args=[company.pk, foreign.pk])).status_code == 404


def test_merge_via_views(client, consultant, company):
    duplicate = CompanyFactory(name="Stahlbau Beispiel", postcode="44137")
    services.note_create(actor=consultant, company=duplicate, text="Notiz am Duplikat")
    client.force_login(consultant)
    page = client.get(reverse("backoffice:company_merge", args=[company.pk]))
    assert duplicate in page.context["candidates"]
    confirm = client.get(reverse("backoffice:company_merge", args=[company.pk]), {"other": duplicate.pk})
    assert confirm.context["other"] == duplicate
    response = client.post(reverse("backoffice:company_merge", args=[company.pk]), {"other": duplicate.pk, "confirm": "1"})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == company
    assert company.notes.filter(text="Notiz am Duplikat").exists()
    assert client.get(reverse("backoffice:company_detail", args=[duplicate.pk])).status_code == 404


def test_merge_with_a_company_of_another_agency_is_refused(client, consultant, company):
    foreign = CompanyFactory(name="Stahlbau Beispiel", postcode="44787", city="Bochum")
    client.force_login(consultant)
    response = client.post(reverse("backoffice:company_merge", args=[company.pk]), {"other": foreign.pk, "confirm": "1"})
    assert response.status_code == 400
    foreign.refresh_from_db()
    assert foreign.is_active


def test_join_request_approval(client, consultant, company):
    membership = services.membership_request(user=UserFactory(), company=company)
    client.force_login(consultant)
    page = client.get(reverse("backoffice:membership_list"))
    assert membership in page.context["page"].object_list
    client.post(reverse("backoffice:membership_decide", args=[membership.pk]), {"decision": "approve"})
    membership.refresh_from_db()
    assert membership.status == CompanyMembership.Status.APPROVED


def test_join_requests_of_other_agencies_are_invisible(client, other_consultant, company):
    membership = services.membership_request(user=UserFactory(), company=company)
    client.force_login(other_consultant)
    assert membership not in client.get(reverse("backoffice:membership_list")).context["page"].object_list
    assert client.post(reverse("backoffice:membership_decide", args=[membership.pk]), {"decision": "approve"}).status_code == 404


def test_home_lists_my_companies_and_recent_changes(client, consultant, company):
    services.note_create(actor=consultant, company=company, text="x")
    client.force_login(consultant)
    response = client.get(reverse("backoffice:home"))
    assert company in response.context["my_companies"]
    assert response.context["recent"]


def test_timeline_names_changed_fields_in_words(client, consultant, company):
    services.company_update(
        actor=consultant, company=company, data={"phone": "0231 42", "public_control_25": True, "legal_form": "gmbh_co_kg"}
    )
    client.force_login(consultant)
    body = client.get(reverse("backoffice:company_detail", args=[company.pk])).content.decode()
    label = str(Company._meta.get_field("phone").verbose_name)
    assert f"{label}: – → 0231 42" in body
    assert "public_control_25" not in body
    assert "GmbH → GmbH &amp; Co. KG" in body  # choices in words, not their keys


@pytest.mark.parametrize(("postcode", "city", "needle"), [("59174", "Kamen", "Kreis Unna"), ("10115", "Berlin", "außerhalb der Region")])
def test_consultant_cannot_create_a_company_for_another_partner(client, consultant, postcode, city, needle):
    client.force_login(consultant)
    response = client.post(reverse("backoffice:company_create"), {"name": "Fremd GmbH", "postcode": postcode, "city": city})
    assert response.status_code == 400
    assert needle in str(response.context["form"].errors["postcode"])
    assert not Company.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_consultant_cannot_move_a_company_to_another_partner_but_coordinator_can(client, consultant, coordinator, company):
    client.force_login(consultant)
    data = {"name": company.name, "postcode": "44787", "city": "Bochum", "is_autonomous": "on"}
    assert client.post(reverse("backoffice:company_edit", args=[company.pk]), data).status_code == 400
    company.refresh_from_db()
    assert company.responsible_partner.key == "dortmund"
    client.force_login(coordinator)
    assert client.post(reverse("backoffice:company_edit", args=[company.pk]), data).status_code == 302
    company.refresh_from_db()
    assert company.responsible_partner.key == "bochum"


def test_unknown_filter_keys_are_reported(client, consultant):
    CompanyFactory(name="Sichtbar GmbH")
    client.force_login(consultant)
    response = client.get(LIST, {"partner": "bochun", "municipality": "atlantis", "topic": "nope"})
    texts = " ".join(str(m) for m in response.context["messages"])
    assert "Unbekannte Wirtschaftsförderung: bochun" in texts
    assert "Unbekannte Gemeinde: atlantis" in texts
    assert "Unbekanntes Thema: nope" in texts
    assert _names(response) == ["Sichtbar GmbH"]  # the bad filters are dropped, not applied


def test_holding_form_adds_a_partner_enterprise_and_recomputes(client, consultant, company):
    services.figures_set(actor=consultant, company=company, year=2024, staff_awu=D(40), turnover=D(8_000_000))
    client.force_login(consultant)
    response = client.post(
        reverse("backoffice:holding_create", args=[company.pk]),
        {"holding-year": "2024", "holding-name": "Beteiligung AG", "holding-kind": "partner", "holding-share_percent": "30", "holding-staff_awu": "100", "holding-turnover": "10.000.000"},
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.size_class == "medium"
    response = client.post(
        reverse("backoffice:holding_create", args=[company.pk]),
        {"holding-year": "2024", "holding-name": "Zu viel AG", "holding-kind": "partner", "holding-share_percent": "70", "holding-staff_awu": "1"},
    )
    assert response.status_code == 400
    assert company.holdings.count() == 1


def test_duplicate_warning_does_not_reveal_companies_of_other_agencies(client, consultant):
    CompanyFactory(name="Verborgen Werk GmbH", postcode="44787", city="Bochum", register_court="AG Bochum", register_number="HRB 9")
    client.force_login(consultant)
    data = {"name": "Neu Werk GmbH", "postcode": "44139", "city": "Dortmund", "register_court": "AG Bochum", "register_number": "HRB 9"}
    response = client.post(reverse("backoffice:company_create"), data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Verborgen" not in body and "44787" not in body
    assert "Bochum Wirtschaftsentwicklung" in body  # who to ask instead


def test_private_pages_are_not_cached_and_vary_on_htmx(client, consultant):
    client.force_login(consultant)
    response = client.get(LIST)
    assert "no-store" in response["Cache-Control"]
    assert "HX-Request" in response["Vary"]
    assert "no-store" not in client.get("/").get("Cache-Control", "")


def test_form_reads_wz_codes_and_numbers_as_german_users_write_them(client, consultant, company):
    client.force_login(consultant)
    client.post(
        reverse("backoffice:company_edit", args=[company.pk]),
        {"name": company.name, "postcode": "44139", "city": "Dortmund", "sector_code": "25.62", "is_autonomous": "on"},
    )
    company.refresh_from_db()
    assert company.sector_code == "C25.62"
    client.post(
        reverse("backoffice:figures_create", args=[company.pk]),
        {"figures-year": "2024", "figures-staff_awu": "12,5", "figures-turnover": "1.250.000,50"},
    )
    figures = company.figures.get()
    assert (figures.staff_awu, figures.turnover) == (D("12.5"), D("1250000.50"))


def test_figures_errors_come_back_at_the_field_with_the_input_kept(client, consultant, company):
    client.force_login(consultant)
    response = client.post(
        reverse("backoffice:figures_create", args=[company.pk]),
        {"figures-year": "2024", "figures-staff_awu": "12", "figures-turnover": "viel"},
    )
    assert response.status_code == 400
    form = response.context["figures_form"]
    assert list(form.errors) == ["turnover"]
    body = response.content.decode()
    assert 'value="viel"' in body and 'aria-invalid="true"' in body
    assert response.context["open_form"] == "figures_form"


def test_other_agency_sees_only_what_sharing_covers(client, other_consultant, company):
    from kgp.testing.factories import ContactFactory

    company.network_sharing = True
    company.save()
    ContactFactory(company=company, email="geheim@example.org")
    client.force_login(other_consultant)
    response = client.get(reverse("backoffice:company_detail", args=[company.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and company.name in body
    assert "geheim@example.org" not in body
    assert "timeline" not in response.context and "figures" not in response.context


def test_timeline_shows_amounts_in_german_format(client, consultant, company):
    services.figures_set(actor=consultant, company=company, year=2024, staff_awu=D("12.5"), turnover=D("1250000.50"))
    client.force_login(consultant)
    body = client.get(reverse("backoffice:company_detail", args=[company.pk])).content.decode()
    assert "– → 1.250.000,50" in body
    assert "– → 12,5" in body


def test_merge_search_by_name_and_comparison(client, consultant, company):
    other = CompanyFactory(name="Ganz anderer Name GmbH", postcode="44141", phone="0231 5")
    CompanyFactory(name="Ganz anderer Name Bochum GmbH", postcode="44787", city="Bochum")  # not editable
    client.force_login(consultant)
    found = client.get(reverse("backoffice:company_merge", args=[company.pk]), {"q": "ganz anderer"}).context["found"]
    assert found == [other]
    page = client.get(reverse("backoffice:company_merge", args=[company.pk]), {"other": other.pk})
    phone_row = next(r for r in page.context["rows"] if r[2] == "0231 5")
    assert phone_row[3] is True  # empty in the kept company: taken over


def test_service_messages_are_english_in_the_english_interface(client, consultant):
    client.force_login(consultant)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.post(reverse("backoffice:company_create"), {"name": "Fremd GmbH", "postcode": "59174", "city": "Kamen"})
    assert response.status_code == 400
    error = str(response.context["form"].errors["postcode"])
    assert "network coordination" in error and "Netzwerkkoordination" not in error


def test_figures_can_be_deleted_from_the_detail_page(client, consultant, company):
    figures = services.figures_set(actor=consultant, company=company, year=2024, staff_awu=D(12))
    client.force_login(consultant)
    page = client.get(reverse("backoffice:company_detail", args=[company.pk])).content.decode()
    url = reverse("backoffice:figures_delete", args=[company.pk, figures.pk])
    assert f'action="{url}"' in page
    assert client.post(url).status_code == 302
    company.refresh_from_db()
    assert not company.figures.exists() and company.size_class == "unknown"


def test_search_finds_companies_by_street_and_contact_person(client, consultant):
    company = services.company_create(
        actor=consultant, data={"name": "Suchbar GmbH", "street": "Hafenstraße 12", "postcode": "44139", "city": "Dortmund"}
    )
    contact = services.contact_create(actor=consultant, company=company, data={"first_name": "Jörg", "last_name": "Kuhlmann"})
    CompanyFactory(name="Andere GmbH")
    client.force_login(consultant)
    assert _names(client.get(LIST, {"q": "hafenstrasse"})) == ["Suchbar GmbH"]
    assert _names(client.get(LIST, {"q": "joerg kuhlmann"})) == ["Suchbar GmbH"]
    services.contact_update(actor=consultant, contact=contact, data={"last_name": "Brinkmann"})
    assert _names(client.get(LIST, {"q": "kuhlmann"})) == []
    assert _names(client.get(LIST, {"q": "brinkmann"})) == ["Suchbar GmbH"]


def test_note_delete_is_audited_with_its_text(client, consultant, company):
    note = services.note_create(actor=consultant, company=company, text="Falsche Firma notiert")
    client.force_login(consultant)
    assert client.post(reverse("backoffice:note_delete", args=[company.pk, note.pk])).status_code == 302
    assert not company.notes.exists()
    entry = AuditLogEntry.objects.get(company=company, object_type="companies.note", action="delete")
    assert entry.changes["text"] == ["Falsche Firma notiert", None] and entry.actor == consultant


def test_deleted_note_leaves_a_trace_on_the_timeline(client, consultant, company):
    note = services.note_create(actor=consultant, company=company, text="Kurzlebig")
    services.note_delete(actor=consultant, note=note)
    client.force_login(consultant)
    timeline = client.get(reverse("backoffice:company_detail", args=[company.pk])).context["timeline"]
    assert timeline[0].kind == "audit" and timeline[0].obj.action == "delete"
