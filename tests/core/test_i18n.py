"""The Simplified Chinese catalogue: complete, compiled, and the UI's default language.

The UI is in Chinese by default and in English through the language selector. Every
string is written in English and marked for translation, so a msgid left untranslated, marked
fuzzy, or compiled out of date would surface as English in a Chinese UI; these tests catch that
before a user does.
"""

import importlib
import re
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation

from pingji.command.actions.modes import do_switch_mode
from pingji.command.choices import Mode, ResponseLevel
from pingji.users.choices import Role

PO = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"
#: msgids that read the same in Chinese by design (names used as is: products, file formats, Rt).
SAME_IN_CHINESE = {"REST API", "Rt", "Word", "Excel", "HTML"}
#: Named placeholders may move or repeat in Chinese word order, but none may be lost or invented.
NAMED = re.compile(r"%\(\w+\)[sdrf]")
#: Positional placeholders and HTML tags must survive translation exactly.
POSITIONAL = re.compile(r"%[sdrf]|<[^>]+>")
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file as dicts: flags, msgctxt, msgid, msgid_plural, msgstr[n]."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"flags": set()}
        key = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith('"') and key:
                entry[key] += _unquote(line)
            elif not line.startswith("#") and " " in line:
                key, value = line.split(" ", 1)
                entry[key] = _unquote(value)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def translations(entry: dict) -> list[str]:
    return [v for k, v in entry.items() if k.startswith("msgstr")]


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    found = read_po(PO)
    assert len(found) > 500, f"{PO} looks truncated: {len(found)} entries"
    return found


def test_the_catalogue_header_declares_chinese_with_one_plural_form(entries):
    header = next(e for e in entries if e["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: zh_Hans\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header["msgstr"]


def test_every_entry_is_translated_and_none_is_fuzzy_or_obsolete(entries):
    problems = [
        e["msgid"]
        for e in entries[1:]
        if "fuzzy" in e["flags"] or e.get("obsolete") or not all(translations(e))
    ]
    assert not problems, f"untranslated, fuzzy or obsolete in {PO.name}: {problems}"


def test_translations_keep_every_placeholder_and_tag(entries):
    broken = [
        (e["msgid"], text)
        for e in entries[1:]
        for text in translations(e)
        if set(NAMED.findall(text)) != set(NAMED.findall(e["msgid"]))
        or Counter(POSITIONAL.findall(text)) != Counter(POSITIONAL.findall(e["msgid"]))
    ]
    assert not broken


def test_the_compiled_catalogue_answers_every_msgid_in_chinese(entries):
    """Reads through Django's own gettext, so a stale or missing django.mo fails here too."""
    untranslated = []
    with translation.override("zh-hans"):
        for e in entries[1:]:
            msgid, context = e["msgid"], e.get("msgctxt")
            if "msgid_plural" in e:
                text = translation.ngettext(msgid, e["msgid_plural"], 2)
            elif context:
                text = translation.pgettext(context, msgid)
            else:
                text = translation.gettext(msgid)
            if not text or (text == msgid and msgid not in SAME_IN_CHINESE):
                untranslated.append(msgid)
    assert not untranslated, "run `pingji compilemessages` (from pingji/) after editing the .po"


def _labels() -> list[tuple[str, object]]:
    """Every model name, field name and choice label of Pingji's apps, still lazy."""
    labels: list[tuple[str, object]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("pingji."):
            continue
        labels.append((config.name, config.verbose_name))
        for model in config.get_models():
            meta = model._meta
            labels += [(meta.label, meta.verbose_name), (meta.label, meta.verbose_name_plural)]
            labels += [
                (f"{meta.label}.{f.name}", f.verbose_name)
                for f in meta.get_fields(include_parents=False)
                # concrete: a GenericForeignKey takes no verbose_name, Django derives it.
                if f.concrete and not f.auto_created and f.name != "id"
            ]
        try:
            module = importlib.import_module(f"{config.name}.choices")
        except ModuleNotFoundError:
            continue
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, models.Choices):
                labels += [(f"{config.name}.{name}", label) for label in value.labels]
    return labels


def test_no_model_field_or_choice_label_is_missing_from_the_catalogue():
    """Catches a string added in code after the last makemessages, not only gaps in the .po."""
    missing = []
    for where, label in _labels():
        with translation.override("en"):
            english = str(label)
        with translation.override("zh-hans"):
            chinese = str(label)
        if english == chinese and not re.fullmatch(r"[\W\d_]*|[A-Z]+", english):
            missing.append(f"{where}: {english}")
    assert not missing, "run makemessages -l zh_Hans, translate and compile: " + "; ".join(missing)


@pytest.fixture
def commander_client(client, make_user):
    client.force_login(make_user(Role.COMMANDER, "350322"))
    return client


@pytest.mark.chinese
def test_the_ui_speaks_chinese_without_a_language_cookie(commander_client):
    response = commander_client.get(reverse("home"))
    page = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in page
    assert ">概览</a>" in page and ">Overview</a>" not in page
    assert 'lang="en">English</option>' in page  # the way back to English reads in English
    assert "平时状态" in page.split('id="mode-banner"')[1].split("</div>")[0]


@pytest.mark.chinese
def test_the_language_cookie_switches_the_ui_to_english(commander_client):
    commander_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = commander_client.get(reverse("home"))
    page = response.content.decode()
    assert response["Content-Language"] == "en"
    assert ">Overview</a>" in page and "概览" not in page
    assert 'lang="zh-hans">简体中文</option>' in page
    assert "Peacetime mode" in page.split('id="mode-banner"')[1].split("</div>")[0]


@pytest.mark.chinese
def test_an_emergency_banner_and_a_form_error_are_in_chinese(commander_client, tree, make_user):
    do_switch_mode(
        tree["3503"],
        mode=Mode.EMERGENCY,
        level=ResponseLevel.II,
        reason="本土聚集性疫情",
        actor=make_user(Role.COMMANDER, "3503"),
    )
    banner = commander_client.get(reverse("home")).content.decode().split('id="mode-banner"')[1]
    assert "应急状态，II级响应" in banner and "沿用莆田市的决定" in banner

    url = reverse("command:mode_switch", args=["350322"])
    page = commander_client.post(url, {"mode": Mode.EMERGENCY, "reason": "演练"}).content.decode()
    assert "应急状态须指定响应级别（一级至四级）。" in page  # the action's error, not the help text


def _subclasses(cls) -> list[type]:
    return [c for sub in cls.__subclasses__() for c in (sub, *_subclasses(sub))]


def test_view_messages_are_translated_per_request_not_at_import():
    """A class attribute translated with ``gettext`` is frozen in whatever language was active
    when the module was imported (a grid worker saw a Chinese message on an English page)."""
    from django.urls import get_resolver

    from pingji.core.views.base import ActionFormView, FormStepView

    assert get_resolver().url_patterns  # loading the URLs imports every view module
    frozen = [
        view.__qualname__
        for base in (FormStepView, ActionFormView)
        for view in _subclasses(base)
        if isinstance(view.__dict__.get("success_message"), str)
    ]
    assert not frozen, f"use gettext_lazy for these success messages: {frozen}"
