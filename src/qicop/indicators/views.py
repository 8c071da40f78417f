from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core.pagination import paginate
from qicop.core.storage import private_storage
from qicop.indicators import permissions, selectors, services
from qicop.indicators.exports import CONTENT_TYPES, default_id_scheme, people_rows, write_values
from qicop.indicators.forms import ALL_COUNTRIES, ExportForm, ImportForm, PublishForm
from qicop.indicators.id_schemes import IdScheme, IdSchemes
from qicop.indicators.import_messages import TEXTS, readable
from qicop.indicators.models import DataElement, OrgUnit
from qicop.indicators.periods import period_name
from qicop.integrations import spreadsheet
from qicop.integrations.dhis2.adx import NoValues
from qicop.integrations.dhis2.periods import period_of
from qicop.network import selectors as network_selectors


def _network(request, slug):
    return network_selectors.network_page(request.user, slug)


@login_required
def data_home(request, slug):
    viewer, network = _network(request, slug)
    return render(
        request,
        "indicators/data_home.html",
        {
            "network": network,
            "can_import": permissions.can_import(request.user),
            "is_coordinator": viewer.is_coordinator(network),
            "can_see_quality": permissions.quality_countries(request.user) != set(),
            "can_publish": bool(_publishable_countries(request.user, network)),
            "indicators": selectors.network_indicators_in_words(network),
        },
    )


