"""Distances between places: haversine on WGS84 coordinates, and the region's municipalities."""

from __future__ import annotations

import math

from kgp.matching.text import DATA_DIR, fold

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _load_municipalities() -> dict[str, tuple[str, float, float]]:
    table: dict[str, tuple[str, float, float]] = {}
    for line in (DATA_DIR / "municipalities.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, lat, lon = line.split("\t")
        table[fold(name)] = (name, float(lat), float(lon))
    return table


MUNICIPALITIES = _load_municipalities()


def coordinates(municipality: str) -> tuple[float, float] | None:
    """Approximate town-centre coordinates of one of the region's municipalities, or None."""
    entry = MUNICIPALITIES.get(fold(municipality.strip()))
    return (entry[1], entry[2]) if entry else None
