"""Signals of the companies app, for the apps that build on it (the import table forbids the other way).

- `company_merged`: sent by `services.company_merge` inside its transaction, with `keep`, `removed`
  (now inactive, `merged_into=keep`) and `actor`. Receivers move their own rows from `removed` to
  `keep`; an exception rolls the whole merge back.
"""

from __future__ import annotations

from django.dispatch import Signal

company_merged = Signal()
