"""Reads of the competence map beyond a filtered list: the profiles grouped by municipality (the map view).

Profiles have no coordinates of their own; the map places them at their municipality. Whatever the
number of profiles, a grouping costs two queries (the counts per municipality, and the first `limit`
profiles of each municipality by a window function), and its output is bounded by the number of
municipalities times `limit`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber

from kgp.organisations.models import Municipality

from .models import CompetenceProfile

ORDER = ("institution", "unit", "id")  # the order of the public list


@dataclass
class MunicipalityGroup:
    municipality: Municipality
    count: int
    profiles: list[CompetenceProfile] = field(default_factory=list)  # the first `limit`, in list order

    @property
    def more(self) -> int:
        """How many matching profiles of this municipality are not in `profiles`."""
        return self.count - len(self.profiles)


def by_municipality(
    profiles: QuerySet[CompetenceProfile], municipalities: Iterable[Municipality], *, limit: int
) -> list[MunicipalityGroup]:
    """The profiles of `profiles` (already filtered) per municipality, in the order of `municipalities`;
    municipalities without a matching profile are left out."""
    base = profiles.order_by()
    counts = dict(base.values_list("municipality_id").annotate(n=Count("id")).values_list("municipality_id", "n"))
    groups = {m.pk: MunicipalityGroup(municipality=m, count=counts[m.pk]) for m in municipalities if counts.get(m.pk)}
    if not groups or limit <= 0:
        return list(groups.values())
    rank = Window(RowNumber(), partition_by=[F("municipality_id")], order_by=[F(name).asc() for name in ORDER])
    first = (
        base.annotate(rank=rank)
        .filter(rank__lte=limit)
        .only("external_id", "institution", "unit", "municipality_id")
        .order_by(*ORDER)
    )
    for profile in first:
        group = groups.get(profile.municipality_id)
        if group is not None:
            group.profiles.append(profile)
    return list(groups.values())
