from django.contrib import admin

from cyplan.accounts.models import ApiToken, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "is_example"]
    list_filter = ["role", "is_example"]
    filter_horizontal = ["boards"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_on", "last_used_on", "revoked_on"]
    readonly_fields = ["prefix", "digest", "created_on", "last_used_on"]
