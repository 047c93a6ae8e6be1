"""Backoffice offer pages: list with search and filters, create, edit, status buttons, history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kgp.catalogue import services
from kgp.catalogue.models import Offer, OfferStatus
from kgp.companies.models import Topic
from kgp.core.models import AuditLogEntry
from kgp.testing.factories import OfferFactory, org

pytestmark = pytest.mark.django_db

LIST = reverse("backoffice:offer_list")
CREATE = reverse("backoffice:offer_create")


def detail(offer: Offer) -> str:
    return reverse("backoffice:offer_detail", args=[offer.pk])


def edit(offer: Offer) -> str:
    return reverse("backoffice:offer_edit", args=[offer.pk])


def status_url(offer: Offer) -> str:
    return reverse("backoffice:offer_status", args=[offer.pk])


def titles(response) -> list[str]:
    return [o.title for o in response.context["page"].object_list]


def form_data(**extra) -> dict:
    energy = Topic.objects.get(key="energy").pk
    base = {
        "title": "Energieeffizienz-Check vor Ort",
        "slug": "",
        "summary": "Begehung und Messung der größten Verbraucher.",
        "description": "Wir messen **Druckluft**.",
        "module": "coach",
        "format": "coaching",
        "topics": [energy],
        "provider_kind": "partners",
        "providers": [org("dortmund").pk],
        "owner": org("dortmund").pk,
        "target_group": "sme",
        "effort_hours": "7,5",
        "de_minimis_value": "",
        "after_request": "",
        "status": "draft",
        "valid_from": "",
        "valid_until": "",
    }
    return base | extra


def make(actor, **extra) -> Offer:
    data = {
        "title": "Resilienz-Coaching Lieferkette", "summary": "Risiken der Lieferkette bewerten.", "module": "coach",
        "format": "coaching", "provider_kind": "partners", "owner": org("dortmund"), "status": "published",
    } | extra  # fmt: skip
    providers = [data["owner"]]
    return services.offer_create(actor=actor, data=data, topics=Topic.objects.filter(key="resilience"), providers=providers)


# --- list -----------------------------------------------------------------------------------------


def test_list_shows_all_offers_to_staff_with_filters(client, readonly):
    OfferFactory(title="Veröffentlicht Dortmund")
    OfferFactory(title="Entwurf Bochum", status=OfferStatus.DRAFT, owner=org("bochum"), module="inform", format="webinar")
    OfferFactory(title="Archiv Hagen", status=OfferStatus.ARCHIVED, owner=org("hagen"))
    client.force_login(readonly)
    response = client.get(LIST)
    assert response.status_code == 200
    assert titles(response) == ["Archiv Hagen", "Entwurf Bochum", "Veröffentlicht Dortmund"]
    assert titles(client.get(LIST, {"status": "draft"})) == ["Entwurf Bochum"]
    assert titles(client.get(LIST, {"module": "inform"})) == ["Entwurf Bochum"]
    assert titles(client.get(LIST, {"owner": "hagen"})) == ["Archiv Hagen"]
    assert titles(client.get(LIST, {"q": "entwurf"})) == ["Entwurf Bochum"]
    # Read-only staff see no "New offer" button.
    assert CREATE not in response.content.decode()


def test_list_bad_filters_answer_with_a_message(client, consultant):
    OfferFactory(title="Ein Angebot")
    client.force_login(consultant)
    response = client.get(LIST, {"status": "deleted", "owner": "berlin", "page": "x"})
    assert response.status_code == 200
    assert titles(response) == ["Ein Angebot"]
    texts = " ".join(str(m) for m in response.context["messages"])
    assert "deleted" in texts and "berlin" in texts


# --- create -------------------------------------------------------------------------------------


def test_consultant_creates_an_offer_of_their_agency(client, consultant):
    client.force_login(consultant)
    page = client.get(CREATE)
    assert page.status_code == 200
    owner_choices = [str(value) for value, _ in page.context["form"].fields["owner"].choices]
    assert owner_choices == [str(org("dortmund").pk)]
    response = client.post(CREATE, form_data())
    offer = Offer.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(offer)
    assert offer.slug == "energieeffizienz-check-vor-ort"
    assert str(offer.effort_hours) == "7.5"
    assert offer.description_html == "<p>Wir messen <strong>Druckluft</strong>.</p>"
    assert offer.owner == org("dortmund") and offer.status == OfferStatus.DRAFT
    entry = AuditLogEntry.objects.get(object_type="catalogue.offer", object_id=str(offer.pk))
    assert entry.action == "create" and entry.actor == consultant


def test_consultant_cannot_create_for_another_agency(client, consultant):
    client.force_login(consultant)
    response = client.post(CREATE, form_data(owner=org("bochum").pk))
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors
    assert not Offer.objects.exists()


def test_coordinator_chooses_the_owner(client, coordinator):
    client.force_login(coordinator)
    assert client.post(CREATE, form_data(owner=org("hamm").pk, providers=[org("hamm").pk])).status_code == 302
    assert Offer.objects.get().owner == org("hamm")


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"is_de_minimis": "on", "de_minimis_value": ""}, "de_minimis_value"),
        ({"providers": []}, "providers"),
        ({"provider_kind": "competence_holder", "competence_holder_name": ""}, "competence_holder_name"),
        ({"valid_from": "2026-05-01", "valid_until": "2026-04-01"}, "valid_until"),
        ({"topics": []}, "topics"),
        ({"title": ""}, "title"),
        ({"module": "sing"}, "module"),
        ({"effort_hours": "viel"}, "effort_hours"),
        ({"competence_holder_url": "javascript:alert(1)", "provider_kind": "competence_holder",
          "competence_holder_name": "TU"}, "competence_holder_url"),  # fmt: skip
    ],
)
def test_bad_input_shows_the_form_again_with_a_message(client, consultant, extra, field):
    client.force_login(consultant)
    response = client.post(CREATE, form_data(**extra))
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert 'class="notice error"' in response.content.decode()
    assert not Offer.objects.exists() and not AuditLogEntry.objects.exists()


def test_several_problems_are_shown_at_once(client, consultant):
    client.force_login(consultant)
    response = client.post(CREATE, form_data(is_de_minimis="on", providers=[], valid_from="2026-05-01", valid_until="2026-01-01"))
    assert response.status_code == 400
    assert {"de_minimis_value", "providers", "valid_until"} <= set(response.context["form"].errors)


def test_duplicate_slug_is_a_form_error(client, consultant):
    OfferFactory(slug="belegt")
    client.force_login(consultant)
    response = client.post(CREATE, form_data(slug="belegt"))
    assert response.status_code == 400
    assert "belegt" in response.context["form"].errors["slug"][0]
    assert Offer.objects.count() == 1


# --- edit, status, history --------------------------------------------------------------------------


def test_edit_saves_changes_and_history_shows_them(client, consultant):
    offer = make(consultant)
    client.force_login(consultant)
    page = client.get(edit(offer))
    assert page.status_code == 200
    assert page.context["form"].initial["topics"] == list(offer.topics.all())
    data = form_data(title="Lieferketten-Coaching", slug=offer.slug, status="published",
                     topics=[Topic.objects.get(key="supply_chain").pk], is_de_minimis="on", de_minimis_value="3.000")  # fmt: skip
    response = client.post(edit(offer), data)
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Lieferketten-Coaching" and offer.de_minimis_value == 3000
    body = client.get(detail(offer)).content.decode()
    assert 'id="history"' in body
    assert "Resilienz-Coaching Lieferkette → Lieferketten-Coaching" in body
    assert "Regionale Lieferketten" in body  # the new topic in the history
    assert body.count("<li>") >= 2
    assert consultant.email in body


def test_edit_bad_input_keeps_the_offer(client, coordinator):
    offer = make(coordinator)
    client.force_login(coordinator)
    response = client.post(edit(offer), form_data(title="", slug=offer.slug))
    assert response.status_code == 400
    offer.refresh_from_db()
    assert offer.title == "Resilienz-Coaching Lieferkette"


def test_who_may_edit(client, consultant, other_consultant, readonly, coordinator):
    offer = make(consultant)
    for user, expected in ((other_consultant, 403), (readonly, 403), (coordinator, 200), (consultant, 200)):
        client.force_login(user)
        assert client.get(edit(offer)).status_code == expected, user
        assert client.get(detail(offer)).status_code == 200
    client.force_login(coordinator)
    assert client.get(reverse("backoffice:offer_edit", args=[999999])).status_code == 404
    assert client.get(reverse("backoffice:offer_detail", args=[999999])).status_code == 404


def test_other_agency_sees_the_offer_read_only(client, consultant, other_consultant):
    offer = make(consultant)
    client.force_login(other_consultant)
    body = client.get(detail(offer)).content.decode()
    assert edit(offer) not in body and status_url(offer) not in body
    assert client.post(status_url(offer), {"status": "archived"}).status_code == 403
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED


def test_status_buttons_publish_and_archive(client, consultant):
    offer = make(consultant, status="draft")
    client.force_login(consultant)
    page = client.get(detail(offer)).content.decode()
    assert status_url(offer) in page and 'value="published"' in page and 'value="archived"' in page
    assert client.get(f"/angebote/{offer.slug}/").status_code == 404
    assert client.post(status_url(offer), {"status": "published"}).status_code == 302
    assert client.get(f"/angebote/{offer.slug}/").status_code == 200
    assert f'href="/angebote/{offer.slug}/"' in client.get(detail(offer)).content.decode()
    assert client.post(status_url(offer), {"status": "archived"}).status_code == 302
    assert client.get(f"/angebote/{offer.slug}/").status_code == 404
    changes = [e.changes["status"] for e in AuditLogEntry.objects.filter(object_id=str(offer.pk), action="update").order_by("id")]
    assert changes == [["draft", "published"], ["published", "archived"]]
    response = client.post(status_url(offer), {"status": "weg"})
    assert response.status_code == 400 and 'class="notice error"' in response.content.decode()


def test_status_change_of_an_offer_breaking_a_rule_shows_why(client, coordinator):
    offer = OfferFactory(status=OfferStatus.DRAFT)  # made without the services: no topic
    client.force_login(coordinator)
    response = client.post(status_url(offer), {"status": "published"})
    assert response.status_code == 400
    assert response.context["error"]
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT


def test_detail_preview_shows_the_sanitised_description(client, coordinator):
    offer = make(coordinator, description="**fett** <script>alert(1)</script> [x](javascript:alert(2))")
    client.force_login(coordinator)
    body = client.get(detail(offer)).content.decode()
    preview, history = body.split('id="h-history"')
    assert "<strong>fett</strong>" in preview
    assert "alert(1)" not in preview and "javascript:" not in preview
    # The history shows the Markdown as entered, escaped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in history and "<script>alert" not in history


def test_form_offers_help_for_markdown(client, coordinator):
    client.force_login(coordinator)
    body = client.get(CREATE).content.decode()
    assert "**" in body and 'type="date"' in body and 'type="checkbox"' in body
