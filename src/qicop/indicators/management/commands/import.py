"""qicop import FILE — import data values (DHIS2 JSON/XML/CSV, ADX) or DHIS2 metadata from a file."""

import json
import sys
import time

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from qicop.indicators import services
from qicop.indicators.data_versions import import_metadata_and_bump
from qicop.indicators.import_messages import readable, without_texts
from qicop.indicators.import_types import STRATEGIES
from qicop.indicators.management.id_schemes import add_id_scheme_arguments, id_scheme_parameters
from qicop.integrations.dhis2 import metadata
from qicop.integrations.errors import FormatError


class Command(BaseCommand):
    help = (
        "Import data values (DHIS2 JSON, XML, CSV or ADX) or DHIS2 metadata; prints a DHIS2-shaped summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--user", help="e-mail of the account whose permissions apply (default: the only superuser)"
        )
        parser.add_argument(
            "--format", choices=["json", "xml", "csv", "adx", "metadata-json", "metadata-csv"]
        )
        parser.add_argument("--dry-run", action="store_true", help="check everything, store nothing")
        parser.add_argument("--strategy", choices=STRATEGIES, default="CREATE_AND_UPDATE")
        add_id_scheme_arguments(parser)
        parser.add_argument(
            "--store-valid",
            action="store_true",
            help="store the valid values even when others have conflicts (default: all or nothing)",
        )
        parser.add_argument("--json", action="store_true", help="print the summary as DHIS2 JSON")

    def handle(self, *args, **options):
        user = self._user(options["user"])
        path = options["file"]
        fmt = options["format"]
        try:
            fileobj = open(path, "rb")  # noqa: SIM115 - closed below, after a possibly long import
        except OSError as error:
            raise CommandError(f"cannot open {path}: {error.strerror}") from None
        with fileobj:
            import os

            services.check_upload_size(os.fstat(fileobj.fileno()).st_size)
            if fmt and fmt.startswith("metadata"):
                summary = self._metadata(user, fileobj, fmt, options["dry_run"])
            else:
                summary = self._values(user, fileobj, path, fmt, options)
        if options["json"]:
            self.stdout.write(json.dumps(without_texts(summary), indent=2, ensure_ascii=False))
        else:
            self._print(summary)
        if summary.get("status") == "ERROR":
            raise CommandError("import failed: see the summary above")

    def _user(self, email):
        users = get_user_model().objects
        if email:
            user = users.filter(email=email.lower()).first()
            if user is None:
                raise CommandError(f"no account with the e-mail address {email}")
            return user
        superusers = list(users.filter(is_superuser=True)[:2])
        if len(superusers) != 1:
            raise CommandError("say whose permissions apply with --user EMAIL")
        return superusers[0]

    def _values(self, user, fileobj, path, fmt, options):
        params = {
            "dryRun": "true" if options["dry_run"] else "false",
            "importStrategy": options["strategy"],
            "atomicMode": "NONE" if options["store_valid"] else "ALL",
            **id_scheme_parameters(options),
        }
        started = time.monotonic()

        def progress(read):
            rate = read / max(time.monotonic() - started, 1e-6)
            sys.stderr.write(f"\r  {read:,} values read ({rate:,.0f}/s)")
            sys.stderr.flush()

        try:
            summary = services.import_file(
                actor=user, fileobj=fileobj, filename=path, params=params, fmt=fmt, progress=progress
            )
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        sys.stderr.write("\n")
        return summary

    def _metadata(self, user, fileobj, fmt, dry_run):

        try:
            bundle = (
                metadata.read_json(fileobj)
                if fmt == "metadata-json"
                else metadata.read_csv(fileobj, "organisationUnits")
            )
            return import_metadata_and_bump(actor=user, metadata=bundle, dry_run=dry_run)
        except FormatError as error:
            raise CommandError(str(error)) from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None

    def _print(self, summary):
        # What a person reads: the texts in the command's language, values placed by their line in the file.
        result = readable(summary, listed=10)
        dry_run = " (dry run)" if result["dry_run"] else ""
        self.stdout.write(f"{summary.get('status')}{dry_run}: {result['description']}")
        counts = summary.get("importCount") or summary.get("stats") or {}
        self.stdout.write("  " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        for conflict in result["conflicts"][:50]:
            self.stdout.write(
                f"  {conflict.get('errorCode', '')} {conflict.get('object', '')}: {conflict['text']}"
                f" ({conflict['where']}{'…' if conflict['more'] else ''})"
            )
        errors = [  # a metadata import's ImportReport
            error
            for type_report in summary.get("typeReports", [])
            for object_report in type_report["objectReports"]
            for error in object_report["errorReports"]
        ]
        for error in errors[:50]:
            self.stdout.write(f"  {error.get('errorCode', '')} {error.get('message')}")
