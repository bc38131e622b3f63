from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from eduboard.core.admin import register_translated
from eduboard.registry.models import Institution, PriorityGround


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "registration_number"]
    list_filter = ["type"]
    search_fields = ["name", "short_name", "registration_number"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "type", "registration_number", "address", "founder"]}),
        # The name in the cases the reports' sentences need: suggested from the name when left blank.
        (_("The name in sentences"), {"fields": ["name_genitive", "name_dative", "name_locative"]}),
        (
            _("Opening and closing"),
            {
                "fields": [
                    "opened_on",
                    "closed_on",
                    "joined_to",
                    "reorganisation_note",
                    "reorganisation_note_en",
                    "reorganisation_note_ru",
                ]
            },
        ),
    ]


register_translated(PriorityGround)
