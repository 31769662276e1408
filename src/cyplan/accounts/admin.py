from django.contrib import admin

from cyplan.accounts.models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "is_example"]
    list_filter = ["role", "is_example"]
    filter_horizontal = ["boards"]
