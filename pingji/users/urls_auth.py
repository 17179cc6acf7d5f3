"""Login steps and one's own password, at the site's root (beside ``login/`` and ``logout/``)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import perimeter

urlpatterns = [
    path("login/otp/", perimeter.OTPVerifyView.as_view(), name="otp_verify"),
    path("password/", perimeter.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("login/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "login/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "login/reset/<uidb64>/<token>/",
        perimeter.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "login/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
