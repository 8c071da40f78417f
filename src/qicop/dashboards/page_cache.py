"""The dashboards' pages kept rendered, so that a page whose data has not changed costs a cache read.

The network dashboard, the chart page and the comparison change only with data. Each keeps the part of
its page that is the same for everyone who reads the same data — a fragment rendered without the request,
so that no CSRF token, user name or message can get into it — under a key made of:

- the page and its parameters (and the periods they cover, which the viewer's date decides);
- the language;
- what the viewer reads of the countries the page shows (indicators.permissions.ReadScope): everything,
  or every value of some of them and the published values of the others (all levels, or national totals
  only) — never the user, so that a network's members share entries;
- the data version of each of those countries (indicators/data_versions.py), and the network's own
  last change (its name is on the page).

An import into Kenya thus changes the key of every page that shows Kenya and of no other page: the next
request computes those afresh, and the others stay. The versions are read from the database on every
request, before the data, so the cache may be local to each server process (the default) or shared by
several servers (QICOP_PAGE_CACHE, see README.md): either way no process serves a page older than the
data it reads. The page's other parts (menu, forms, discussions) are rendered for each request.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from qicop.indicators.permissions import ReadScope
from qicop.network.models import Country

PAGE_CACHE = "pages"  # the cache alias (settings.CACHES)

#: the templates of the fragments kept: a shared cache never serves a fragment of another version of them
FRAGMENT_TEMPLATES = (
    "dashboards/_dashboard.html",
    "dashboards/_chart.html",
    "dashboards/_compare.html",
    "dashboards/_flagged.html",
    "dashboards/_flagged_points.html",
    "dashboards/_note_ref.html",
    "core/_form.html",
)


@dataclass(frozen=True)
class ShownCountry:
    pk: int
    iso2: str
    version: int | None  # None: nothing has changed its data since versions were kept


def network_countries(network) -> list[ShownCountry]:
    """The network's countries with their data versions, in one query. Read before the page's data."""
    rows = (
        Country.objects.filter(networks=network)
        .order_by("pk")
        .values_list("pk", "iso2", "data_version__token")
    )
    return [ShownCountry(*row) for row in rows]


def read_scope_key(user, country_ids: Iterable[int]) -> str:
    """What ``user`` reads of these countries, as a key that readers of the same data share."""
    scope = ReadScope(user)
    if scope.everything:
        return "everything"
    full = sorted(set(country_ids) & scope.countries)
    return f"all-of:{full},published:{int(scope.published)},national-only:{int(scope.national_only)}"


def page_key(user, page: str, *, network, countries: list[ShownCountry], params: tuple) -> str:
    """The key of ``page`` as ``user`` sees it with ``params``, showing ``countries`` of ``network``."""
    parts = (
        _code_version(),
        translation.get_language(),
        network.pk,
        network.updated_at.isoformat(),
        read_scope_key(user, (c.pk for c in countries)),
        [(c.pk, c.version) for c in countries],
        params,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"qicop:page:{page}:{digest}"


def fragment(key: str, render: Callable[[], str]) -> SafeString:
    """The fragment kept under ``key``, or ``render()``'s, kept for the next request.

    Within a process, one thread computes a missing page while the others that ask for it wait for its
    answer: after an import, sixteen readers of the dashboard cost one dashboard, not sixteen."""
    pages = caches[PAGE_CACHE]
    html = pages.get(key)
    if html is None:
        with _COMPUTING[int(key[-8:], 16) % len(_COMPUTING)]:
            html = pages.get(key)
            if html is None:
                html = render()
                pages.set(key, str(html), timeout=settings.QICOP_PAGE_CACHE_SECONDS)
    return mark_safe(html)  # rendered by our templates, which escape what they show


# A page's computation holds one of these (two pages may share one: they then wait for each other).
_COMPUTING = [threading.Lock() for _ in range(64)]


@cache
def _code_version() -> str:
    """qicop's version and its fragment templates' text: after an upgrade, a shared cache's fragments of
    the templates before are not served."""
    digest = hashlib.sha256(importlib.metadata.version("qicop").encode())
    for name in FRAGMENT_TEMPLATES:
        digest.update(get_template(name).template.source.encode())
    return digest.hexdigest()[:16]
