import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Build the matching indexes in the background as the process starts, so the first search does not
# wait for it (requests that arrive meanwhile wait for the build instead of starting their own).
from kgp.connect.search import warm_in_background  # noqa: E402

warm_in_background()
