"""The one catalogue: lookups, contexts and fields, checked against the JSON file by hand."""

from __future__ import annotations

import json

from slimmeregio.layers import i18n


def _raw() -> dict[str, str]:
    return json.loads(i18n.catalogue_path("en").read_text(encoding="utf-8"))


def test_dutch_is_the_source_and_english_comes_from_the_file() -> None:
    raw = _raw()
    text = "&Bestand"
    assert i18n.tr("nl", text) == text
    assert i18n.tr("en", text) == raw[text] == "&File"


def test_unknown_text_and_language_fall_back_to_dutch() -> None:
    assert i18n.tr("en", "Dit staat niet in de catalogus") == "Dit staat niet in de catalogus"
    assert i18n.tr("fr", "&Bestand") == "&Bestand"


def test_fields_are_filled_in_either_language() -> None:
    text = " (en {n} andere treffers)"
    assert i18n.tr("nl", text, n=3) == " (en 3 andere treffers)"
    assert i18n.tr("en", text, n=3) == " (and 3 other matches)"


def test_a_context_selects_another_meaning(monkeypatch) -> None:
    fake = {"Wijziging": "Modification", f"delta{i18n.CONTEXT_SEPARATOR}Wijziging": "Change"}
    monkeypatch.setattr(i18n, "catalogue", lambda lang: fake if lang == "en" else {})
    assert i18n.tr("en", "Wijziging") == "Modification"
    assert i18n.tr("en", "Wijziging", context="delta") == "Change"
    assert i18n.tr("nl", "Wijziging", context="delta") == "Wijziging"


def test_catalogue_keys_are_sorted_and_values_keep_their_fields() -> None:
    from string import Formatter

    raw = _raw()
    assert list(raw) == sorted(raw)

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in Formatter().parse(text) if f}

    bad = [k for k, v in raw.items() if fields(k.split(i18n.CONTEXT_SEPARATOR)[-1]) != fields(v)]
    assert not bad, bad
