"""Pages: the pushes received with the upload form, one push's report, the reconciliation.

Every page reads through ``restrict`` (another county's push: 404) and writes through actions.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pingji.core import clock

from .actions.decisions import do_decide_row
from .actions.instructions import do_build_feed
from .choices import Outcome
from .feed import balance, of_day
from .forms import DecideForm, PushForm
from .models import Instruction, Push, PushRow
from .receiving import receive_file
from .reconcile import summarise


def _refusal_text(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return exc.messages


@login_required
def push_list(request):
    """The pushes of the area, newest first, and the form that receives a file."""
    if not request.user.has_perm("health_codes.view_push"):
        raise PermissionDenied
    form = PushForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            push, new = receive_file(
                form.cleaned_data["kind"],
                form.cleaned_data["file"],
                actor=request.user,
                sender=form.cleaned_data["sender"],
            )
        except (ValidationError, PermissionDenied) as exc:
            for text in _refusal_text(exc) if isinstance(exc, ValidationError) else [str(exc)]:
                form.add_error(None, text)
        else:
            if not new:
                messages.info(request, _("This file was received before; nothing changed."))
            return redirect("health_codes:push_detail", pk=push.pk)
    pushes = Push.objects.restrict(request.user).order_by("-received_at", "-id")[:100]
    summaries = summarise(pushes, request.user)
    return render(request, "health_codes/push_list.html", {"form": form, "summaries": summaries})


@login_required
def push_detail(request, pk: int):
    """One push's report: counts by outcome and its rows, by outcome if asked."""
    push = get_object_or_404(Push.objects.restrict(request.user), pk=pk)
    rows = PushRow.objects.restrict(request.user).filter(push=push).order_by("line")
    outcome = request.GET.get("outcome", "")
    if outcome in Outcome.values:
        rows = rows.filter(outcome=outcome)
    page = Paginator(rows, 200).get_page(request.GET.get("page"))
    context = {
        "push": push,
        "summary": summarise([push], request.user)[0],
        "page": page,
        "outcomes": Outcome.choices,
        "outcome": outcome,
        "decide_form": DecideForm(user=request.user),
    }
    return render(request, "health_codes/push_detail.html", context)


@login_required
@require_POST
def decide(request, pk: int):
    row = get_object_or_404(PushRow.objects.restrict(request.user), pk=pk)
    form = DecideForm(request.POST, user=request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, str(text))
        return redirect("health_codes:push_detail", pk=row.push_id)
    try:
        do_decide_row(
            row,
            accept=form.cleaned_data["accept"],
            reason=form.cleaned_data["reason"],
            category=form.cleaned_data["category"],
            site=form.cleaned_data["site"],
            actor=request.user,
        )
    except ValidationError as exc:
        for text in _refusal_text(exc):
            messages.error(request, text)
    return redirect("health_codes:push_detail", pk=row.push_id)


@login_required
def reconciliation(request):
    """What each push became, with totals over the area."""
    if not request.user.has_perm("health_codes.view_push"):
        raise PermissionDenied
    pushes = Push.objects.restrict(request.user).order_by("-received_at", "-id")[:500]
    summaries = summarise(pushes, request.user)
    totals = {o: sum(s.counts.get(o, 0) for s in summaries) for o in Outcome.values}
    context = {
        "summaries": summaries,
        "outcomes": Outcome.choices,
        "totals": [totals[o] for o in Outcome.values],
        "placed": sum(s.placed for s in summaries),
    }
    return render(request, "health_codes/reconciliation.html", context)


@login_required
def instructions(request):
    """A day's code instructions with the balance of sent against acknowledged; a POST issues
    what the day's events imply and the feed does not hold yet (``do_build_feed``)."""
    if not request.user.has_perm("health_codes.view_instruction"):
        raise PermissionDenied
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", request.POST.get("day", "")))
    except ValueError:
        day = clock.today()
    if request.method == "POST":
        code = request.user.jurisdiction_id or ""
        try:
            issued = do_build_feed(day, code, actor=request.user)
        except ValidationError as exc:
            for text in _refusal_text(exc):
                messages.error(request, str(text))
        else:
            messages.success(request, _("%(n)d instructions issued for the day.") % {"n": issued})
        return redirect(f"{request.path}?day={day.isoformat()}")
    rows = Instruction.objects.restrict(request.user)
    page = Paginator(of_day(rows, day), 200).get_page(request.GET.get("page"))
    context = {
        "day": day,
        "page": page,
        "balance": balance(rows, day, limit=50),
        "may_build": request.user.has_perm("health_codes.add_instruction"),
    }
    return render(request, "health_codes/instructions.html", context)
