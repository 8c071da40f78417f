"""Pages of a country's DHIS2 connection, in the network's Data area."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core.forms import add_service_errors
from qicop.core.pagination import paginate
from qicop.exchange import selectors, services
from qicop.exchange.forms import ConnectionForm
from qicop.exchange.remote import RemoteError
from qicop.network import permissions as network_permissions
from qicop.network import selectors as network_selectors


@login_required
def connection_list(request, slug):
    viewer, network = network_selectors.network_page(request.user, slug)
    countries = selectors.manageable_countries(viewer, network)
    if not countries:
        raise PermissionDenied
    return render(request, "exchange/connection_list.html", {"network": network, "countries": countries})


def _detail(request, network, country, connection, *, test=None, test_error="", status=200):
    viewer = network_permissions.viewer_for(request.user)
    page = paginate(request, selectors.pulls_of(connection)) if connection else None
    return render(
        request,
        "exchange/connection_detail.html",
        {
            "network": network,
            "country": country,
            "connection": connection,
            "page": page,
            "sees_every_import": viewer.is_coordinator_anywhere(),
            "test": test,
            "test_error": test_error,
        },
        status=status,
    )


@login_required
def connection_detail(request, slug, iso2):
    viewer, network = network_selectors.network_page(request.user, slug)
    country, connection = selectors.country_for_connection(viewer, network, iso2)
    return _detail(request, network, country, connection)


@login_required
def connection_edit(request, slug, iso2):
    viewer, network = network_selectors.network_page(request.user, slug)
    country, connection = selectors.country_for_connection(viewer, network, iso2)
    owners = selectors.possible_owners(country)
    initial = {}
    if connection is not None:
        initial = {name: getattr(connection, name) for name in ConnectionForm.base_fields if name != "token"}
        initial["owner"] = connection.owner_id
    elif request.user in owners:
        initial["owner"] = request.user.pk
    form = ConnectionForm(
        request.POST or None,
        initial=initial,
        owners=owners,
        token_hint=connection.token_hint if connection else "",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_connection(
                actor=request.user, network=network, country=country, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The DHIS2 connection of %(country)s is saved.") % {"country": country.display_name},
            )
            return redirect("exchange:connection_detail", slug=network.slug, iso2=country.iso2)
    return render(
        request,
        "exchange/connection_form.html",
        {"network": network, "country": country, "connection": connection, "form": form, "owners": owners},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def connection_test(request, slug, iso2):
    viewer, network = network_selectors.network_page(request.user, slug)
    country, connection = selectors.country_for_connection(viewer, network, iso2)
    if connection is None:
        return redirect("exchange:connection_edit", slug=network.slug, iso2=country.iso2)
    try:
        info = services.test_connection(actor=request.user, network=network, connection=connection)
    except RemoteError as error:
        return _detail(request, network, country, connection, test_error=str(error))
    return _detail(request, network, country, connection, test=info)


@login_required
@require_POST
def pull_now(request, slug, iso2):
    viewer, network = network_selectors.network_page(request.user, slug)
    country, connection = selectors.country_for_connection(viewer, network, iso2)
    if connection is None:
        return redirect("exchange:connection_edit", slug=network.slug, iso2=country.iso2)
    try:
        services.request_pull(actor=request.user, network=network, connection=connection)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The pull is queued; its result appears below when it is done."))
    return redirect("exchange:connection_detail", slug=network.slug, iso2=country.iso2)
