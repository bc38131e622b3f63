from django.contrib import admin

from eduboard.people.models import (
    Employment,
    PositionKind,
    Qualification,
    StaffMember,
    TrainingRecord,
    TrainingRequirement,
    Vacancy,
)


@admin.register(PositionKind)
class PositionKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_pedagogical"]


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "masked_code"]
    search_fields = ["last_name", "first_name"]


@admin.register(Employment)
class EmploymentAdmin(admin.ModelAdmin):
    list_display = ["staff_member", "institution", "position", "subject", "fte", "start_date", "end_date"]
    list_filter = ["position", "institution"]
    raw_id_fields = ["staff_member"]


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    list_display = ["institution", "position", "subject", "fte", "declared_on", "published_on", "filled_on"]
    list_filter = ["position"]


@admin.register(TrainingRequirement)
class TrainingRequirementAdmin(admin.ModelAdmin):
    list_display = ["name", "hours", "renewal_months", "applies_to"]


admin.site.register(Qualification)
admin.site.register(TrainingRecord)
