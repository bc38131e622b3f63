from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from eduboard.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    filter_horizontal = ["institutions"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Role", {"fields": ("role", "institutions")}),
    )
