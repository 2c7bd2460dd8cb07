"""The one translation catalogue: complete for every text the package translates, the only way text follows the language.

Two scans of the package source (AST, no imports of the scanned modules):

- every literal text passed to ``tr`` (``tr(lang, "...")`` of
  :mod:`slimmeregio.layers.i18n`, ``tr("...")`` of
  :mod:`slimmeregio.desktop.i18n`), to ``tr_each`` or marked with ``N_``, with its
  ``context=``, has an English entry in ``resources/translations/en.json``
  with the same ``{fields}`` (name, format spec and conversion);
- no module in :data:`ONE_MECHANISM` chooses text by comparing the language
  with ``"nl"``/``"en"`` or keeps ``..._NL``/``..._EN`` tables, except the
  sites in :data:`LANGUAGE_CHOICES`, each with its reason.

Each scan is also run on a small hand-written source to show it reports
what it should (a test that cannot fail is a defect).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path
from string import Formatter

from slimmeregio.layers.i18n import CONTEXT_SEPARATOR, LANGUAGES, catalogue_path

ROOT = Path(__file__).resolve().parents[1]

#: Folders and top-level files whose ``tr`` calls the catalogue must cover.
TRANSLATED = ("layers", "scenarios", "exporters", "desktop", "cli*.py")

#: Folders (and files) that choose text through the catalogue only.
ONE_MECHANISM = ("layers", "scenarios", "exporters", "cli*.py")


#: Where a comparison with a language code or an ``_NL``/``_EN`` name is
#: right, by file and enclosing function, with the reason. The test fails
#: when a site appears that is not listed, and when a listed site is gone.
LANGUAGE_CHOICES: dict[tuple[str, str], str] = {
    ("layers/i18n.py", "catalogue"): "the catalogue itself: Dutch is the source language",
    ("layers/i18n.py", "tr"): "the catalogue itself: Dutch is the source language",
    ("layers/numbers.py", "_group"): "number formatting (decimal comma), not translation",
    ("layers/numbers.py", "fmt_ordinal"): "number formatting (1e / 1st), not translation",
    ("scenarios/hoppin.py", "_fmt"): "number formatting (decimal comma, no grouping)",
    ("layers/model.py", "ReportEntry.message"): (
        "a load-report entry carries its message in both languages as data, like an error"
    ),
    ("layers/region.py", "Provenance.note"): (
        "provenance notes are data read from the region's provenance table in both languages"
    ),
    ("scenarios/model_errors.py", "_readable_location"): (
        "part of a bilingual error message (errors stay bilingual by design)"
    ),
    ("exporters/meta.py", "ExportMeta.result_note_texts"): (
        "an export's result notes are data carried in both languages (Evaluation.notes, tr_each)"
    ),
    ("exporters/meta.py", "_notes"): (
        "the layers' notes in English are data read from the region's provenance table"
    ),
    ("exporters/pack_names.py", "<module>"): (
        "a pack's file names per language: fixed names that scripts and the read-me rely on, not sentences"
    ),
    ("exporters/pack_names.py", "pack_names"): "chooses the pack's file names (see above)",
    ("exporters/pack_manifest.py", "readme_name"): "the read-me's file name (see pack_names)",
    ("exporters/webmap_transit.py", "_hub_text"): (
        "the Hoppin check's reasons are data carried in both languages (reason_nl / reason_en)"
    ),
    ("exporters/excel_transit.py", "transit_sheet"): (
        "the Hoppin check's reasons are data carried in both languages (reason_nl / reason_en)"
    ),
    ("exporters/slide_transit.py", "transit_slides"): (
        "the Hoppin check's reasons are data carried in both languages (reason_nl / reason_en)"
    ),
    ("exporters/sweep_report.py", "_workbook"): (
        "a failed variant's error message is bilingual data (message_nl / message_en)"
    ),
    ("exporters/locator_context.py", "draw_belgium"): (
        "the regions' names are data in both languages (name_nl / name_en)"
    ),
    ("exporters/slide_kit.py", "tag_language"): (
        "the proofing language tag of the slides' text (nl-BE / en-GB), not translation"
    ),
    ("layers/roles.py", "Role.label"): (
        "role labels: layers/roles.py is being split by another helper; convert after the merge"
    ),
    ("layers/describe.py", "layer_info_lines"): (
        "field labels come from roles.FieldSpec (label_nl/label_en); convert with layers/roles.py"
    ),
}


def _sources(patterns: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """``(relative path, text)`` of every Python file under ``patterns``."""
    for pattern in patterns:
        if pattern.endswith(".py") and "*" not in pattern:
            paths = [ROOT / pattern]
        else:
            paths = ROOT.glob(pattern) if "*" in pattern else (ROOT / pattern).rglob("*.py")
        for path in sorted(paths):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# The catalogue is complete
# ---------------------------------------------------------------------------

#: Module -> function name -> index of the Dutch text among its arguments.
_TRANSLATORS = {
    "slimmeregio.layers.i18n": {"tr": 1, "N_": 0, "tr_each": 0},
    "slimmeregio.desktop.i18n": {"tr": 0},
}


def _translators(tree: ast.AST) -> dict[str, int]:
    """Local names bound to a translating function, with the text argument's index."""
    names: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in _TRANSLATORS:
            for alias in node.names:
                index = _TRANSLATORS[node.module].get(alias.name)
                if index is not None:
                    names[alias.asname or alias.name] = index
    return names


