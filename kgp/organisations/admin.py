from django.contrib import admin

from .models import Municipality, Organisation, PostcodeRange


class PostcodeRangeInline(admin.TabularInline):
    model = PostcodeRange
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "is_lead_partner"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "partner"]
    inlines = [PostcodeRangeInline]
