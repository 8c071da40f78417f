from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _

from qicop.network import permissions


class QicopAdminSite(admin.AdminSite):
    """The administration site, open to network coordinators as well as superusers."""

    site_header = _("qicop administration")
    site_title = _("qicop administration")
    index_title = _("Registry")

    def has_permission(self, request):
        return is_coordinator(request)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def refuse_signed_in_non_coordinators(request, *args, **kwargs):
            # Django would send them to the admin's sign-in page, which sends signed-in people back: a loop.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return refuse_signed_in_non_coordinators

    def login(self, request, extra_context=None):
        # One sign-in page for everybody; it sends coordinators back here.
        return redirect_to_login(request.GET.get("next") or request.path, resolve_url("accounts:login"))


def is_coordinator(request) -> bool:
    return request.user.is_active and permissions.can_use_admin(permissions.viewer_for(request.user))


class CoordinatorAdmin(admin.ModelAdmin):
    """Model admin whose rights follow the network roles rather than Django's per-model permissions.

    ``network_path`` names the lookup from the model to its network (e.g. ``"network"``,
    ``"meeting__network"``): a coordinator then sees and chooses only rows of the networks they
    coordinate; superusers see everything. Models shared by all networks leave it unset.
    """

    network_path: str | None = None

    def coordinated_network_ids(self, request) -> list[int]:
        viewer = permissions.viewer_for(request.user)
        return [n for n in viewer.network_ids() if viewer.is_coordinator(n)]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if self.network_path is None or request.user.is_superuser:
            return rows
        rows = rows.filter(**{f"{self.network_path}__in": self.coordinated_network_ids(request)})
        return rows.distinct() if "__" in self.network_path else rows

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "network" and not request.user.is_superuser:
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(
                pk__in=self.coordinated_network_ids(request)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return is_coordinator(request)

    def has_view_permission(self, request, obj=None):
        return is_coordinator(request)

    def has_add_permission(self, request):
        return is_coordinator(request)

    def has_change_permission(self, request, obj=None):
        return is_coordinator(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
