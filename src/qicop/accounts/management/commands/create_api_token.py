"""qicop create_api_token — create a personal API token for an account and print it (once)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qicop.accounts.models import normalize_email
from qicop.accounts.services import create_api_token


class Command(BaseCommand):
    help = (
        "Create a personal API token for the account with this e-mail and print the token, which is shown "
        "only this once (as on the profile page): for a DHIS2 data exchange or a script set up from a shell."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="the account's e-mail address")
        parser.add_argument("--name", required=True, help="what the token is for, e.g. 'DHIS2 exchange'")

    def handle(self, *args, user, name, **options):
        account = get_user_model().objects.filter(email=normalize_email(user), is_active=True).first()
        if account is None:
            raise CommandError(f"no active account with the e-mail address {user}")
        try:
            _token, secret = create_api_token(user=account, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(secret)
