from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import transaction
from lti_tool.models import Key, LtiDeployment, LtiRegistration


class Command(BaseCommand):
    help = (
        "Register an LMS platform (or update it) and activate its deployment ids. "
        "Run again with another --deployment-id to add one; nothing is ever removed here."
    )

    def add_arguments(self, parser):
        parser.add_argument("--issuer", required=True)
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--auth-login-url", required=True)
        parser.add_argument("--auth-token-url", required=True)
        parser.add_argument("--keyset-url", required=True)
        parser.add_argument("--deployment-id", action="append", required=True)
        parser.add_argument("--name", default="", help="Shown in the admin (default: issuer).")
        parser.add_argument("--audience", default="", help="Token audience, if not the token URL.")

    def handle(self, *args, **options):
        check = URLValidator(schemes=["https", "http"])
        for option in ("issuer", "auth_login_url", "auth_token_url", "keyset_url"):
            try:
                check(options[option])
            except ValidationError as error:
                flag = "--" + option.replace("_", "-")
                raise CommandError(f"{flag}: “{options[option]}” is not a URL.") from error
        with transaction.atomic():
            registration, created = LtiRegistration.objects.update_or_create(
                issuer=options["issuer"],
                client_id=options["client_id"],
                defaults={
                    "name": options["name"] or options["issuer"],
                    "auth_url": options["auth_login_url"],
                    "token_url": options["auth_token_url"],
                    "keyset_url": options["keyset_url"],
                    "audience": options["audience"],
                    "is_active": True,
                },
            )
            for deployment_id in options["deployment_id"]:
                LtiDeployment.objects.update_or_create(
                    registration=registration,
                    deployment_id=deployment_id,
                    defaults={"is_active": True},
                )
            if not Key.objects.active().exists():
                Key.objects.generate()
        verb = "Registered" if created else "Updated"
        self.stdout.write(
            f"{verb} {registration.issuer} (client {registration.client_id}) with deployments "
            f"{', '.join(options['deployment_id'])}."
        )
