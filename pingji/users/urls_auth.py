"""Login steps and one's own password, at the site's root (beside ``login/`` and ``logout/``)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views_auth

urlpatterns = [
    path("login/otp/", views_auth.OTPVerifyView.as_view(), name="otp_verify"),
    path("password/", views_auth.PasswordChangeView.as_view(), name="password_change"),
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
        views_auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "login/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
