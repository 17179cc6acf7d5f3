from django.urls import path

from . import views

app_name = "health_codes"
urlpatterns = [
    path("pushes/", views.push_list, name="push_list"),
    path("pushes/<int:pk>/", views.push_detail, name="push_detail"),
    path("rows/<int:pk>/decide/", views.decide, name="decide"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("instructions/", views.instructions, name="instructions"),
]
