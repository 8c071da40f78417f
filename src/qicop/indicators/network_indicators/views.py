"""Pages of the network's indicators: everyone who sees the network reads the list, each indicator's
country mappings and where definitions differ; coordinators define indicators; whoever writes a country's
data maps that country (permissions.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qicop.core.forms import add_service_errors
from qicop.core.pagination import paginate
from qicop.indicators.network_indicators import permissions, selectors, services
from qicop.indicators.network_indicators.differences import names_for
from qicop.indicators.network_indicators.forms import MappingForm, NetworkIndicatorForm
from qicop.network import selectors as network_selectors
from qicop.network.selectors import country_in_network


def _coordinators(network):
    return selectors.coordinators_of(network)


@login_required
def indicator_list(request, slug):
    viewer, network = network_selectors.network_page(request.user, slug)
    countries = selectors.network_countries(network)
    page = paginate(request, selectors.indicators_of_network(network))
    return render(
        request,
        "indicators/network_indicators/list.html",
        {
            "network": network,
            "page": page,
            "rows": selectors.indicator_rows(page, countries),
            "countries": countries,
            "may_define": permissions.may_define(viewer, network),
            "may_map_any": bool(
                permissions.mappable_countries(request.user, viewer, network, [c.pk for c in countries])
            ),
            "coordinators": _coordinators(network),
        },
    )


def _definer(request, slug):
    viewer, network = network_selectors.network_page(request.user, slug)
    if not permissions.may_define(viewer, network):
        raise PermissionDenied
    return viewer, network


@login_required
def indicator_create(request, slug):
    _viewer, network = _definer(request, slug)
    form = NetworkIndicatorForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.create_network_indicator(
                actor=request.user, network=network, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The indicator is defined. Now map each country's data to it, or ask the countries to."),
            )
            return redirect("indicators:network_indicator", slug=network.slug, code=indicator.code)
    return render(
        request,
        "indicators/network_indicators/form.html",
        {"network": network, "form": form, "indicator": None},
        status=400 if form.errors else 200,
    )


@login_required
def indicator_edit(request, slug, code):
    _viewer, network = _definer(request, slug)
    indicator = selectors.indicator_in_network(network, code)
    form = NetworkIndicatorForm(request.POST or None, network=network, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        services.update_network_indicator(actor=request.user, indicator=indicator, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("indicators:network_indicator", slug=network.slug, code=indicator.code)
    return render(
        request,
        "indicators/network_indicators/form.html",
        {"network": network, "form": form, "indicator": indicator},
        status=400 if form.errors else 200,
    )


@login_required
def indicator_detail(request, slug, code):
    viewer, network = network_selectors.network_page(request.user, slug)
    indicator = selectors.indicator_in_network(network, code)
    countries = selectors.network_countries(network)
    rows, differences = selectors.country_mappings(indicator, countries)
    mappable = permissions.mappable_countries(request.user, viewer, network, [c.pk for c in countries])
    return render(
        request,
        "indicators/network_indicators/detail.html",
        {
            "network": network,
            "indicator": indicator,
            "rows": rows,
            "differences": differences,
            "mappable": mappable,
            "may_define": permissions.may_define(viewer, network),
            "coordinators": _coordinators(network),
        },
    )


def _mapper(request, slug, code, iso2):
    viewer, network = network_selectors.network_page(request.user, slug)
    indicator = selectors.indicator_in_network(network, code)
    country = country_in_network(network, iso2)
    if not permissions.may_map(request.user, viewer, network, country.pk):
        raise PermissionDenied
    return network, indicator, country


@login_required
def mapping_edit(request, slug, code, iso2):
    network, indicator, country = _mapper(request, slug, code, iso2)
    mapping = selectors.mapping_of(indicator, country)
    search = request.GET.get("q", "").strip()[:100]
    form = MappingForm(request.POST or None, country=country, mapping=mapping, search=search)
    if request.method == "POST" and form.is_valid():
        numerator, denominator = form.cleaned_data["expressions"]
        try:
            services.map_indicator(
                actor=request.user,
                indicator=indicator,
                country=country,
                numerator=numerator,
                denominator=denominator,
                definition_differences=form.cleaned_data["definition_differences"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(country)s's mapping of “%(indicator)s” is saved.")
                % {"country": country.display_name, "indicator": indicator.name},
            )
            return redirect("indicators:network_indicator", slug=network.slug, code=indicator.code)
    kept = None
    if form.kept is not None:
        names = names_for([mapping])
        kept = (names.expression(form.kept[0]), names.expression(form.kept[1]))
    return render(
        request,
        "indicators/network_indicators/mapping_form.html",
        {
            "network": network,
            "indicator": indicator,
            "country": country,
            "mapping": mapping,
            "form": form,
            "search": search,
            "kept": kept,
        },
        status=400 if form.errors else 200,
    )


@login_required
def mapping_remove(request, slug, code, iso2):
    network, indicator, country = _mapper(request, slug, code, iso2)
    mapping = selectors.mapping_of(indicator, country)
    if mapping is None:
        return redirect("indicators:network_indicator", slug=network.slug, code=indicator.code)
    if request.method == "POST":
        services.unmap_indicator(actor=request.user, mapping=mapping)
        messages.success(
            request,
            _("%(country)s's mapping of “%(indicator)s” is removed.")
            % {"country": country.display_name, "indicator": indicator.name},
        )
        return redirect("indicators:network_indicator", slug=network.slug, code=indicator.code)
    return render(
        request,
        "indicators/network_indicators/mapping_remove.html",
        {"network": network, "indicator": indicator, "country": country},
    )


@login_required
def differences(request, slug):
    viewer, network = network_selectors.network_page(request.user, slug)
    countries = selectors.network_countries(network)
    page = paginate(request, selectors.indicators_of_network(network))
    rows = selectors.indicator_rows(page, countries)
    return render(
        request,
        "indicators/network_indicators/differences.html",
        {
            "network": network,
            "page": page,
            "rows": [row for row in rows if row.differences.count],
            "checked": len(rows),
            "mappable": permissions.mappable_countries(
                request.user, viewer, network, [c.pk for c in countries]
            ),
            "may_define": permissions.may_define(viewer, network),
        },
    )
