from django.contrib import admin

from budgets.models import LedgerEntry
from workflows.admin import ViewOnlyAdmin


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ViewOnlyAdmin):
    list_display = ["entry_on", "budget", "kind", "amount", "description", "created_by"]
    list_filter = ["kind", "category"]
    list_select_related = ["budget__child", "created_by"]
    readonly_fields = [field.name for field in LedgerEntry._meta.fields]
