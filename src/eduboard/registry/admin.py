from django.contrib import admin

from eduboard.core.admin import register_translated
from eduboard.registry.models import Institution, PriorityGround


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "registration_number"]
    list_filter = ["type"]
    search_fields = ["name", "short_name", "registration_number"]


register_translated(PriorityGround)
