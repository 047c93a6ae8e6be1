"""Signals of the competences app, for the apps that build on it (the matching index subscribes later).

- `profile_changed`: sent after the commit of every successful create, update, status change, review
  or import of competence profiles, with `profile_ids` (a list of primary keys). Receivers refresh
  whatever they derive from the profiles; they run outside the writing transaction, so an exception
  there does not undo the change.
"""

from __future__ import annotations

from django.dispatch import Signal

profile_changed = Signal()