@login_required
def import_upload(request, slug):
    _viewer, network = _network(request, slug)
    if not permissions.can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data_import = services.start_import(
                actor=request.user,
                upload=form.cleaned_data["file"],
                params=form.params(),
                fmt=form.cleaned_data["format"] or None,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("indicators:import_detail", slug=network.slug, import_id=data_import.pk)
    return render(
        request,
        "indicators/import_upload.html",
        {"network": network, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def import_list(request, slug):
    _viewer, network = _network(request, slug)
    page = paginate(request, selectors.imports_for_user(request.user))
    # Imports shown as queued or running whose worker is gone are failed now, and shown so: a page never
    # shows endless progress.
    services.fail_orphaned_imports(candidates=list(page))
    return render(request, "indicators/import_list.html", {"network": network, "page": page})


def _import_for(request, import_id):
    data_import = selectors.imports_for_user(request.user).filter(pk=import_id).first()
    if data_import is None:
        raise Http404
    return data_import


@login_required
def import_detail(request, slug, import_id):
    _viewer, network = _network(request, slug)
    data_import = _import_for(request, import_id)
    services.fail_orphaned_imports(candidates=[data_import])
    summary = selectors.import_answer(data_import) or {}
    # What a person reads: the stored texts said in the reader's language, values placed by line.
    result = readable({**summary, TEXTS: (data_import.summary or {}).get(TEXTS)}, fmt=data_import.format)
    conflicts = result["conflicts"]
    return render(
        request,
        "indicators/import_detail.html",
        {
            "network": network,
            "data_import": data_import,
            "summary": summary,
            "result": result,
            # A long list's conflicts list their first values and say how many they concern in all.
            "conflicts": conflicts[:200],
            "more_conflicts": max(0, len(conflicts) - 200),
            "running": data_import.status in ("queued", "running"),
            "rows_read": cache.get(services.progress_key(data_import.pk), data_import.rows_read),
            "can_run_again": permissions.can_run_again(request.user, data_import),
            "rerun": data_import.reruns.order_by("pk").first(),
        },
    )


@login_required
@require_POST
def import_rerun(request, slug, import_id):
    """Run a failed import again from the file it kept (the button on its page)."""
    _viewer, network = _network(request, slug)
    data_import = _import_for(request, import_id)
    try:
        rerun = services.rerun_import(actor=request.user, data_import=data_import)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("indicators:import_detail", slug=network.slug, import_id=data_import.pk)
    messages.success(request, _("The import runs again from the same file."))
    return redirect("indicators:import_detail", slug=network.slug, import_id=rerun.pk)


@login_required
def import_conflicts_csv(request, slug, import_id):
    """Every conflict of an import the viewer may read, as CSV: the file the import wrote as it went,
    streamed (an import's summary lists only the first ones); for older imports, the summary's."""
    from django.http import FileResponse

    _network(request, slug)
    data_import = _import_for(request, import_id)
    filename = f"import-{data_import.pk}-conflicts.csv"
    if private_storage().exists(data_import.conflicts_path):
        return FileResponse(
            private_storage().open(data_import.conflicts_path, "rb"),
            as_attachment=True,
            filename=filename,
            content_type="text/csv; charset=utf-8",
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    rows = (
        [
            conflict.get("errorCode", ""),
            conflict.get("object", ""),
            conflict.get("property", ""),
            conflict.get("value", ""),
            " ".join(str(i) for i in conflict.get("indexes", [])),
        ]
        for conflict in (data_import.summary or {}).get("conflicts", [])
    )
    spreadsheet.write_people_csv(
        rows, response, columns=["errorCode", "object", "property", "value", "indexes"]
    )
    return response


@login_required
def completeness(request, slug):
    viewer, network = _network(request, slug)
    if not viewer.is_coordinator(network):
        raise PermissionDenied
    countries = list(network_selectors.countries_of_network(network))
    return render(
        request,
        "indicators/completeness.html",
        {"network": network, "grid": selectors.completeness(countries)},
    )


def _publishable_countries(user, network):
    return [c for c in network_selectors.countries_of_network(network) if permissions.can_publish(user, c.pk)]


@login_required
def publish(request, slug):
    _viewer, network = _network(request, slug)
    countries = _publishable_countries(request.user, network)
    if not countries:
        raise PermissionDenied
    # One country: its options say which periods it has published already.
    published = (
        selectors.published_spans([countries[0].pk]).get(countries[0].pk, []) if len(countries) == 1 else None
    )
    form = PublishForm(
        request.POST or None,
        countries=countries,
        periods=selectors.months_with_values(countries, before=timezone.localdate()),
        published=published,
    )
    if request.method == "POST" and form.is_valid():
        try:
            publication = services.publish_period(
                actor=request.user,
                country=form.cleaned_data["country"],
                period_id=form.cleaned_data["period"],
            )
        except ValidationError as error:
            form.add_error("period", error.message_dict.get("period", error.messages))
        else:
            messages.success(
                request,
                _("%(country)s: %(period)s is now visible to the whole network.")
                % {
                    "country": publication.country.display_name,
                    "period": period_name(publication.period.dhis2_id),
                },
            )
            return redirect("indicators:publish", slug=network.slug)
    return render(
        request,
        "indicators/publish.html",
        {"network": network, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def template_download(request, slug):
    """An empty spreadsheet template for the viewer's country: its facilities x the last 12 months x codes."""
    _network(request, slug)
    countries = permissions.data_countries_for(request.user)
    if countries == set():
        raise PermissionDenied
    units = OrgUnit.objects.exclude(code=None).order_by("path")
    if countries is not None:
        units = units.filter(country_id__in=countries)
    leaves = list(units.filter(children__isnull=True).values_list("code", flat=True)[:500])
    month = period_of("Monthly", timezone.localdate()).previous()
    periods = []
    for _step in range(12):
        periods.append(month.id)
        month = month.previous()
    codes = list(DataElement.objects.exclude(code=None).order_by("code").values_list("code", flat=True)[:50])
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="qicop-template.xlsx"'
    spreadsheet.write_template_xlsx(response, leaves, codes, reversed(periods))
    return response


EXPORT_SEARCH_LIMIT = 100


@login_required
def export(request, slug):
    """Download data the viewer may read: for people (Excel, CSV with names) or for systems (DHIS2, ADX).

    The data elements to choose from: the network's own (those its indicators are computed from), the ones
    already ticked, and up to a hundred others matching the search box, with a count of what a longer
    search would show, so that a country with thousands of DATIM elements still finds the network's."""

    _viewer, network = _network(request, slug)
    org_units = list(OrgUnit.objects.filter(country__networks=network, level__lte=2).order_by("path")[:500])
    months = _export_months(network)
    query = request.GET.get("q", "").strip()[:100]
    groups, others = _export_data_elements(network, query, request.GET.getlist("data_elements"))
    searching = request.GET.get("action") == "search" or not request.GET
    choices = {"data_elements": groups, "org_units": org_units, "months": months}
    if searching:
        initial = {key: request.GET.getlist(key) for key in ("data_elements",)} | {
            key: request.GET[key] for key in ("q", "org_unit", "start", "end", "format") if key in request.GET
        }
        if request.GET:
            initial["children"] = "children" in request.GET
        else:
            initial |= _export_defaults(request.user, groups, org_units, months)
        form = ExportForm(initial=initial, **choices)
    else:
        form = ExportForm(request.GET, **choices)
        if form.is_valid():
            try:
                return _export_download(request.user, form.cleaned_data, org_units)
            except NoValues:
                form.add_error(
                    None,
                    _(
                        "No data values match: an ADX file cannot be empty. "
                        "Choose other periods or organisation units, or another format."
                    ),
                )
    return render(
        request,
        "indicators/export.html",
        {"network": network, "form": form, "query": query, "others": others},
        status=400 if form.is_bound and form.errors else 200,
    )


EXPORT_MONTHS = 12


def _export_months(network) -> list:
    """The months to export from and to, newest first: those holding values of the network's countries,
    or, before any import, the last twelve."""
    countries = network_selectors.countries_of_network(network)
    months = selectors.months_with_values(countries, before=timezone.localdate())
    if months:
        return months
    month = period_of("Monthly", timezone.localdate()).previous()
    months = [month]
    for _step in range(EXPORT_MONTHS - 1):
        months.append(months[-1].previous())
    return months


def _export_defaults(user, groups, org_units, months) -> dict:
    """What a first visit proposes: the network's own data elements, the viewer's country (every country
    for those without one), everything below it, the last twelve months that hold values."""
    own = next((elements for _label, elements in groups), [])
    country_id = permissions.ReadScope(user).own_country_id
    home = next((u.uid for u in org_units if u.level == 1 and u.country_id == country_id), ALL_COUNTRIES)
    return {
        "data_elements": [d.uid for d in own],
        "org_unit": home,
        "children": True,
        "start": months[min(EXPORT_MONTHS, len(months)) - 1].id,
        "end": months[0].id,
    }


def _export_data_elements(network, query: str, ticked: list[str]):
    """The export page's data elements in groups, and (shown, total) of the others matching ``query``."""
    from django.db.models import Q

    own_uids = selectors.network_data_element_uids(network)
    own = list(DataElement.objects.filter(uid__in=own_uids).order_by("name"))
    others = DataElement.objects.exclude(uid__in=own_uids)
    if query:
        others = others.filter(Q(name__icontains=query) | Q(code__icontains=query) | Q(uid=query))
    total = others.count()
    shown = list(others.order_by("name")[:EXPORT_SEARCH_LIMIT])
    shown_uids = own_uids | {d.uid for d in shown}
    kept = list(
        DataElement.objects.filter(
            uid__in=[u for u in ticked[:EXPORT_SEARCH_LIMIT] if u not in shown_uids]
        ).order_by("name")
    )
    found_label = _("Matching “%(query)s”") % {"query": query} if query else _("Other data elements")
    groups = [
        (_("The network's indicators"), own),
        (_("Chosen before"), kept),
        (found_label, shown),
    ]
    return groups, {"shown": len(shown), "total": total}


def _export_download(user, data, org_units):
    import io
    import tempfile

    from django.http import FileResponse

    filters = {
        "data_elements": data["data_elements"],
        "org_units": [u.uid for u in org_units if u.level == 1]
        if data["org_unit"] == ALL_COUNTRIES
        else [data["org_unit"]],
        "children": data["children"],
        "start": data["start"].start,
        "end": data["end"].end,
    }
    spooled = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115 - streamed back
    fmt = data["format"]
    if fmt == "xlsx":
        spreadsheet.write_people_xlsx(people_rows(user, **filters), spooled, columns=PEOPLE_COLUMNS)
        content_type, name = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "qicop-data.xlsx",
        )
    else:
        text = io.TextIOWrapper(spooled, encoding="utf-8", newline="")
        if fmt == "people-csv":
            spreadsheet.write_people_csv(people_rows(user, **filters), text, columns=PEOPLE_COLUMNS)
            content_type, name = "text/csv; charset=utf-8", "qicop-data.csv"
        else:
            schemes = IdSchemes(general=IdScheme.parse(default_id_scheme(fmt))).for_format(fmt)
            rows = selectors.export_rows(user, **filters, id_schemes=schemes)
            write_values(fmt, rows, text, id_schemes=schemes)
            content_type, name = CONTENT_TYPES[fmt], f"qicop-data.{ {'adx': 'adx.xml'}.get(fmt, fmt) }"
        text.flush()
        text.detach()
    spooled.seek(0)
    return FileResponse(spooled, content_type=content_type, as_attachment=True, filename=name)


PEOPLE_COLUMNS = [
    "country",
    "org_unit",
    "org_unit_code",
    "period",
    "data_element",
    "disaggregation",
    "value",
    "comment",
]
