from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from .models import Role


class AccountAdapter(DefaultAccountAdapter):
    """Everyone who signs up publicly is a company user; staff accounts are created by the network."""

    def save_user(self, request: HttpRequest, user, form, commit: bool = True):  # type: ignore[no-untyped-def]
        user = super().save_user(request, user, form, commit=False)
        user.role = Role.COMPANY
        user.email = user.email.lower()
        if commit:
            user.save()
        return user
