from django.urls import path

from .views import areas, checkpoints, measures, public, situation

app_name = "areas"
urlpatterns = [
    path("", areas.RiskAreaListView.as_view(), name="area_list"),
    path("new/", areas.DesignateView.as_view(), name="area_create"),
    path("<int:pk>/", areas.RiskAreaDetailView.as_view(), name="area_detail"),
    path("<int:pk>/propose/", areas.ProposeView.as_view(), name="area_propose"),
    path("transitions/", areas.TransitionListView.as_view(), name="transition_list"),
    path("transitions/<int:pk>/", areas.TransitionDetailView.as_view(), name="transition_detail"),
    path("transitions/<int:pk>/approve/", areas.ApproveView.as_view(), name="transition_approve"),
    path("transitions/<int:pk>/reject/", areas.RejectView.as_view(), name="transition_reject"),
    path("publish/", areas.PublishView.as_view(), name="publish"),
    path("publications/", areas.PublicationListView.as_view(), name="publication_list"),
    path(
        "publications/<int:pk>/",
        areas.PublicationDetailView.as_view(),
        name="publication_detail",
    ),
    path("evaluations/", areas.EvaluationListView.as_view(), name="evaluation_list"),
    path("evaluate/", areas.EvaluateView.as_view(), name="evaluate"),
    path("checkpoints/", checkpoints.CheckpointListView.as_view(), name="checkpoint_list"),
    path("checkpoints/new/", checkpoints.CheckpointCreateView.as_view(), name="checkpoint_create"),
    path(
        "checkpoints/<int:pk>/",
        checkpoints.CheckpointDetailView.as_view(),
        name="checkpoint_detail",
    ),
    path(
        "checkpoints/<int:pk>/days/", checkpoints.CheckpointDayView.as_view(), name="checkpoint_day"
    ),
    path(
        "checkpoints/<int:pk>/plan/",
        checkpoints.LiftingStepCreateView.as_view(),
        name="checkpoint_plan",
    ),
    path("steps/<int:pk>/take/", checkpoints.TakeStepView.as_view(), name="step_take"),
    path("measures/", measures.MeasureListView.as_view(), name="measure_list"),
    path("measures/new/", measures.MeasureCreateView.as_view(), name="measure_create"),
    path("measures/<int:pk>/", measures.MeasureDetailView.as_view(), name="measure_detail"),
    path(
        "measures/<int:pk>/propose/",
        measures.MeasureProposeView.as_view(),
        name="measure_propose",
    ),
    path(
        "measures/changes/",
        measures.MeasureChangeListView.as_view(),
        name="measure_change_list",
    ),
    path(
        "measures/changes/<int:pk>/",
        measures.MeasureChangeDetailView.as_view(),
        name="measure_change_detail",
    ),
    path(
        "measures/changes/<int:pk>/approve/",
        measures.ApproveView.as_view(),
        name="measure_change_approve",
    ),
    path(
        "measures/changes/<int:pk>/reject/",
        measures.RejectView.as_view(),
        name="measure_change_reject",
    ),
    path("indicator/", situation.indicator, name="indicator"),
    path("map/", situation.map_page, name="map"),
    path("map/data/", situation.map_data, name="map_data"),
    path("public/", public.current, name="public"),
    path("public/archive/", public.archive, name="public_archive"),
    path("public/<int:pk>/", public.publication, name="public_publication"),
    path("public/export.xlsx", public.export, name="public_export"),
]
