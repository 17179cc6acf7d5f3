from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [
    path("stores/", views.StoreListView.as_view(), name="store_list"),
    path("stores/<int:pk>/", views.StoreDetailView.as_view(), name="store_detail"),
    path("stores/<int:pk>/receive/", views.ReceiveView.as_view(), name="store_receive"),
    path("stores/<int:pk>/issue/", views.IssueView.as_view(), name="store_issue"),
    path("stores/<int:pk>/transfer/", views.TransferView.as_view(), name="store_transfer"),
    path("reserves/", views.ReservesView.as_view(), name="reserves"),
    path("facilities/", views.FacilityListView.as_view(), name="facility_list"),
    path("facilities/<int:pk>/", views.FacilityDetailView.as_view(), name="facility_detail"),
    path("workforce/", views.WorkforceListView.as_view(), name="workforce_list"),
]
