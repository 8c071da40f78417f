"""The results pages: a country's radar and table of changes per instrument, the network's gap map, and
their CSV and PNG downloads. Results pages show confirmed rounds only (gaps/permissions.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from qicop.integrations import spreadsheet
from qicop.network import selectors as network_selectors
from qicop.programmes import permissions as programme_permissions
from qicop.programmes.consumers.selectors import team_shares
from qicop.programmes.downloads import xlsx_response
from qicop.programmes.gaps import exports, pictures, selectors
from qicop.programmes.gaps import permissions as gap_permissions


def _country_page(request, slug, iso2):
    viewer, network = network_selectors.network_page(request.user, slug)
    country = network_selectors.country_in_network(network, iso2)
    if not gap_permissions.can_see_country_results(viewer, network):
        raise PermissionDenied
    return viewer, network, country


@login_required
def country_results(request, slug, iso2):
    viewer, network, country = _country_page(request, slug, iso2)
    histories = selectors.country_histories(viewer, network, country)
    return render(
        request,
        "programmes/gaps/country_results.html",
        {
            "network": network,
            "country": country,
            "histories": [(h, pictures.country_radar(country, h).to_svg()) for h in histories],
            "can_run_rounds": programme_permissions.can_run_rounds(viewer, network, country.pk),
        },
    )


@login_required
def country_radar_png(request, slug, iso2, instrument):
    viewer, network, country = _country_page(request, slug, iso2)
    history = selectors.country_history(viewer, network, country, instrument)
    response = HttpResponse(pictures.country_radar(country, history).to_png(), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{country.iso2.lower()}-{history.slug}.png"'
    return response


@login_required
def country_results_csv(request, slug, iso2):
    viewer, network, country = _country_page(request, slug, iso2)
    histories = selectors.country_histories(viewer, network, country)
    return _csv(
        exports.country_rows(histories), exports.COUNTRY_COLUMNS, f"{country.iso2.lower()}-assessment-results"
    )


@login_required
def country_results_xlsx(request, slug, iso2):
    viewer, network, country = _country_page(request, slug, iso2)
    histories = selectors.country_histories(viewer, network, country)
    return xlsx_response(exports.country_sheets(histories), f"{country.iso2.lower()}-assessment-results.xlsx")


def _gap_map(request, slug):
    viewer, network = network_selectors.network_page(request.user, slug)
    if not programme_permissions.can_see_gap_map(viewer, network):
        raise PermissionDenied
    instruments = selectors.gap_map_instruments()
    instrument = selectors.chosen_instrument(instruments, request.GET.get("instrument"))
    gaps = selectors.gap_map(viewer, network, instrument) if instrument else None
    return viewer, network, instruments, gaps


@login_required
def gap_map(request, slug):
    viewer, network, instruments, gaps = _gap_map(request, slug)
    return render(
        request,
        "programmes/gaps/gap_map.html",
        {
            "network": network,
            "instruments": instruments,
            "gaps": gaps,
            "distribution_svg": pictures.domain_distribution(gaps).to_svg() if gaps and gaps.rows else "",
            "coordinator": viewer.is_coordinator(network),
            "participant": gap_permissions.can_see_country_results(viewer, network),
            "consumer_shares": team_shares(
                network, [row.country for row in gaps.rows] + gaps.missing if gaps else None
            ),
        },
    )


@login_required
def gap_map_csv(request, slug):
    _viewer, _network, _instruments, gaps = _gap_map(request, slug)
    if gaps is None:
        return _csv([], ["country"], "gap-map")
    columns = exports.gap_map_columns(gaps)
    return _csv(exports.gap_map_rows(gaps), columns, f"gap-map-{gaps.instrument.slug}")


@login_required
def gap_map_xlsx(request, slug):
    _viewer, _network, _instruments, gaps = _gap_map(request, slug)
    name = f"gap-map-{gaps.instrument.slug}.xlsx" if gaps else "gap-map.xlsx"
    return xlsx_response(exports.gap_map_sheets(gaps), name)


def _csv(rows, columns, name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    spreadsheet.write_people_csv(rows, response, columns=columns)
    return response
