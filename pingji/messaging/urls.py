from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("", views.MessageListView.as_view(), name="message_list"),
    path("<int:pk>/", views.MessageDetailView.as_view(), name="message_detail"),
    path("<int:pk>/retry/", views.RetryView.as_view(), name="message_retry"),
    path("<int:pk>/opt-out/", views.OptOutView.as_view(), name="message_opt_out"),
    path("opt-outs/", views.OptOutListView.as_view(), name="optout_list"),
]
