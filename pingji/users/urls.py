from django.urls import path

from . import views, views_auth

app_name = "users"
urlpatterns = [
    path("", views.UserListView.as_view(), name="user_list"),
    path("new/", views.UserCreateView.as_view(), name="user_create"),
    path("refusals/", views_auth.RefusalListView.as_view(), name="refusal_list"),
    path("<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("<int:pk>/edit/", views.UserUpdateView.as_view(), name="user_update"),
    path("<int:pk>/password/", views.SetPasswordView.as_view(), name="user_password"),
]
