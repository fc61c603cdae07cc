from dashboards.indicator_urls import urlpatterns as indicator_patterns

app_name = "dashboards"
urlpatterns = [] + indicator_patterns
