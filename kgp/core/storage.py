"""The private file storage: uploads that must never be reachable by a URL of the web server.

Files live under settings.PRIVATE_MEDIA_ROOT (outside STATIC_ROOT and the web root) and are handed
out only by views that check the reader's access first. The location is read from the settings on
every use, so tests can point it at a temporary directory.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a view that checks access.")


private_storage = PrivateStorage()
