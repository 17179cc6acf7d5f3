"""Reviews with their timeline, and the supervision view of a commander."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from pingji.core.forms import add_action_errors
from pingji.core.views.base import (
    ActionFormView,
    ScopedActionView,
    ScopedDetailView,
    ScopedListView,
    focus_code,
)

from ..actions.reviews import do_add_improvement, do_create_review
from ..forms import ImprovementForm, ReviewForm
from ..models import Review, Task
from ..reviews import kind_totals, timeline
from ..supervision import supervise
from ..tables import ReviewTable
from .orders import focus_of


class ReviewListView(ScopedListView):
    model = Review
    table = ReviewTable
    template_name = "tasks/review_list.html"
    select_related = ("jurisdiction",)


def review_context(request, review, form=None) -> dict:
    days = timeline(review)
    return {
        "object": review,
        "review": review,
        "days": days,
        "totals": kind_totals(days),
        "improvements": review.tasks().select_related("jurisdiction").order_by("deadline"),
        "improvement_form": form
        or (
            ImprovementForm(user=request.user, review=review)
            if request.user.has_perm("tasks.change_review")
            else None
        ),
    }


class ReviewDetailView(ScopedDetailView):
    model = Review
    template_name = "tasks/review_detail.html"

    def get_context_data(self, **kwargs):
        return review_context(self.request, self.object)


class ReviewCreateView(ActionFormView):
    permission_required = "tasks.add_review"
    form_class = ReviewForm
    template_name = "tasks/review_form.html"
    success_message = gettext_lazy("Review opened.")
    scoped_form = False

    def act(self, data):
        return do_create_review(
            actor=self.request.user, jurisdiction=focus_of(self.request), **data
        )


class ImprovementCreateView(ScopedActionView):
    """An improvement item of a review, issued as a task to a level below."""

    model = Review
    action = "change"

    def post(self, request, pk):
        review = self.get_object()
        form = ImprovementForm(request.POST, user=request.user, review=review)
        if form.is_valid():
            try:
                do_add_improvement(review, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_action_errors(form, exc)
            except PermissionDenied as exc:
                raise Http404 from exc
            else:
                messages.success(request, _("Improvement item issued."))
                return redirect(review)
        ctx = review_context(request, review, form)
        return render(request, "tasks/review_detail.html", ctx, status=400)


class SupervisionView(LoginRequiredMixin, generic.TemplateView):
    """督办: every open item below the focus, by owner one level down, overdue first, the trend."""

    template_name = "tasks/supervision.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        visible = Task.objects.restrict(user)
        if not user.has_perm("tasks.view_task"):
            raise PermissionDenied
        ctx["view"] = supervise(focus_code(self.request), tasks=visible)
        ctx["place"] = focus_of(self.request)
        ctx["peak"] = max([1, *(max(d["opened"], d["closed"]) for d in ctx["view"].trend)])
        return ctx
