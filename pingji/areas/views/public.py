"""The public pages (no login): the published list in force, the archive, and an Excel export.

These are the only pages of the application open to anonymous visitors, so they read nothing
but ``Publication`` snapshots — what was deliberately published — and never a live row: no
proposals, no evaluations, no names of who decided, nothing below what a notice would print.
"""

import datetime
import io

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from pingji.core import clock
from pingji.core.exports import _cell
from pingji.core.spreadsheets import safe_row

from ..choices import CheckpointStatus, MeasureKind, MeasureStatus, RiskLevel
from ..measure_settings import describe
from ..models import Publication


def current_lists() -> list[Publication]:
    """The latest publication of each publishing jurisdiction."""
    latest: dict[str, Publication] = {}
    for pub in Publication.objects.select_related("jurisdiction").order_by(
        "jurisdiction_id", "-published_at", "-id"
    ):
        latest.setdefault(pub.jurisdiction_id, pub)
    return sorted(latest.values(), key=lambda p: p.jurisdiction_id)


def _labels():
    return dict(RiskLevel.choices), dict(CheckpointStatus.choices)


def for_display(pub: Publication) -> Publication:
    """Attach the snapshot's rows with their labels in the reader's language."""
    levels, statuses = _labels()
    pub.area_rows = [
        {
            **a,
            **_times(a, "in_force_from", "level_since", "lifted_at"),
            "level_label": levels.get(a["level"], a["level"]),
        }
        for a in pub.areas
    ]
    pub.checkpoint_rows = [
        {**c, **_times(c, "since"), "status_label": statuses.get(c["status"], c["status"])}
        for c in pub.checkpoints
    ]
    pub.measure_rows = [_measure_row(m) for m in pub.measures or ()]
    return pub


def _measure_row(m: dict) -> dict:
    """A published measure with its kind and setting in the reader's language (decision 0047)."""
    kinds, statuses = dict(MeasureKind.choices), dict(MeasureStatus.choices)
    lifted = m.get("status") == MeasureStatus.LIFTED
    return {
        **m,
        **_times(m, "in_force_from", "setting_since", "lifted_at"),
        "kind_label": kinds.get(m["kind"], m["kind"]),
        "status_label": statuses.get(m["status"], m["status"]),
        "setting_label": describe(m["kind"], {} if lifted else m.get("setting") or {}),
    }


def _times(row: dict, *keys) -> dict:
    """The snapshot's ISO times as date-times, which templates show in Asia/Shanghai."""
    return {k: datetime.datetime.fromisoformat(row[k]) if row.get(k) else None for k in keys}


@require_GET
def current(request):
    lists = [for_display(p) for p in current_lists()]
    return render(request, "areas/public_current.html", {"lists": lists})


@require_GET
def archive(request):
    pubs = Publication.objects.select_related("jurisdiction").order_by("-published_at", "-id")
    return render(request, "areas/public_archive.html", {"publications": pubs[:500]})


@require_GET
def publication(request, pk: int):
    pub = Publication.objects.select_related("jurisdiction").filter(pk=pk).first()
    if pub is None:
        raise Http404
    return render(
        request, "areas/public_current.html", {"lists": [for_display(pub)], "archived": pub}
    )


@require_GET
def export(request):
    """The lists in force as an Excel workbook: one sheet of areas, one of checkpoints, one of
    society-wide measures."""
    book = Workbook()
    areas = _sheet(book.active, _("Risk areas"), _area_headers())
    checkpoints = _sheet(book.create_sheet(), _("Checkpoints"), _checkpoint_headers())
    measures = _sheet(book.create_sheet(), _("Society-wide measures"), _measure_headers())
    for pub in map(for_display, current_lists()):
        for a in pub.area_rows:
            areas.append(safe_row(_area_row(pub, a)))
        for c in pub.checkpoint_rows:
            checkpoints.append(safe_row(_checkpoint_row(pub, c)))
        for m in pub.measure_rows:
            measures.append(safe_row(_measure_export_row(pub, m)))
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = clock.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="risk-areas-{stamp}.xlsx"'
    return response


def _sheet(sheet, title: str, headers: list[str]):
    """A sheet titled as Excel allows (31 characters), its first row the headers."""
    sheet.title = title[:31]
    sheet.append(safe_row(headers))
    return sheet


def _area_headers() -> list[str]:
    """The columns of the areas sheet, in the reader's language: what a notice prints."""
    return [
        _("publisher"),
        _("list"),
        _("name"),
        _("level"),
        _("extent"),
        _("measures"),
        _("legal basis (order number)"),
        _("in force from"),
        _("at this level since"),
        _("lifted at"),
    ]


def _area_row(pub: Publication, a: dict) -> list:
    return [
        pub.jurisdiction.name,
        pub.number,
        a["name"],
        str(a["level_label"]),
        "、".join(a["extent"]),
        a["measures"],
        a["legal_basis"],
        *map(_cell, (a["in_force_from"], a["level_since"], a["lifted_at"])),
    ]


def _checkpoint_headers() -> list[str]:
    return [
        _("publisher"),
        _("list"),
        _("name"),
        _("status"),
        _("rules enforced"),
        _("status since"),
    ]


def _checkpoint_row(pub: Publication, c: dict) -> list:
    return [
        pub.jurisdiction.name,
        pub.number,
        c["name"],
        str(c["status_label"]),
        c["rules"],
        _cell(c["since"]),
    ]


def _measure_headers() -> list[str]:
    return [
        _("publisher"),
        _("list"),
        _("jurisdiction"),
        _("measure"),
        _("setting"),
        _("legal basis (order number)"),
        _("in force from"),
        _("at this setting since"),
        _("lifted at"),
    ]


def _measure_export_row(pub: Publication, m: dict) -> list:
    return [
        pub.jurisdiction.name,
        pub.number,
        m["jurisdiction"],
        str(m["kind_label"]),
        m["setting_label"],
        m["legal_basis"],
        *map(_cell, (m["in_force_from"], m["setting_since"], m["lifted_at"])),
    ]
