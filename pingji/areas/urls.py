from django.urls import path

from . import public, views, views_more

app_name = "areas"
urlpatterns = [
    path("", views.RiskAreaListView.as_view(), name="area_list"),
    path("new/", views.DesignateView.as_view(), name="area_create"),
    path("<int:pk>/", views.RiskAreaDetailView.as_view(), name="area_detail"),
    path("<int:pk>/propose/", views.ProposeView.as_view(), name="area_propose"),
    path("transitions/", views.TransitionListView.as_view(), name="transition_list"),
    path("transitions/<int:pk>/", views.TransitionDetailView.as_view(), name="transition_detail"),
    path("transitions/<int:pk>/approve/", views.ApproveView.as_view(), name="transition_approve"),
    path("transitions/<int:pk>/reject/", views.RejectView.as_view(), name="transition_reject"),
    path("publish/", views.PublishView.as_view(), name="publish"),
    path("publications/", views.PublicationListView.as_view(), name="publication_list"),
    path(
        "publications/<int:pk>/",
        views.PublicationDetailView.as_view(),
        name="publication_detail",
    ),
    path("evaluations/", views.EvaluationListView.as_view(), name="evaluation_list"),
    path("evaluate/", views.EvaluateView.as_view(), name="evaluate"),
    path("checkpoints/", views_more.CheckpointListView.as_view(), name="checkpoint_list"),
    path("checkpoints/new/", views_more.CheckpointCreateView.as_view(), name="checkpoint_create"),
    path(
        "checkpoints/<int:pk>/",
        views_more.CheckpointDetailView.as_view(),
        name="checkpoint_detail",
    ),
    path(
        "checkpoints/<int:pk>/days/", views_more.CheckpointDayView.as_view(), name="checkpoint_day"
    ),
    path(
        "checkpoints/<int:pk>/plan/",
        views_more.LiftingStepCreateView.as_view(),
        name="checkpoint_plan",
    ),
    path("steps/<int:pk>/take/", views_more.TakeStepView.as_view(), name="step_take"),
    path("indicator/", views_more.indicator, name="indicator"),
    path("map/", views_more.map_page, name="map"),
    path("map/data/", views_more.map_data, name="map_data"),
    path("public/", public.current, name="public"),
    path("public/archive/", public.archive, name="public_archive"),
    path("public/<int:pk>/", public.publication, name="public_publication"),
    path("public/export.xlsx", public.export, name="public_export"),
]
