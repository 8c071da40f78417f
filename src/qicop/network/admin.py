from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from qicop.accounts.models import ApiToken, User
from qicop.network.admin_site import CoordinatorAdmin, is_coordinator
from qicop.network.models import Country, Invitation, Member, Membership, Network, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["network"]

    def has_view_permission(self, request, obj=None):
        return is_coordinator(request)

    def has_add_permission(self, request, obj=None):
        return is_coordinator(request)

    def has_change_permission(self, request, obj=None):
        return is_coordinator(request)

    def has_delete_permission(self, request, obj=None):
        return is_coordinator(request)


@admin.register(Network)
class NetworkAdmin(CoordinatorAdmin):
    network_path = "pk"
    list_display = ["name", "slug", "kind", "programme"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "programme"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["countries"]


@admin.register(Country)
class CountryAdmin(CoordinatorAdmin):
    list_display = ["name", "iso2", "iso3", "time_zone"]
    search_fields = ["name", "iso2", "iso3"]
    list_filter = [("networks", admin.RelatedOnlyFieldListFilter)]


@admin.register(Organisation)
class OrganisationAdmin(CoordinatorAdmin):
    list_display = ["name", "short_name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name"]
    list_select_related = ["country"]


@admin.register(Member)
class MemberAdmin(CoordinatorAdmin):
    network_path = "memberships__network"
    list_display = ["full_name", "title", "organisation", "country", "email"]
    list_filter = [
        "country",
        "memberships__role",
        ("memberships__network", admin.RelatedOnlyFieldListFilter),
        "organisation__kind",
    ]
    search_fields = ["full_name", "title", "user__email", "organisation__name"]
    list_select_related = ["country", "organisation", "user"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]
    inlines = [MembershipInline]

    @admin.display(description=_("e-mail address"), ordering="user__email")
    def email(self, obj):
        return obj.user.email


@admin.register(Invitation)
class InvitationAdmin(CoordinatorAdmin):
    network_path = "network"
    list_display = [
        "email",
        "full_name",
        "network",
        "country",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
    ]
    list_filter = [("network", admin.RelatedOnlyFieldListFilter), "role", "country"]
    search_fields = ["email", "full_name"]
    list_select_related = ["network", "country"]
    readonly_fields = ["nonce", "invited_by", "accepted_at", "accepted_by", "revoked_at"]

    def has_add_permission(self, request):
        return False  # invitations are sent from the network's invitations page, which sends the e-mail


# Accounts are administered here, by coordinators (the admin site's rule lives in network): accounts
# itself knows no network.
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
