"""`manage.py demo_logins`: the demo logins of every role, their password and where to log in."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from kgp.accounts.models import Role, User
from kgp.companies.demo import DEMO_PASSWORD, DEMO_USERS, LOGIN_URL


class Command(BaseCommand):
    help = "Print the demo logins (e-mail, role, password) created by seed_demo."

    def handle(self, *args: object, **options: object) -> None:
        present = set(User.objects.filter(email__in=[d.email for d in DEMO_USERS]).values_list("email", flat=True))
        roles = dict(Role.choices)
        rows = [("E-Mail", "Rolle", "Organisation", "Zweck")]
        for demo in DEMO_USERS:
            email = demo.email if demo.email in present else f"{demo.email} (fehlt: manage.py seed_demo)"
            rows.append((email, str(roles[demo.role]), demo.organisation or "–", demo.label))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        line = "+-" + "-+-".join("-" * w for w in widths) + "-+"
        out = [line]
        for n, row in enumerate(rows):
            out.append("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |")
            if n == 0:
                out.append(line)
        out.append(line)
        self.stdout.write("\nDemo-Zugänge / demo logins")
        self.stdout.write("\n".join(out))
        self.stdout.write(f"Passwort für alle / password for all: {DEMO_PASSWORD}")
        self.stdout.write(f"Anmeldung / log in: {LOGIN_URL}\n")
