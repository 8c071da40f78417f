"""qicop reencrypt_secrets — encrypt the stored DHIS2 tokens again with the first key (key rotation)."""

from django.core.management.base import BaseCommand

from qicop.exchange.services import reencrypt_tokens


class Command(BaseCommand):
    help = (
        "Encrypt every stored DHIS2 token again with the first key of QICOP_ENCRYPTION_KEYS. To rotate: put "
        "the new secret first in QICOP_ENCRYPTION_KEYS (keeping the old one after it), run this, then remove "
        "the old secret."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{reencrypt_tokens()} token(s) encrypted with the current key")
