"""The merge tool's page: choose the duplicate record of this person and merge it in."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pingji.core.forms import add_action_errors
from pingji.core.views.base import ScopedActionView

from ..actions.merge import do_merge_persons
from ..forms import MergeForm
from ..models import Person


class PersonMergeView(ScopedActionView):
    model = Person
    action = "change"

    def get(self, request, pk):
        keep = self.get_object()
        return self.page(keep, MergeForm(keep=keep, user=request.user))

    def page(self, keep, form, status=200):
        return render(
            request=self.request,
            template_name="people/person_merge.html",
            context={"object": keep, "form": form},
            status=status,
        )

    def post(self, request, pk):
        keep = self.get_object()
        form = MergeForm(request.POST, keep=keep, user=request.user)
        if form.is_valid():
            try:
                moved = do_merge_persons(keep, form.cleaned_data["duplicate"], actor=request.user)
            except PermissionDenied as exc:
                raise Http404 from exc
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Merged: %(n)d record(s) moved to this person.") % {"n": sum(moved.values())},
                )
                return redirect(keep)
        return self.page(keep, form, status=400)
