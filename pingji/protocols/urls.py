from django.urls import path

from . import views

app_name = "protocols"
urlpatterns = [
    path("", views.ProtocolListView.as_view(), name="protocol_list"),
    path("in-force/", views.ProtocolInForceView.as_view(), name="protocol_in_force"),
    path("<int:pk>/", views.ProtocolDetailView.as_view(), name="protocol_detail"),
    path("<int:pk>/copy/", views.ProtocolCopyView.as_view(), name="protocol_copy"),
    path("<int:pk>/amend/", views.ProtocolAmendView.as_view(), name="protocol_amend"),
]
