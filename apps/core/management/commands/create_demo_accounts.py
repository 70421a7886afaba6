from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from apps.core.roles import Role, grant_role

DEMO_ACCOUNTS = [
    ("student", "student-demo-pass", Role.STUDENT),
    ("instructor", "instructor-demo-pass", Role.INSTRUCTOR),
    ("curator", "curator-demo-pass", Role.CURATOR),
]


class Command(BaseCommand):
    help = "Create (or reset) the demo accounts for local use and print their passwords."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are for local development only (DJANGO_DEBUG=1).")
        lines = []
        for username, password, role in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com"}
            )
            user.set_password(password)
            user.save()
            grant_role(user, role)
            lines.append(f"  {role.label:<11} {username:<11} {password}")
        self.stdout.write("Demo accounts (local development only):")
        self.stdout.write("  role        username    password")
        self.stdout.write("\n".join(lines))
