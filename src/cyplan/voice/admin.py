"""Only the themes are managed in the Django admin. Feedback and responses are not registered,
so that the admin cannot be used to read an item flagged for safeguarding (see ADR 0003)."""

from django.contrib import admin

from cyplan.voice.models import Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}
