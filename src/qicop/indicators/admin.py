from django.contrib import admin
from django.db.models import Q

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
from qicop.indicators.permissions import WriteScope
from qicop.indicators.selectors import imports_for_user
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


class ScopedAdmin(ChangesDashboards):
    """The admin of rows a country owns, under the one write rule (``permissions.WriteScope``): a
    coordinator lists and changes the rows of the countries of the networks they coordinate; with
    ``shared_metadata``, rows no country keeps are listed to every coordinator and changed only by those
    who may change what the countries share."""

    country_field = "country"
    shared_metadata = False

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        scope = WriteScope.of(request.user)
        if scope.countries is None:
            return rows
        mine = Q(**{f"{self.country_field}__in": scope.countries})
        if self.shared_metadata:
            mine |= Q(**{f"{self.country_field}__isnull": True})
        return rows.filter(mine)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        scope = WriteScope.of(request.user)
        kept_by = getattr(obj, f"{self.country_field}_id")
        return scope.may_change_metadata(kept_by) if self.shared_metadata else scope.writes_country(kept_by)


@admin.register(OrgUnit)
class OrgUnitAdmin(ScopedAdmin):
    list_display = ["name", "uid", "code", "level", "country"]
    list_filter = ["country", "level"]
    search_fields = ["name", "uid", "code"]
    list_select_related = ["country"]
    # Where an org unit sits (and so whose it is) changes through a metadata import, which checks the
    # country it leaves and the one it joins and moves its subtree along: here it is read only.
    readonly_fields = ["parent", "path", "level", "country"]

    def has_add_permission(self, request):
        return False  # org units come from DHIS2 metadata (the import places them in a country)


@admin.register(DataElement)
class DataElementAdmin(ScopedAdmin):
    shared_metadata = True
    readonly_fields = ["country"]
    list_display = ["name", "uid", "code", "value_type", "category_combo"]
    list_filter = ["value_type"]
    search_fields = ["name", "uid", "code"]
    list_select_related = ["category_combo"]


@admin.register(CategoryOptionCombo)
class CategoryOptionComboAdmin(ScopedAdmin):
    shared_metadata = True
    readonly_fields = ["country"]
    list_display = ["name", "uid", "code", "category_combo"]
    search_fields = ["name", "uid", "code"]
    list_select_related = ["category_combo"]


@admin.register(DataSet)
class DataSetAdmin(ScopedAdmin):
    shared_metadata = True
    readonly_fields = ["country"]
    list_display = ["name", "uid", "period_type", "open_future_periods"]
    search_fields = ["name", "uid", "code"]


@admin.register(Indicator)
class IndicatorAdmin(ScopedAdmin):
    shared_metadata = True
    readonly_fields = ["country"]
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
    def get_queryset(self, request):
        rows = super().get_queryset(request)
        return rows.filter(pk__in=imports_for_user(request.user, job_type=None).values("pk"))

    list_display = ["created_at", "user", "filename", "format", "status", "rows_read"]
    list_filter = ["status", "format"]
    search_fields = ["filename", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["summary"]


@admin.register(Publication)
class PublicationAdmin(ScopedAdmin):
    list_display = ["country", "period", "published_by", "published_at"]
    list_filter = ["country"]
    list_select_related = ["country", "period", "published_by"]
