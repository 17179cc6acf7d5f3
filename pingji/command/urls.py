from django.urls import path
from django.views.generic import TemplateView

app_name = "command"
urlpatterns = [path("", TemplateView.as_view(template_name="base.html"), name="mode_list")]  # replaced by the app
