"""Pages for households: the list with member counts, a household's page, and the form.

Every page reads through ``restrict`` (outside the user's area is 404) and every write goes
through ``actions``; a role without the needed permission gets 403.
"""

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingji.core.views.base import ActionFormView, ScopedDetailView, ScopedListView

from ..actions.households import do_create_household
from ..filtersets import HouseholdFilterSet
from ..forms import HouseholdForm
from ..models import HOUSEHOLD_ORDER, Household, Person
from ..tables import HouseholdTable


class HouseholdListView(ScopedListView):
    model = Household
    table = HouseholdTable
    select_related = ("jurisdiction", "place")
    filterset_class = HouseholdFilterSet
    template_name = "people/household_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(member_count=Count("members"))
            .order_by(*HOUSEHOLD_ORDER)
        )


class HouseholdDetailView(ScopedDetailView):
    model = Household
    template_name = "people/household_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        members = Person.objects.restrict(self.request.user, "view").filter(household=self.object)
        ctx["members"] = members.order_by("birth_date", "name")
        ctx["can_add"] = self.request.user.has_perm("people.add_person")
        return ctx


class HouseholdCreateView(ActionFormView):
    form_class = HouseholdForm
    template_name = "people/form.html"
    permission_required = "people.add_household"
    title = gettext_lazy("New household")
    cancel_url_name = "people:household_list"

    def get_initial(self):
        place = self.request.GET.get("place", "")
        return {"place": place} if place.isdigit() else {}

    def act(self, data):
        return do_create_household(data["place"], data["address"], actor=self.request.user)

    def success_text(self, household):
        return _("Saved %(name)s.") % {"name": household.address}
