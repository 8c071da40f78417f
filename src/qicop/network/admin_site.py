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
    """Model admin whose rights follow the network roles rather than Django's per-model permissions."""

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
