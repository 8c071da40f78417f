from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from qicop.accounts.models import ApiToken, User
from qicop.network.admin_site import CoordinatorAdmin


@admin.register(User)
class UserAdmin(DjangoUserAdmin, CoordinatorAdmin):
    ordering = ["email"]
    list_display = ["email", "is_active", "is_staff", "language", "time_zone", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "language"]
    search_fields = ["email", "member__full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Preferences"), {"fields": ["language", "time_zone"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser hands out superuser or staff rights.
        return [] if request.user.is_superuser else ["is_staff", "is_superuser", "last_login", "date_joined"]


@admin.register(ApiToken)
class ApiTokenAdmin(CoordinatorAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__email", "prefix"]
    readonly_fields = ["user", "prefix", "token_hash", "created_at", "last_used_at"]
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False
