"""The Chinese catalogue uses the protocols' words, as docs/glossary.md lists them.

A wrong word in one msgstr is easy to miss in review and reads wrong on every page that shows it
(集中隔离点发现 for the measure 集中隔离, 名称 for a person's 姓名). The glossary names, for each
term it enforces, the Chinese every translation of a msgid containing the English must use and
the renderings it must not; this test holds the catalogue to it. ``GLOSSARY_PO`` points it at
another catalogue (an older one, to see that it fails there).
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from .test_i18n import read_po, translations

GLOSSARY = Path(settings.BASE_DIR).parent / "docs" / "glossary.md"
PO = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"
#: Placeholders are names, not words: "%(outcome)s" does not contain the term "outcome".
PLACEHOLDER = re.compile(r"%\(\w+\)[sdrf]|\{\{?\s*\w+\s*\}?\}")
COLUMNS = ["English (UI)", "简体中文", "Also accepted", "Context", "Enforced", "Wrong", "Note"]


@dataclass(frozen=True)
class Term:
    english: str
    chinese: tuple[str, ...]
    context: str | None
    enforced: bool
    wrong: tuple[str, ...]

    def applies_to(self, entry: dict) -> bool:
        """Whether the msgid contains the term as a whole word (or its plural), in the term's
        context if any."""
        if self.context is not None and entry.get("msgctxt") != self.context:
            return False
        words = PLACEHOLDER.sub(" ", entry["msgid"])
        return (
            re.search(rf"(?<![\w-]){re.escape(self.english)}(?:s|es)?(?![\w-])", words, re.I)
            is not None
        )


def _forms(cell: str) -> tuple[str, ...]:
    return tuple(f.strip() for f in cell.split("、") if f.strip())


def read_glossary(path: Path = GLOSSARY) -> list[Term]:
    """The rows of the glossary's table of terms."""
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    header = [c.strip() for c in rows[0].strip("|").split("|")]
    assert header == COLUMNS, f"{path.name}: the table's columns changed: {header}"
    terms = []
    for line in rows[2:]:
        cells = dict(zip(COLUMNS, (c.strip() for c in line.strip("|").split("|")), strict=True))
        terms.append(
            Term(
                english=cells["English (UI)"],
                chinese=_forms(cells["简体中文"]) + _forms(cells["Also accepted"]),
                context=cells["Context"] or None,
                enforced=cells["Enforced"] == "yes",
                wrong=_forms(cells["Wrong"]),
            )
        )
    return terms


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    return [e for e in read_po(Path(os.environ.get("GLOSSARY_PO", PO)))[1:] if e["msgid"]]


def problems(terms: list[Term], entries: list[dict]) -> list[str]:
    found = []
    for term in (t for t in terms if t.enforced):
        for entry in (e for e in entries if term.applies_to(e)):
            for text in translations(entry):
                if not any(form in text for form in term.chinese):
                    found.append(
                        f"{term.english!r} → {term.chinese[0]}: {entry['msgid']!r} → {text}"
                    )
                found += [
                    f"{term.english!r} is not {bad}: {entry['msgid']!r} → {text}"
                    for bad in term.wrong
                    if bad in text
                ]
    return found


def test_the_glossary_enforces_the_terms_the_reviewers_found_wrong():
    """The table is read as meant: these rows must stay, enforced, with their wrong forms."""
    terms = {(t.english, t.context): t for t in read_glossary()}
    assert "集中隔离点发现" in terms[("centralised quarantine", None)].wrong
    assert (
        terms[("name", "person")].chinese == ("姓名",) and "名称" in terms[("name", "person")].wrong
    )
    assert terms[("site", "quarantine")].chinese == ("隔离点",)
    assert "待办理" in terms[("open", "site status")].wrong
    assert all(t.enforced for t in terms.values() if t.english in ("close contact", "sealed area"))


def test_a_term_is_matched_as_a_whole_word_and_never_inside_a_placeholder():
    term = Term("outcome", ("转归",), None, True, ())
    assert term.applies_to({"msgid": "Record the outcome"})
    assert not term.applies_to({"msgid": "%(case)s: %(outcome)s"})
    assert term.applies_to({"msgid": "outcomes"})
    assert not term.applies_to({"msgid": "outcome-based"})
    site = Term("site", ("隔离点",), "quarantine", True, ())
    assert site.applies_to({"msgid": "site", "msgctxt": "quarantine"})
    assert not site.applies_to({"msgid": "site", "msgctxt": "surveillance"})


def test_every_enforced_term_is_translated_with_the_glossarys_chinese(entries):
    found = problems(read_glossary(), entries)
    assert not found, "fix the catalogue (docs/glossary.md):\n" + "\n".join(found)


def test_every_enforced_context_is_one_the_code_uses(entries):
    """A context renamed in the code would otherwise leave its row checking nothing."""
    unused = [
        f"{t.english} ({t.context})"
        for t in read_glossary()
        if t.enforced and t.context and not any(t.applies_to(e) for e in entries)
    ]
    assert not unused, f"no msgid in these contexts: {unused}"
