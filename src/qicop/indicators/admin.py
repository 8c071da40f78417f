from django.contrib import admin

from qicop.indicators.data_versions import bump_every_data_version
from qicop.indicators.models import (
    CategoryOptionCombo,
    DataElement,
    DataImport,
    DataSet,
    Indicator,
    IndicatorMapping,
    NetworkIndicator,
    OrgUnit,
    Publication,
)
from qicop.network.admin_site import CoordinatorAdmin


class ChangesDashboards(CoordinatorAdmin):
    """What the dashboards show: a change here gives every country a new data version (data_versions.py), in
    the admin's transaction, so that no page keeps showing what was before."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_every_data_version()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_every_data_version()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_every_data_version()


@admin.register(OrgUnit)
class OrgUnitAdmin(ChangesDashboards):
    list_display = ["name", "uid", "code", "level", "country"]
    list_filter = ["country", "level"]
    search_fields = ["name", "uid", "code"]
    list_select_related = ["country"]
    raw_id_fields = ["parent"]


@admin.register(DataElement)
class DataElementAdmin(ChangesDashboards):
    list_display = ["name", "uid", "code", "value_type", "category_combo"]
    list_filter = ["value_type"]
    search_fields = ["name", "uid", "code"]
    list_select_related = ["category_combo"]


@admin.register(CategoryOptionCombo)
class CategoryOptionComboAdmin(ChangesDashboards):
    list_display = ["name", "uid", "code", "category_combo"]
    search_fields = ["name", "uid", "code"]
    list_select_related = ["category_combo"]


@admin.register(DataSet)
class DataSetAdmin(CoordinatorAdmin):
    list_display = ["name", "uid", "period_type", "open_future_periods"]
    search_fields = ["name", "uid", "code"]


@admin.register(Indicator)
class IndicatorAdmin(ChangesDashboards):
    list_display = ["name", "uid", "code", "factor", "country"]
    list_filter = ["country"]
    search_fields = ["name", "uid", "code"]


class MappingInline(admin.TabularInline):
    model = IndicatorMapping
    extra = 0


@admin.register(NetworkIndicator)
class NetworkIndicatorAdmin(ChangesDashboards):
    network_path = "network"
    list_display = ["name", "code", "network", "chart_kind", "improvement", "target", "order"]
    list_filter = [("network", admin.RelatedOnlyFieldListFilter), "chart_kind", "topic"]
    search_fields = ["name", "code"]
    inlines = [MappingInline]


@admin.register(DataImport)
class DataImportAdmin(CoordinatorAdmin):
    list_display = ["created_at", "user", "filename", "format", "status", "rows_read"]
    list_filter = ["status", "format"]
    search_fields = ["filename", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["summary"]


@admin.register(Publication)
class PublicationAdmin(ChangesDashboards):
    list_display = ["country", "period", "published_by", "published_at"]
    list_filter = ["country"]
    list_select_related = ["country", "period", "published_by"]
