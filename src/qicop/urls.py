from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from qicop.api.main import api
from qicop.core import views as core_views

urlpatterns = [
    path("", include("qicop.core.urls")),
    path("", include("qicop.portal.urls")),
    path("accounts/", include("qicop.accounts.urls")),
    path("", include("qicop.network.urls")),
    path("", include("qicop.indicators.urls")),
    path("", include("qicop.exchange.urls")),
    path("", include("qicop.dashboards.urls")),
    path("", include("qicop.meetings.urls")),
    path("", include("qicop.knowledge.urls")),
    path("", include("qicop.improvement.urls")),
    path("", include("qicop.programmes.urls")),
    path("", include("qicop.mailin.urls")),
    path("", include("qicop.deviance.urls")),
    path("api/v1/", api.urls),
    path("api/", include("qicop.api.urls")),
    path("admin/", admin.site.urls),
]

if settings.QICOP_OBJECT_STORAGE is not None:
    # Photos in object storage (several servers): qicop hands them out, so that no page links to the bucket.
    urlpatterns += [re_path(r"^media/(?P<path>.+)$", core_views.media, name="media")]
elif settings.DEBUG or settings.DEMO_MODE:
    # Uploaded photos; a production server serves MEDIA_ROOT itself.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]

# Pages answer HTML; each API under /api/ answers its errors in its own format (qicop.api.errors).
handler400 = "qicop.api.errors.bad_request"
handler403 = "qicop.api.errors.permission_denied"
handler404 = "qicop.api.errors.page_not_found"
handler500 = "qicop.api.errors.server_error"
