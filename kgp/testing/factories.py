"""factory-boy factories for tests (fictitious data only)."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from kgp.accounts.models import Role, User
from kgp.catalogue.models import Format, Module, Offer, OfferStatus, ProviderKind
from kgp.companies.models import Company, CompanyMembership, Contact, Topic
from kgp.core.text import fold, name_key
from kgp.organisations.models import Organisation
from kgp.organisations.queries import municipality_for_postcode
from kgp.requests.models import Request, RequestItem

PASSWORD = "Test-Passwort-2026!"


def org(key: str) -> Organisation:
    return Organisation.objects.get(key=key)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    role = Role.COMPANY

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):  # noqa: N805
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class CompanyFactory(DjangoModelFactory):
    """Creates a company directly (no audit log); tests of services call the services instead."""

    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Testbetrieb {n} GmbH")
    legal_form = "gmbh"
    postcode = "44135"
    city = "Dortmund"
    street = factory.Faker("street_address", locale="de_DE")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        if "municipality" not in kwargs:
            m = municipality_for_postcode(obj.postcode)
            obj.municipality = m
            if "responsible_partner" not in kwargs:
                obj.responsible_partner = m.partner if m else None
        obj.search_text = fold(f"{obj.name} {obj.city} {obj.postcode} {obj.register_number}")
        obj.name_key = name_key(obj.name)
        obj.save()
        return obj


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    company = factory.SubFactory(CompanyFactory)
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.Sequence(lambda n: f"kontakt{n}@example.org")
    function = "Geschäftsführung"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = CompanyMembership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    status = CompanyMembership.Status.APPROVED


class OfferFactory(DjangoModelFactory):
    """A published offer of the Dortmund agency. Pass topics=["smart", ...] (topic keys) to tag it.

    Search text and HTML description are filled by the catalogue services; tests of those use the services.
    """

    class Meta:
        model = Offer
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"angebot-{n}")
    title = factory.Sequence(lambda n: f"Testangebot {n}")
    summary = "Ein kurzes Testangebot für Unternehmen der Region."
    description = "Beschreibung des Angebots."
    description_html = "<p>Beschreibung des Angebots.</p>"
    module = Module.COACH
    format = Format.COACHING
    provider_kind = ProviderKind.PARTNERS
    owner = factory.LazyFunction(lambda: org("dortmund"))
    status = OfferStatus.PUBLISHED
    search_text = factory.LazyAttribute(lambda o: fold(f"{o.title} {o.summary} {o.description}"))

    @factory.post_generation
    def topics(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.topics.set(Topic.objects.filter(key__in=list(extracted)))

    @factory.post_generation
    def providers(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.providers.set(extracted if extracted is not None else [obj.owner])


class RequestFactory(DjangoModelFactory):
    """A request (Baukasten sent to an agency) routed as the service routes it: to the company's
    responsible partner (None outside the region). With a consent row, and one item per offer in
    offers=[...] (default: one new offer). Creates rows directly; tests of the service call it instead."""

    class Meta:
        model = Request
        skip_postgeneration_save = True

    company = factory.SubFactory(CompanyFactory)
    partner = factory.LazyAttribute(lambda o: o.company.responsible_partner)
    contact_name = factory.Faker("name", locale="de_DE")
    contact_email = factory.Sequence(lambda n: f"anfrage{n}@example.org")
    message = "Wir möchten mehr über die Angebote erfahren."
    preferred_channel = "email"
    source = "public"
    consent = factory.LazyAttribute(lambda o: _request_consent(o.company))

    @factory.post_generation
    def offers(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            for offer in extracted if extracted is not None else [OfferFactory()]:
                RequestItem.objects.create(request=obj, offer=offer, offer_title=offer.title, note=kwargs.get("note", ""))


def _request_consent(company: Company):
    from kgp.companies.consents import VERSION, consent_text
    from kgp.companies.models import Consent

    return Consent.objects.create(
        company=company, kind="request", granted=True, text=consent_text("request", "de"), text_version=VERSION, source="public"
    )
