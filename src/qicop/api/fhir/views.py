"""FHIR R4 endpoints: the CapabilityStatement, Measures, MeasureReports (read and search).

``GET /api/fhir/metadata`` · ``GET /api/fhir/Measure/<id>`` · ``GET /api/fhir/MeasureReport/<id>`` ·
``GET /api/fhir/MeasureReport?measure=…&subject=…&period=…`` (a searchset Bundle). Authentication as for the
DHIS2 endpoints (personal token, HTTP basic, the browser's session); the CapabilityStatement is public.
Every refusal is an OperationOutcome with a 4xx status; nothing is ever stored.
"""

from __future__ import annotations

import uuid
from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.api.dhis2.common import api_user
from qicop.api.fhir import reports
from qicop.api.fhir.http import fhir_endpoint, outcome, respond
from qicop.integrations.dhis2.periods import PeriodError
from qicop.integrations.fhir import ids, resources

#: indicators × org units × periods of one search: each report is computed on the spot (three queries)
MAX_REPORTS = 100
MAX_VALUES = 50  # of each search parameter


def _unauthenticated():
    return outcome(
        401,
        "login",
        _("Sign in or send a personal API token (Authorization: ApiToken <token>)."),
        {"WWW-Authenticate": 'Bearer realm="qicop"'},
    )


@fhir_endpoint
def metadata(request):
    params = (
        ("measure", "reference", _("The Measure: its canonical URL, Measure/<id> or its id. May repeat.")),
        ("network", "string", _("With indicator: the network's short name in links.")),
        ("indicator", "token", _("With network: the indicator's code. May repeat.")),
        (
            "subject",
            "reference",
            _("The org unit (its whole subtree counts): Location/<UID>, its UID or its code. May repeat."),
        ),
        ("orgUnit", "token", _("Same as subject: an org unit UID or code. May repeat.")),
        (
            "period",
            "date",
            _(
                "A DHIS2 period id (202401, 2024Q1, 2024W5, 2024April…) or a date without prefix "
                "(2024-01 is January 2024). May repeat."
            ),
        ),
    )
    server = resources.ServerDescription(
        base_url=reports.base_url(),
        software_version=_software_version(),
        date=timezone.localdate().isoformat(),
        description=_("qicop: network indicators as FHIR R4 Measures and MeasureReports."),
        documentation=_(
            "JSON only (application/fhir+json): a request for XML gets 406. Measure and MeasureReport "
            "reads; MeasureReport search needs a measure (or network and indicator), a subject and a period, "
            "and computes at most %(max)d reports at once."
        )
        % {"max": MAX_REPORTS},
        security=_(
            "Authorization: ApiToken <personal token> (or Bearer), HTTP basic, or a signed-in session. "
            "Values are those the account may read on the site."
        ),
        report_search=tuple(resources.SearchParameter(*param) for param in params),
    )
    return respond(resources.capability_statement(server))


def _software_version() -> str:
    try:
        return version("qicop")
    except PackageNotFoundError:  # running from a source tree that was not installed
        return "unknown"


@fhir_endpoint
def measure(request, measure_id: str):
    user = api_user(request)
    if user is None:
        return _unauthenticated()
    key = ids.parse_measure_id(measure_id)
    indicator = reports.indicator_for(user, key, measure_id) if key else None
    if indicator is None:
        return _not_found("Measure", measure_id)
    return respond(reports.measure_definition(indicator))


@fhir_endpoint
def measure_report(request, report_id: str):
    user = api_user(request)
    if user is None:
        return _unauthenticated()
    report = reports.report_for_id(user, report_id)
    if report is None:
        return _not_found("MeasureReport", report_id)
    return respond(report)


@fhir_endpoint
def unknown(request, rest: str = ""):
    """Any other path under the FHIR base: FHIR clients expect an OperationOutcome, not a web page."""
    return outcome(
        404,
        "not-supported",
        _(
            "This FHIR server has metadata, Measure/<id>, MeasureReport and MeasureReport/<id>; "
            "nothing at %(path)s."
        )
        % {"path": rest[:100] or "/"},
    )


