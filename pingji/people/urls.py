from django.urls import path

from . import views, views_merge

app_name = "people"
urlpatterns = [
    path("", views.PersonListView.as_view(), name="person_list"),
    path("search/", views.PersonSearchView.as_view(), name="person_search"),
    path("persons/new/", views.PersonCreateView.as_view(), name="person_create"),
    path("persons/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("persons/<int:pk>/edit/", views.PersonUpdateView.as_view(), name="person_update"),
    path("persons/<int:pk>/reveal/", views.PersonRevealView.as_view(), name="person_reveal"),
    path("persons/<int:pk>/merge/", views_merge.PersonMergeView.as_view(), name="person_merge"),
    path("households/", views.HouseholdListView.as_view(), name="household_list"),
    path("households/new/", views.HouseholdCreateView.as_view(), name="household_create"),
    path("households/<int:pk>/", views.HouseholdDetailView.as_view(), name="household_detail"),
]
