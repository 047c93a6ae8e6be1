"""Finding the system's Chromium for the browser tests (no Django imports: the test runner uses it too)."""

from __future__ import annotations

import os
import shutil

LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def chromium_executable() -> str | None:
    """CHROMIUM_PATH if it exists, else the first Chromium on the PATH, else None."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None
