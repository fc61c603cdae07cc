from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

admin.site.site_header = _("知识产权规划指标监测平台 · 系统管理")
admin.site.site_title = _("ipops 系统管理")
admin.site.index_title = _("系统管理")
admin.site.enable_nav_sidebar = False  # the pages need the width at 1366 px

urlpatterns = [
    path("", include("plans.urls")),
    path("", include("indicators.urls")),
    path("", include("tasks.urls")),
    path("", include("reporting.urls")),
    path("", include("reporting.round_urls")),
    path("", include("dashboards.urls")),
    path("", include("reports.urls")),
    path("accounts/", include("accounts.auth_urls")),
    path("accounts/", include("accounts.urls")),
    # The language switch works before logging in too (it is on the login page).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
