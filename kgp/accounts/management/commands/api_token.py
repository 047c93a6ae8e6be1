from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kgp.accounts.models import User
from kgp.accounts.services import api_token_create, api_token_revoke_all


class Command(BaseCommand):
    help = "Create or revoke personal API tokens: api_token create EMAIL [--name N] | api_token revoke EMAIL"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "revoke"])
        parser.add_argument("email")
        parser.add_argument("--name", default="")

    def handle(self, *args: object, action: str, email: str, name: str, **options: object) -> None:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {email!r}.")
        if not user.is_active:
            raise CommandError(f"The user {email!r} is deactivated.")
        if action == "create":
            self.stdout.write(api_token_create(user=user, name=name))
        else:
            count = api_token_revoke_all(user=user)
            self.stdout.write(f"Revoked {count} token(s) of {user.email}.")
