"""Word and PDF from the stored notice, fonts named in the PDF, a batch as one document, and the
batch's QR codes equal to those encoded one by one."""

import io
import secrets

import pytest
from docx import Document

from pingji.notices import docx, fonts, pdf, printing, verification
from pingji.notices.models import Notice

from .pdfinfo import info, pages

pytestmark = pytest.mark.django_db
URL = "https://pingji.example.gov.cn/notices/v/{}/"


def test_a_notice_renders_as_a_pdf_carrying_its_number_and_fonts(sealed):
    notice = Notice.objects.filter(kind="sealing").first()
    data = pdf.render(notice, verification.absolute_url(notice))
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert info(data, "Title") == notice.number
    used = fonts.pdf_fonts()
    assert info(data, "Subject") == f"fonts: {used.summary}"
    assert pages(data) == 1


def test_the_fonts_fall_back_to_the_built_in_cid_font_on_a_bare_machine(sealed, monkeypatch):
    monkeypatch.setattr(fonts, "FONT_DIRS", ())
    monkeypatch.setattr(fonts, "_font_files", lambda: {})
    fonts.forget()
    try:
        used = fonts.pdf_fonts()
        assert used.body.name == fonts.CID_FALLBACK and used.body.path is None
        notice = Notice.objects.filter(kind="sealing").first()
        data = pdf.render(notice, "/notices/v/x/")
        assert "STSong-Light" in info(data, "Subject") and b"STSong-Light" in data
    finally:
        fonts.forget()


def test_a_machine_font_is_named_as_the_fallback_it_is(sealed, monkeypatch, tmp_path):
    found = fonts.pdf_fonts()
    if found.body.path is None:
        pytest.skip("no CJK font on this machine")
    assert "仿宋" in found.body.label and "黑体" in found.title.label


def test_a_notice_renders_as_a_word_document_with_its_number(sealed):
    notice = Notice.objects.filter(kind="sealing").first()
    document = Document(io.BytesIO(docx.render(notice, verification.absolute_url(notice))))
    text = "\n".join(p.text for p in document.paragraphs)
    assert notice.number in text and notice.content["body"][0] in text
    assert document.core_properties.title == notice.number
    assert len(document.inline_shapes) == 1  # the QR code
    east_asian = (
        document.paragraphs[0]
        .runs[0]
        ._element.rPr.rFonts.get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
        )
    )
    assert east_asian == "黑体"


def test_a_revoked_notice_prints_that_it_is(sealed, commander):
    from pingji.notices.actions.revoking import do_revoke_notice

    notice = do_revoke_notice(
        Notice.objects.filter(kind="sealing").first(), commander, "地址错误重发"
    )
    document = Document(io.BytesIO(docx.render(notice, "/v/")))
    assert any("撤销" in p.text and "地址错误重发" in p.text for p in document.paragraphs)


def test_a_batch_is_one_document_with_a_page_per_notice(sealed, households, commander):
    rows = printing.batch(commander, "sealing", grid="350322100001001")
    data = printing.render_batch(rows)
    assert data.startswith(b"%PDF-")
    assert pages(data) == rows.count() == 2  # 东门一网格's two households
    assert pages(printing.render_batch(printing.batch(commander, "sealing", grid="350322"))) == 3


def test_the_batch_codes_are_the_codes_encoded_one_by_one():
    urls = [URL.format(secrets.token_urlsafe(16)) for _ in range(40)]
    codes = verification.BatchQR(urls[0])
    for url in urls:
        assert codes.rows(url) == verification.qr_rows(url)
    other = "https://elsewhere.example/notices/v/short/"
    assert codes.rows(other) == verification.qr_rows(other)  # another length: encoded


def test_a_large_batch_uses_the_shared_codes_and_stays_one_page_each(sealed):
    notice = Notice.objects.filter(kind="sealing").first()
    pairs = [(notice, URL.format(secrets.token_urlsafe(16))) for _ in range(pdf.BATCH_QR_FROM)]
    assert pages(pdf.render_many(pairs, title="t")) == pdf.BATCH_QR_FROM
