"""The public offer catalogue (/angebote/) and offer pages (/angebote/<slug>/)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from kgp.catalogue import services
from kgp.catalogue.models import Offer, OfferStatus
from kgp.catalogue.texts import DEFAULT_AFTER_REQUEST, effort_text
from kgp.companies.models import Topic
from kgp.testing.factories import OfferFactory, org

pytestmark = pytest.mark.django_db

CATALOGUE = "/angebote/"


def detail_url(offer: Offer) -> str:
    return f"/angebote/{offer.slug}/"


def titles(response) -> list[str]:
    return [o.title for o in response.context["page"].object_list]


def make(title: str, **extra) -> Offer:
    topics = extra.pop("topics", ("energy",))
    providers = extra.pop("providers", ("dortmund",))
    data = {
        "title": title, "summary": f"Kurzbeschreibung {title}.", "module": "coach", "format": "coaching",
        "provider_kind": "partners", "owner": org("dortmund"), "status": "published",
    } | extra  # fmt: skip
    return services.offer_create(
        actor=None, data=data, topics=Topic.objects.filter(key__in=topics), providers=[org(k) for k in providers]
    )


def package_add_url() -> str | None:
    try:
        return reverse("web:package_add")
    except NoReverseMatch:
        return None


def test_urls_are_german():
    assert reverse("web:catalogue") == CATALOGUE
    assert reverse("web:offer_detail", args=["co2-bilanz-fuer-kmu"]) == "/angebote/co2-bilanz-fuer-kmu/"


def test_catalogue_lists_only_published_valid_offers_for_anyone(client, coordinator, company_user):
    today = timezone.localdate()
    make("Sichtbares Angebot")
    make("Entwurf", status="draft")
    make("Archiv", status="archived")
    make("Abgelaufen", valid_until=today - dt.timedelta(days=1))
    make("Künftig", valid_from=today + dt.timedelta(days=1))
    for user in (None, company_user, coordinator):
        if user:
            client.force_login(user)
        response = client.get(CATALOGUE)
        assert response.status_code == 200
        assert titles(response) == ["Sichtbares Angebot"]
        body = response.content.decode()
        assert "Entwurf" not in body and "Archiv" not in body and "Abgelaufen" not in body


def test_module_tabs_filters_and_search(client):
    make("Webinar Energie sparen", module="inform", format="webinar", topics=("energy",), providers=("hagen",))
    make("Resilienz-Coaching Lieferkette", topics=("resilience", "supply_chain"), providers=("unna",))
    make("Matchmaking Hochschule", module="connect", format="matchmaking", topics=("cooperation",), provider_kind="network",
         providers=())  # fmt: skip
    response = client.get(CATALOGUE, {"module": "coach"})
    assert titles(response) == ["Resilienz-Coaching Lieferkette"]
    body = response.content.decode()
    # The tabs are links that keep the other filters; the current one is marked.
    assert re.search(r'<a href="\?module=coach"[^>]*aria-current="page"', body)
    assert 'href="?module=inform"' in body and 'href="?"' in body
    assert titles(client.get(CATALOGUE, {"modul": "inform"})) == ["Webinar Energie sparen"]
    assert titles(client.get(CATALOGUE, {"topic": "supply_chain"})) == ["Resilienz-Coaching Lieferkette"]
    assert titles(client.get(CATALOGUE, {"format": "matchmaking"})) == ["Matchmaking Hochschule"]
    assert titles(client.get(CATALOGUE, {"partner": "hagen"})) == ["Matchmaking Hochschule", "Webinar Energie sparen"]
    assert titles(client.get(CATALOGUE, {"q": "Lieferketten"})) == ["Resilienz-Coaching Lieferkette"]
    assert titles(client.get(CATALOGUE, {"q": "Webinare energie"})) == ["Webinar Energie sparen"]
    assert titles(client.get(CATALOGUE, {"q": "lieferkette", "module": "inform"})) == []
    tabs = client.get(CATALOGUE, {"q": "energie", "topic": "energy"}).context["module_tabs"]
    assert [t["query"] for t in tabs][:2] == ["q=energie&topic=energy", "q=energie&topic=energy&module=inform"]


def test_filter_form_works_without_javascript_and_keeps_values(client):
    make("Resilienz-Coaching Lieferkette", topics=("resilience",))
    body = client.get(CATALOGUE, {"q": "Resilienz", "topic": "resilience", "partner": "dortmund"}).content.decode()
    assert '<form method="get"' in body
    assert 'value="Resilienz"' in body
    assert '<option value="resilience" selected>' in body
    assert '<option value="dortmund" selected>' in body


def test_unknown_filter_values_answer_with_a_message(client):
    make("Ein Angebot")
    response = client.get(CATALOGUE, {"module": "sing", "topic": "weather", "page": "abc"})
    assert response.status_code == 200
    assert titles(response) == ["Ein Angebot"]
    body = response.content.decode()
    assert "sing" in body and "weather" in body and 'class="notice warning"' in body


def test_pagination_20_per_page_numbered(client):
    for i in range(45):
        OfferFactory(title=f"Angebot {i:02d}")
    response = client.get(CATALOGUE)
    assert len(titles(response)) == 20 and response.context["page"].paginator.num_pages == 3
    body = response.content.decode()
    assert 'href="?&amp;page=2"' in body and 'href="?&amp;page=3"' in body
    assert titles(client.get(CATALOGUE, {"page": 3})) == [f"Angebot {i:02d}" for i in range(40, 45)]
    assert 'href="?q=angebot&amp;page=2"' in client.get(CATALOGUE, {"q": "angebot"}).content.decode()


def test_query_count_is_constant(client, django_assert_max_num_queries):
    for i in range(45):
        OfferFactory(title=f"Angebot {i:02d}", topics=["energy", "climate", "smart"],
                     providers=[org("dortmund"), org("hagen"), org("hamm")])  # fmt: skip
    counts = {}
    for name, params in {
        "page1": {},
        "page3": {"page": 3},
        "search1": {"q": "angebot"},
        "search2": {"q": "angebot", "page": 2},
        "filtered": {"module": "coach", "format": "coaching", "topic": "energy", "partner": "hagen"},
    }.items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(CATALOGUE, params).status_code == 200
        counts[name] = len(ctx)
    assert counts["page1"] == counts["page3"] == counts["search1"] == counts["search2"]
    with django_assert_max_num_queries(8):
        client.get(CATALOGUE, {"module": "coach", "format": "coaching", "topic": "energy", "partner": "hagen", "page": 2})


def test_htmx_request_returns_only_the_results(client):
    make("Htmx Angebot")
    response = client.get(CATALOGUE, {"q": "htmx"}, headers={"HX-Request": "true", "HX-Target": "offer-results"})
    body = response.content.decode()
    assert "Htmx Angebot" in body and "<html" not in body and 'id="offer-results"' in body
    assert 'hx-swap-oob="true"' in body


def test_offer_card_links_to_the_page_and_has_the_package_button(client):
    offer = make("Energieeffizienz-Check vor Ort")
    body = client.get(CATALOGUE, {"q": "energie"}).content.decode()
    assert f'href="{detail_url(offer)}"' in body
    add = package_add_url()
    if add is None:  # the Baukasten is not there yet: no button
        assert 'name="offer"' not in body
    else:
        assert f'action="{add}"' in body
        assert f'name="offer" value="{offer.pk}"' in body
        assert 'name="next" value="/angebote/?q=energie"' in body
        assert "csrfmiddlewaretoken" in body


def test_detail_page_tells_a_company_everything(client):
    offer = make(
        "Energieeffizienz-Check vor Ort",
        description="Wir messen **Druckluft**.\n\n- Begehung\n- Bericht",
        topics=("energy", "climate"),
        providers=("dortmund", "hamm"),
        effort_hours=D("8"),
        is_de_minimis=True,
        de_minimis_value=D("1800"),
        target_group="sme",
        valid_until=timezone.localdate() + dt.timedelta(days=30),
    )
    response = client.get(detail_url(offer))
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("Energieeffizienz-Check vor Ort", "Wirtschaftsförderung Dortmund", "Wirtschaftsförderung Hamm",
                 "<strong>Druckluft</strong>", "<li>Begehung</li>", "2023/2831", "1.800"):  # fmt: skip
        assert text in body, text
    assert "Energieeffizienz und erneuerbare Energien" in body  # topic names (German UI)
    assert response.context["de_minimis_note"]
    assert "1.800" in response.context["de_minimis_note"]
    # No request text of its own: the standard text of the module.
    assert response.context["after_request"] == str(DEFAULT_AFTER_REQUEST["coach"])
    assert "8" in response.context["effort"] and "8" in body
    add = package_add_url()
    if add is not None:
        assert f'action="{add}"' in body and f'name="offer" value="{offer.pk}"' in body
        assert f'name="next" value="{detail_url(offer)}"' in body


def test_detail_page_of_competence_holder_and_own_after_request_text(client):
    offer = make(
        "Matchmaking mit der TU Dortmund", module="connect", format="matchmaking", provider_kind="competence_holder",
        providers=(), competence_holder_name="Technische Universität Dortmund",
        competence_holder_url="https://www.tu-dortmund.de", after_request="Wir melden uns binnen drei Tagen.",
    )  # fmt: skip
    body = client.get(detail_url(offer)).content.decode()
    assert '<a href="https://www.tu-dortmund.de" rel="noopener noreferrer">Technische Universität Dortmund</a>' in body
    assert "Wir melden uns binnen drei Tagen." in body
    assert "2023/2831" not in body  # no de-minimis aid


def test_detail_page_escapes_text_and_sanitises_the_description(client):
    offer = make("<b>Fett</b> & Co", summary="<script>alert(1)</script>", description="<script>x()</script>[a](javascript:y())")
    body = client.get(detail_url(offer)).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body
    assert "&lt;b&gt;Fett&lt;/b&gt; &amp; Co" in body
    assert "x()" not in body and "javascript:" not in body


@pytest.mark.parametrize("kind", ["draft", "archived", "expired", "future", "unknown"])
def test_detail_page_is_404_unless_public(client, kind):
    today = timezone.localdate()
    offer = {
        "draft": lambda: OfferFactory(status=OfferStatus.DRAFT),
        "archived": lambda: OfferFactory(status=OfferStatus.ARCHIVED),
        "expired": lambda: OfferFactory(valid_until=today - dt.timedelta(days=1)),
        "future": lambda: OfferFactory(valid_from=today + dt.timedelta(days=1)),
        "unknown": lambda: Offer(slug="gibt-es-nicht"),
    }[kind]()
    assert client.get(detail_url(offer)).status_code == 404


def test_effort_in_words():
    from django.utils import translation

    with translation.override("en"):
        assert effort_text(D("8.0")) == "about 8 hours"
        assert effort_text(D("1")) == "about 1 hour"
        assert effort_text(D("1.5")) == "about 1.5 hours"
        assert effort_text(None) == ""
    with translation.override("de"):
        assert "1,5" in effort_text(D("1.5"))
