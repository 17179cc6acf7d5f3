from django.urls import path

from .views import accounts, perimeter

app_name = "users"
urlpatterns = [
    path("", accounts.UserListView.as_view(), name="user_list"),
    path("new/", accounts.UserCreateView.as_view(), name="user_create"),
    path("refusals/", perimeter.RefusalListView.as_view(), name="refusal_list"),
    path("<int:pk>/", accounts.UserDetailView.as_view(), name="user_detail"),
    path("<int:pk>/edit/", accounts.UserUpdateView.as_view(), name="user_update"),
    path("<int:pk>/password/", accounts.SetPasswordView.as_view(), name="user_password"),
]
