from django.urls import path  # noqa: F401

app_name = "health_codes"
urlpatterns: list = []
