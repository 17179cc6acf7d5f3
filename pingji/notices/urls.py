from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.NoticeListView.as_view(), name="notice_list"),
    path("<int:pk>/", views.NoticeDetailView.as_view(), name="notice_detail"),
    path("<int:pk>/revoke/", views.RevokeView.as_view(), name="notice_revoke"),
    path("<int:pk>/file.<str:ext>", views.NoticeFileView.as_view(), name="notice_file"),
    path("print/", views.BatchPrintView.as_view(), name="batch_print"),
    path("print/<int:job_id>/", views.BatchFileView.as_view(), name="batch_file"),
    path("v/<str:token>/", views.verify, name="verify"),
]