def _not_found(kind: str, resource_id: str):
    return outcome(
        404,
        "not-found",
        _("No %(kind)s %(id)s among those you may read.") % {"kind": kind, "id": resource_id[:64]},
    )


@fhir_endpoint
def measure_reports(request):
    user = api_user(request)
    if user is None:
        return _unauthenticated()
    params = request.GET
    for name in ("measure", "network", "indicator", "subject", "orgUnit", "period"):
        if len(params.getlist(name)) > MAX_VALUES:
            return outcome(
                400,
                "too-costly",
                _("Give at most %(max)d values of %(name)s.") % {"max": MAX_VALUES, "name": name},
            )
    warnings: list[str] = []
    indicators = _indicators(user, params, warnings)
    units_asked = [_org_unit_identifier(v) for v in params.getlist("subject") + params.getlist("orgUnit")]
    if not (params.getlist("measure") or params.getlist("indicator")) or not units_asked:
        return outcome(
            400,
            "required",
            _(
                "Give the measure (or network and indicator), the subject (org unit) and the period: "
                "each may repeat."
            ),
        )
    periods = []
    for raw in params.getlist("period"):
        try:
            periods.append(reports.period_of(raw.strip()))
        except PeriodError as error:
            return outcome(400, "invalid", _("period %(value)s: %(error)s") % {"value": raw, "error": error})
    if not periods:
        return outcome(400, "required", _("Give the period: a DHIS2 period id such as 202401 or 2024Q1."))
    pairs = []
    for indicator in indicators:
        units = list(reports.org_units_of(indicator.network, units_asked))
        found = {u.uid for u in units} | {u.code for u in units}
        warnings += [
            _("No org unit %(id)s in the countries of network %(network)s.")
            % {"id": missing, "network": indicator.network.slug}
            for missing in units_asked
            if missing not in found
        ]
        pairs += [(indicator, unit) for unit in units]
    if len(pairs) * len(periods) > MAX_REPORTS:
        return outcome(
            400,
            "too-costly",
            _("Too many reports at once: at most %(max)d measures × org units × periods.")
            % {"max": MAX_REPORTS},
        )
    builder = reports.Reports(user)
    matches = []
    for indicator, unit in pairs:
        for report in builder.reports(indicator, unit, periods):
            matches.append((f"{reports.base_url()}/MeasureReport/{report['id']}", report))
    note = None
    warnings = list(dict.fromkeys(warnings))  # an org unit missing for two measures is said once
    if warnings:
        issues = resources.operation_outcome("not-found", warnings[0], severity="warning")
        issues["issue"] += [
            {"severity": "warning", "code": "not-found", "diagnostics": text} for text in warnings[1:]
        ]
        note = (f"urn:uuid:{uuid.uuid4()}", issues)
    bundle = resources.searchset(
        bundle_id=str(uuid.uuid4()),
        self_url=f"{settings.BASE_URL}{request.get_full_path()}",
        last_updated=builder.now,
        matches=matches,
        outcome=note,
    )
    return respond(bundle)


def _org_unit_identifier(text: str) -> str:
    text = text.strip()
    return text.removeprefix("Location/")


def _indicators(user, params, warnings: list[str]) -> list:
    """Indicators named by ``measure`` (canonical URL, Measure/<id> or id) or by ``network`` and
    ``indicator``; names that match nothing the user may see become warnings."""
    found = []
    for raw in params.getlist("measure"):
        text = raw.strip().split("|", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        key = ids.parse_measure_id(text)
        indicator = reports.indicator_for(user, key, text) if key else None
        if indicator is None:
            warnings.append(_("No Measure %(id)s among those you may read.") % {"id": raw[:100]})
        elif indicator not in found:
            found.append(indicator)
    codes = [code.strip() for code in params.getlist("indicator")]
    if codes:
        network = params.get("network", "").strip()
        named = list(reports.visible_indicators(user).filter(network__slug=network, code__in=codes))
        known = {i.code for i in named}
        warnings += [
            _("No indicator %(code)s in network %(network)s among those you may read.")
            % {"code": code, "network": network}
            for code in codes
            if code not in known
        ]
        found += [i for i in named if i not in found]
    return found
