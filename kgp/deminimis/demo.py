"""Demo de-minimis data: aid granted for the de-minimis offers of the catalogue and a few declarations.

Called by `seed_demo` after the companies and the offers exist; granted by a consultant of each
company's agency through the services, so the ledger, the certificates and the audit log are real.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from kgp.accounts.models import Role, User
from kgp.catalogue.models import Offer
from kgp.companies.models import Company

from . import services
from .models import AidGrant, DeclaredAid

GRANTS = 12
GRANTORS = (
    ("Land Nordrhein-Westfalen (Programm Mittelstand.innovativ!)", "Verordnung (EU) 2023/2831"),
    ("NRW.BANK", "Verordnung (EU) 2023/2831"),
    ("Bundesamt für Wirtschaft und Ausfuhrkontrolle (Energieberatung)", "Verordnung (EU) 2023/2831"),
)


def seed_aid(*, companies: Iterable[Company], rng_seed: int = 0) -> list[AidGrant]:
    """About a dozen grants and a few declarations; does nothing when any grant exists already."""
    if AidGrant.objects.exists():
        return []
    rng = random.Random(rng_seed)
    offers = list(Offer.objects.public().filter(is_de_minimis=True).order_by("pk"))
    consultants = {u.organisation_id: u for u in User.objects.filter(role=Role.CONSULTANT, is_active=True).order_by("pk")}
    candidates = [c for c in companies if c.is_active and c.responsible_partner_id in consultants]
    if not offers or not candidates:
        return []
    today = timezone.localdate()
    grants = []
    for company in sorted(rng.sample(candidates, min(GRANTS, len(candidates))), key=lambda c: c.pk):
        actor = consultants[company.responsible_partner_id]
        if rng.random() < 0.4:
            name, basis = rng.choice(GRANTORS)
            services.declared_aid_add(
                actor=actor,
                company=company,
                granted_on=today - dt.timedelta(days=rng.randint(200, 900)),
                grantor=name,
                amount_eur=Decimal(rng.choice([4800, 12500, 25000])),
                legal_basis=basis,
                source=DeclaredAid.Source.BACKOFFICE,
            )
        offer = rng.choice(offers)
        grants.append(
            services.aid_grant(
                actor=actor,
                company=company,
                granted_on=today - dt.timedelta(days=rng.randint(1, 300)),
                value_eur=offer.de_minimis_value or Decimal("1800"),
                purpose=f"{offer.title} (kostenfreie Beratung der Kompetenzregion)",
                offer=offer,
            )
        )
    return grants
