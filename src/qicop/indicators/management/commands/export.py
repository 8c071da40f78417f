"""qicop export — write data values as DHIS2 JSON, XML, CSV or ADX, streaming to a file or standard output."""

import sys
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qicop.indicators.exports import default_id_scheme, write_values
from qicop.indicators.id_schemes import id_schemes_from_parameters
from qicop.indicators.management.id_schemes import add_id_scheme_arguments, id_scheme_parameters
from qicop.indicators.selectors import export_rows
from qicop.integrations.dhis2.adx import NoValues


class Command(BaseCommand):
    help = "Export data values the given account may read, as DHIS2 JSON, XML or CSV, or ADX."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="e-mail of the account whose permissions apply")
        parser.add_argument("--format", choices=["json", "xml", "csv", "adx"], default="json")
        parser.add_argument("--data-element", action="append", default=[], dest="data_elements")
        parser.add_argument("--period", action="append", default=[], dest="periods")
        parser.add_argument("--start-date", type=date.fromisoformat)
        parser.add_argument("--end-date", type=date.fromisoformat)
        parser.add_argument("--org-unit", action="append", default=[], dest="org_units")
        parser.add_argument("--children", action="store_true")
        add_id_scheme_arguments(parser)
        parser.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args, **o):
        user = get_user_model().objects.filter(email=o["user"].lower()).first()
        if user is None:
            raise CommandError(f"no account with the e-mail address {o['user']}")
        try:
            schemes = id_schemes_from_parameters(
                id_scheme_parameters(o), default=default_id_scheme(o["format"])
            ).for_format(o["format"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        rows = export_rows(
            user,
            data_elements=o["data_elements"] or None,
            periods=o["periods"] or None,
            start=o["start_date"],
            end=o["end_date"],
            org_units=o["org_units"] or None,
            children=o["children"],
            id_schemes=schemes,
        )
        out = open(o["output"], "w", encoding="utf-8", newline="") if o["output"] else sys.stdout  # noqa: SIM115
        try:
            count = write_values(o["format"], rows, out, id_schemes=schemes)
        except NoValues:
            raise CommandError("no data values match, and an ADX document cannot be empty") from None
        finally:
            if o["output"]:
                out.close()
        self.stderr.write(f"{count} values written")
