"""Services that change accounts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kgp.core.audit import log_action

from .models import ApiToken, User


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> str:
    """Create a token for the user and return the raw token (shown once, never stored)."""
    raw, token_hash = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name[:100], token_hash=token_hash)
    log_action(actor=user, action="create", obj=token, changes={"name": [None, token.name]})
    return raw


def api_token_authenticate(raw: str) -> User | None:
    """The active user a raw token belongs to, or None."""
    if not raw or not raw.startswith(ApiToken.PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organisation")
        .filter(token_hash=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def api_token_revoke_all(*, user: User) -> int:
    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        log_action(actor=user, action="delete", obj=token)
    return ApiToken.objects.filter(pk__in=[t.pk for t in tokens]).update(revoked_at=timezone.now())
