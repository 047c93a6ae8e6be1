"""Build the matching indexes of this process and report their size, e.g. to check a deployment.

    manage.py match_index            # build, print documents, terms and the time it took
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from kgp.connect import search


class Command(BaseCommand):
    help = "Build the matching indexes (competence profiles, companies) and report their size."

    def handle(self, *args, **options) -> None:
        for name, holder in (("profiles", search.PROFILES), ("companies", search.COMPANIES)):
            started = time.perf_counter()
            index = holder.current()
            seconds = time.perf_counter() - started
            stats = index.stats()
            self.stdout.write(
                f"{name}: {stats['documents']} documents, {stats['terms']} terms, built in {seconds:.1f} s"
            )
            if index.reranker is not None or index.reranker_error:
                self.stdout.write(f"  re-ranker: {index.reranker_error or 'on'}")
