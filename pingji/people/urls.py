from django.urls import path

from .views import households, merge, persons

app_name = "people"
urlpatterns = [
    path("", persons.PersonListView.as_view(), name="person_list"),
    path("search/", persons.PersonSearchView.as_view(), name="person_search"),
    path("persons/new/", persons.PersonCreateView.as_view(), name="person_create"),
    path("persons/<int:pk>/", persons.PersonDetailView.as_view(), name="person_detail"),
    path("persons/<int:pk>/edit/", persons.PersonUpdateView.as_view(), name="person_update"),
    path("persons/<int:pk>/reveal/", persons.PersonRevealView.as_view(), name="person_reveal"),
    path("persons/<int:pk>/merge/", merge.PersonMergeView.as_view(), name="person_merge"),
    path("households/", households.HouseholdListView.as_view(), name="household_list"),
    path("households/new/", households.HouseholdCreateView.as_view(), name="household_create"),
    path("households/<int:pk>/", households.HouseholdDetailView.as_view(), name="household_detail"),
]