def translated_texts(source: str) -> Iterator[tuple[int, str, str]]:
    """``(line, catalogue key, Dutch text)`` of every literal text ``source`` translates.

    A ``context=`` that is not a literal yields the key ``None`` (it cannot be checked).
    """
    tree = ast.parse(source)
    names = _translators(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        index = names.get(node.func.id)
        if index is None or len(node.args) <= index:
            continue
        arg = node.args[index]
        if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
            continue  # a table's text, marked with N_ where it is written
        context: str | None = ""
        for keyword in node.keywords:
            if keyword.arg == "context":
                value = keyword.value
                literal = isinstance(value, ast.Constant) and isinstance(value.value, str)
                context = value.value if literal and isinstance(value, ast.Constant) else None
        if context is None:
            yield node.lineno, "", arg.value
            continue
        key = f"{context}{CONTEXT_SEPARATOR}{arg.value}" if context else arg.value
        yield node.lineno, key, arg.value


def _fields(text: str) -> list[tuple[str, str, str]]:
    return sorted(
        (name, spec or "", conversion or "")
        for _, name, spec, conversion in Formatter().parse(text)
        if name is not None
    )


def catalogue_problems(sources: dict[str, str], catalogue: dict[str, str]) -> list[str]:
    """What the catalogue lacks for ``sources`` (path -> text), one line each."""
    problems = []
    for path, source in sources.items():
        for line, key, text in translated_texts(source):
            where = f"{path}:{line}"
            if not key:
                problems.append(f"{where}: context of {text!r} is not a literal")
            elif key not in catalogue:
                problems.append(f"{where}: {key!r} has no English")
            elif _fields(text) != _fields(catalogue[key]):
                problems.append(f"{where}: {key!r} and its English have other fields")
    return problems


def _english() -> dict[str, str]:
    data: dict[str, str] = json.loads(catalogue_path("en").read_text(encoding="utf-8"))
    return data


def test_every_translated_text_has_its_english_with_the_same_fields() -> None:
    sources = dict(_sources(TRANSLATED))
    assert {"layers/i18n.py", "scenarios/notes.py", "desktop/i18n.py", "cli.py"} <= set(sources)
    texts = {key for s in sources.values() for _, key, _ in translated_texts(s)}
    assert len(texts) > 600  # the scan finds the package's texts (659 in December 2026)
    assert catalogue_problems(sources, _english()) == []


def test_the_completeness_scan_reports_what_is_missing() -> None:
    source = (
        "from slimmeregio.layers.i18n import N_, tr\n"
        "from slimmeregio.desktop.i18n import tr as dtr\n"
        "TABLE = {'a': N_('Gemarkeerd')}\n"
        "def f(lang, name, ctx):\n"
        "    tr(lang, 'Aanwezig {n}', n=1)\n"
        "    tr(lang, 'Ontbreekt')\n"
        "    tr(lang, 'Wijziging', context='delta')\n"
        "    tr(lang, TABLE['a'])\n"
        "    tr(lang, 'Velden {n:.1f}', n=1)\n"
        "    tr(lang, 'Context', context=ctx)\n"
        "    dtr('Knop')\n"
        "    other('Niet vertaald')\n"
    )
    catalogue = {
        "Aanwezig {n}": "Present {n}",
        "Wijziging": "Modification",
        "Velden {n:.1f}": "Fields {n:.2f}",
        "Gemarkeerd": "Marked",
    }
    assert catalogue_problems({"m.py": source}, catalogue) == [
        "m.py:6: 'Ontbreekt' has no English",
        "m.py:7: 'delta\\x04Wijziging' has no English",
        "m.py:9: 'Velden {n:.1f}' and its English have other fields",
        "m.py:10: context of 'Context' is not a literal",
        "m.py:11: 'Knop' has no English",
    ]


# ---------------------------------------------------------------------------
# No other way to choose text by language
# ---------------------------------------------------------------------------

_LANGUAGE_NAMES = {"lang", "language"}
_TABLE_NAME = re.compile(r"(^|_)(NL|EN)$")


def _is_language(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id in _LANGUAGE_NAMES
    return isinstance(node, ast.Attribute) and node.attr in _LANGUAGE_NAMES


def _is_code(node: ast.AST) -> bool:
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_code(e) for e in node.elts)
    return isinstance(node, ast.Constant) and node.value in LANGUAGES


class _Choices(ast.NodeVisitor):
    """Sites that compare the language with a code or name an ``_NL``/``_EN`` table."""

    def __init__(self) -> None:
        self.scope: list[str] = []
        self.found: list[tuple[str, int]] = []

    def _enter(self, node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = _enter

    def _add(self, node: ast.AST) -> None:
        self.found.append((".".join(self.scope) or "<module>", getattr(node, "lineno", 0)))

    def visit_Compare(self, node: ast.Compare) -> None:
        sides = [node.left, *node.comparators]
        if any(_is_language(s) for s in sides) and any(_is_code(s) for s in sides):
            self._add(node)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if _TABLE_NAME.search(node.id):
            self._add(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if _TABLE_NAME.search(node.attr):
            self._add(node)
        self.generic_visit(node)


def language_choices(source: str) -> list[tuple[str, int]]:
    """``(enclosing class.function, line)`` of every language choice in ``source``."""
    visitor = _Choices()
    visitor.visit(ast.parse(source))
    return visitor.found


def test_no_module_chooses_text_by_language_outside_the_listed_sites() -> None:
    found: dict[tuple[str, str], list[int]] = {}
    for path, source in _sources(ONE_MECHANISM):
        for scope, line in language_choices(source):
            found.setdefault((path, scope), []).append(line)
    new = sorted(
        f"{path}:{lines[0]} in {scope}"
        for (path, scope), lines in found.items()
        if (path, scope) not in LANGUAGE_CHOICES
    )
    assert not new, f"choose the text with tr(lang, 'Dutch text') instead: {sorted(new)}"
    gone = sorted(site for site in LANGUAGE_CHOICES if site not in found)
    assert not gone, f"converted: remove from LANGUAGE_CHOICES: {gone}"


def test_the_language_scan_finds_each_kind_of_choice() -> None:
    source = (
        "LABELS_NL = {'a': 'b'}\n"
        "class Thing:\n"
        "    def text(self, lang):\n"
        "        nl = lang == 'nl'\n"
        "        if self.lang != 'en':\n"
        "            return LABELS_NL['a']\n"
        "        return 'x' if language() in ('nl', 'fr') else 'y'\n"
        "def fine(lang, label_nl):\n"
        "    return tr(lang, 'Tekst') + label_nl + (lang or 'nl')\n"
    )
    assert language_choices(source) == [
        ("<module>", 1),
        ("Thing.text", 4),
        ("Thing.text", 5),
        ("Thing.text", 6),
        ("Thing.text", 7),
    ]
