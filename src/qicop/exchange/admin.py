from django.contrib import admin

from qicop.exchange.models import Dhis2Connection, Pull
from qicop.network.admin_site import CoordinatorAdmin


@admin.register(Dhis2Connection)
class Dhis2ConnectionAdmin(CoordinatorAdmin):
    """Read and pause connections; the token is neither shown nor editable here (the Data pages set it)."""

    list_display = ["country", "base_url", "enabled", "last_success_at", "last_attempt_at"]
    list_filter = ["enabled"]
    list_select_related = ["country"]
    fields = ["country", "owner", "base_url", "data_set", "org_unit", "id_scheme", "enabled", "last_error"]
    readonly_fields = ["country", "owner", "base_url", "data_set", "org_unit", "id_scheme", "last_error"]

    def has_add_permission(self, request):
        return False


@admin.register(Pull)
class PullAdmin(CoordinatorAdmin):
    list_display = ["connection", "trigger", "status", "queued_at", "finished_at"]
    list_filter = ["status", "trigger"]
    list_select_related = ["connection__country"]
    readonly_fields = [f.name for f in Pull._meta.fields]

    def has_add_permission(self, request):
        return False
