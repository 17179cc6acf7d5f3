from django.urls import path
from rest_framework.routers import DefaultRouter

from . import receipts, views

router = DefaultRouter()
router.register("messages", views.MessageViewSet)
router.register("opt-outs", views.OptOutViewSet)
urlpatterns = [
    path("receipts/<str:gateway>/", receipts.receipts, name="messaging_receipts"),
    *router.urls,
]
