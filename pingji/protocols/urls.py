from django.urls import path
from django.views.generic import TemplateView

app_name = "protocols"
urlpatterns = [path("", TemplateView.as_view(template_name="base.html"), name="protocol_list")]  # replaced by the app
