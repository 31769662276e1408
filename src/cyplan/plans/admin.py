from django.contrib import admin

from cyplan.plans import models as m


class LeadInline(admin.TabularInline):
    model = m.Lead
    extra = 0


@admin.register(m.Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "area", "status", "period_start", "period_end"]
    list_filter = ["status", "area"]
    search_fields = ["title", "slug"]


@admin.register(m.PlanNode)
class PlanNodeAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "number", "title", "plan", "target_date"]
    list_filter = ["plan", "kind"]
    search_fields = ["key", "title", "text"]
    inlines = [LeadInline]
    raw_id_fields = ["parent"]


for model in (m.Area, m.Organisation, m.Board, m.Strategy, m.Promise, m.KeyFigure, m.PlanLink):
    admin.site.register(model)
