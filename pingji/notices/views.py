"""Notices pages: the scoped list, a notice with its files and revocation, batch printing, and
the public verification page (the only one without a login).

Every page but the last reads through ``restrict``: another county's notice is a 404 like one
that does not exist. The verification page answers a token only (decision 0043 point 4): an
unknown or malformed one, a notice number included, is the same bare 404.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic
from django.views.decorators.http import require_GET

from pingji.core.jobs import enqueue
from pingji.core.views.base import FormStepView, ScopedDetailView, ScopedListView

from . import docx, pdf, printing, verification
from .actions.revoking import do_revoke_notice
from .filtersets import NoticeFilterSet
from .forms import BatchForm, RevokeForm
from .models import Notice
from .tables import NoticeTable

FILES = {
    "pdf": ("application/pdf", pdf.render),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        docx.render,
    ),
}


class NoticeListView(ScopedListView):
    model = Notice
    table = NoticeTable
    filterset_class = NoticeFilterSet
    select_related = ("jurisdiction",)
    template_name = "notices/notice_list.html"


def detail_context(request, notice, revoke_form=None) -> dict:
    can_revoke = notice.is_valid and request.user.has_perm("notices.change_notice")
    return {
        "object": notice,
        "content": notice.content,
        "verify_url": verification.absolute_url(notice, request),
        "revoke_form": (revoke_form or RevokeForm()) if can_revoke else None,
    }


class NoticeDetailView(ScopedDetailView):
    model = Notice
    template_name = "notices/notice_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("issuer", "jurisdiction", "superseded_by")

    def get_context_data(self, **kwargs):
        return detail_context(self.request, self.object)


class NoticeFileView(ScopedDetailView):
    """The notice rendered now from what it stored: ``pdf`` or ``docx``."""

    model = Notice

    def get(self, request, pk, ext):
        if ext not in FILES:
            raise Http404
        notice = self.get_queryset().select_related("superseded_by").filter(pk=pk).first()
        if notice is None:
            raise Http404
        return file_response(notice, ext, verification.absolute_url(notice, request))


def file_response(notice: Notice, ext: str, url: str) -> HttpResponse:
    content_type, render_file = FILES[ext]
    response = HttpResponse(render_file(notice, url), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="notice-{notice.pk}.{ext}"'
    return response


class RevokeView(PermissionRequiredMixin, FormStepView):
    model = Notice
    action = "change"
    permission_required = "notices.change_notice"
    success_message = gettext_lazy("The notice was revoked.")

    def make_form(self, data, files):
        return RevokeForm(data)

    def perform(self, obj, form):
        do_revoke_notice(obj, self.request.user, form.cleaned_data["reason"])

    def render_invalid(self, obj, form):
        return render(
            self.request,
            "notices/notice_detail.html",
            detail_context(self.request, obj, form),
            status=400,
        )


class BatchPrintView(LoginRequiredMixin, PermissionRequiredMixin, generic.View):
    """One PDF of the valid notices of a kind for a grid or an area: in the request when small,
    else as a job whose page links the file when done."""

    permission_required = "notices.view_notice"
    template_name = "notices/batch_print.html"

    def get(self, request):
        form = BatchForm(request.GET or None)
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = BatchForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        kind, grid, area = (form.cleaned_data[k] for k in ("kind", "grid", "area"))
        try:
            rows = printing.batch(request.user, kind, grid or "", area)
        except ValidationError as exc:
            form.add_error(None, exc)
            return render(request, self.template_name, {"form": form}, status=400)
        count = rows.count()
        if count == 0:
            form.add_error(None, _("No valid notice of this kind here."))
            return render(request, self.template_name, {"form": form}, status=404)
        if count <= printing.SYNC_LIMIT:
            response = HttpResponse(
                printing.render_batch(rows, request), content_type="application/pdf"
            )
            response["Content-Disposition"] = f'attachment; filename="notices-{kind}.pdf"'
            return response
        row = enqueue(
            "notices.print",
            {"kind": kind, "grid": grid or "", "area": area},
            actor=request.user,
        )
        messages.info(request, _("%(n)d notices are being rendered.") % {"n": count})
        return redirect(reverse("notices:batch_file", args=[row.pk]))


class BatchFileView(LoginRequiredMixin, generic.View):
    """A batch job's PDF, for whoever asked for it; while it runs, a page that says so."""

    def get(self, request, job_id):
        from pingji.core.choices import JobStatus
        from pingji.core.models import Job

        row = Job.objects.filter(pk=job_id, kind="notices.print", created_by=request.user).first()
        if row is None:
            raise Http404
        path = printing.batch_path(row.pk)
        if row.status != JobStatus.SUCCEEDED or not path.exists():
            return render(request, "notices/batch_waiting.html", {"job": row})
        response = HttpResponse(path.read_bytes(), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="notices-job-{row.pk}.pdf"'
        return response


@require_GET
def verify(request, token: str):
    """The public page of a notice: valid, revoked (when, why) or superseded (by which number),
    and only what the printed notice shows. No login; nothing but a token opens it."""
    notice = None
    if verification.is_token(token):
        notice = (
            Notice.objects.select_related("issuer", "superseded_by").filter(token=token).first()
        )
    if notice is None:
        return render(request, "notices/verify_unknown.html", status=404)
    return render(request, "notices/verify.html", {"notice": notice, "content": notice.content})
