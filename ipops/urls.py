from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "知识产权规划指标监测平台 · 系统管理"
admin.site.site_title = "ipops 系统管理"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", include("plans.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
