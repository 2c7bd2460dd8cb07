"""The web map's stops layer on the street of tests/scenarios/test_transit.py: every stop with its
departures per hour per window and the Hoppin check of the hubs whose best stop it is.

By hand (scenario: A set to 1/h in the morning peak): M1 (regionaal, 70 m from A) does not fit,
M4 (buurt at A) fits; M3 (buurt at T) fits; A: 1 and 2 departures/hour, T: 3 and 3."""

from __future__ import annotations

import re

from slimmeregio.exporters.webmap import export_webmap
from slimmeregio.exporters.webmap_transit import stops_data
from slimmeregio.layers.symbology import PT_RATE_COLORS
from tests.exporters.test_map_transit import street  # noqa: F401  (fixture)


def _props(data, name_alias="Naam"):
    aliases = data["_aliases"]
    out = {}
    for f in data["features"]:
        props = {aliases[int(k[1:])]: v for k, v in f["properties"].items() if k.startswith("p")}
        props["_style"] = f["properties"]["_style"]
        out[props[name_alias]] = props
    return out


def test_stop_popups_carry_windows_and_the_hub_check(street) -> None:  # noqa: F811
    _, comp = street
    stops = _props(stops_data(comp.scenario, "nl"))
    assert set(stops) == {"Markt", "Kerk", "Station West", "Station Oost"}
    markt = stops["Markt"]
    assert (
        markt["Vertrekken/uur (ochtendspits)"] == "1,0"
        and markt["Vertrekken/uur (overdag)"] == "2,0"
    )
    assert markt["Frequentie gewijzigd door het scenario"] == "ja"
    assert (
        "M1 Markt: past niet" in markt["Hoppin-toets"]
        and "M4 Kerkplein: past" in markt["Hoppin-toets"]
    )
    assert "M4 Kerkplein: past niet" not in markt["Hoppin-toets"]
    assert "M3 Station Oost: past" in stops["Station Oost"]["Hoppin-toets"]
    assert stops["Markt"]["_style"].split("|")[0] == PT_RATE_COLORS[0]  # <= 1/h
    assert stops["Station Oost"]["_style"] == f"{PT_RATE_COLORS[2]}|7"  # 3/h, a station: large
    en = _props(stops_data(comp.base, "en"), "Name")
    assert "M1 Markt: fits" in en["Markt"]["Hoppin check"]


def test_the_page_has_the_stops_layer_only_with_stops(street, results, tmp_path) -> None:  # noqa: F811
    project, comp = street
    page = export_webmap(project, [comp], tmp_path / "ov.html").read_text(encoding="utf-8")
    page = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page)
    assert "OV-haltes (minder)" in page and "Station Oost" in page
    assert "OV-haltes: vertrekken per uur" in page
    other = export_webmap(results.project, [results.comparison], tmp_path / "geen.html").read_text(
        encoding="utf-8"
    )
    assert "OV-haltes" not in other
