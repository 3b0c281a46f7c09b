from django.contrib import admin

from casework.models import AccessLog
from workflows.admin import ViewOnlyAdmin


@admin.register(AccessLog)
class AccessLogAdmin(ViewOnlyAdmin):
    list_display = ["at", "user", "child", "record_type", "record_id", "via"]
    list_filter = ["via", "record_type"]
    list_select_related = ["user", "child"]
    readonly_fields = [field.name for field in AccessLog._meta.fields]
