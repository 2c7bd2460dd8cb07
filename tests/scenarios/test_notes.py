"""The notes on what the figures leave out: counted by hand on small frames."""

from __future__ import annotations

import pandas as pd

from slimmeregio.scenarios.notes import warning_notes


def _unreachable(layer: str, ids: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"layer": [layer] * len(ids), "id": ids, "snap_m": [900.0] * len(ids)})


def test_targets_without_a_route_in_the_same_places_share_one_note() -> None:
    region = {
        "no_route_dwellings_mobipunt": 85.0,
        "no_route_dwellings_station": 85.0,
        "no_route_dwellings_brussels": 85.0,
    }
    munis = pd.DataFrame(
        {
            "name": ["Wemmel", "Meise"],
            **{
                f"no_route_dwellings_{t}": [60.0, 25.0] for t in ("mobipunt", "station", "brussels")
            },
        }
    )
    notes = warning_notes(region, munis, _unreachable("stations", []))
    assert list(notes) == ["no_route_mobipunt_station_brussels"]
    nl, en = (
        notes["no_route_mobipunt_station_brussels"]["nl"],
        notes["no_route_mobipunt_station_brussels"]["en"],
    )
    assert (
        "85 woningen hebben geen fietsroute naar een mobipunt, een station of de Brusselse grens (vooral Wemmel (60), Meise (25))"
        in nl
    )
    assert "to a mobipunt, a station or the Brussels border" in en


def test_targets_that_differ_keep_their_own_notes() -> None:
    region = {"no_route_dwellings_mobipunt": 85.0, "no_route_dwellings_station": 12.0}
    munis = pd.DataFrame(
        {
            "name": ["Wemmel"],
            "no_route_dwellings_mobipunt": [85.0],
            "no_route_dwellings_station": [12.0],
        }
    )
    notes = warning_notes(region, munis, _unreachable("stations", []))
    assert set(notes) == {"no_route_mobipunt", "no_route_station"}
    assert (
        "12 woningen hebben geen fietsroute naar een station (vooral Wemmel (12))"
        in notes["no_route_station"]["nl"]
    )


def test_unreachable_points_name_five_and_count_the_rest() -> None:
    ids = [f"S{i}" for i in range(7)]
    frame = pd.concat([_unreachable("stations", ids), _unreachable("mobipunten", ["MP-017"])])
    notes = warning_notes({}, pd.DataFrame({"name": []}), frame)
    assert notes["unreachable_stations"]["nl"] == (
        "7 stations liggen te ver van het fietsnetwerk en tellen niet mee: "
        "S0, S1, S2, S3, S4 en 2 andere."
    )
    assert notes["unreachable_stations"]["en"].endswith("S0, S1, S2, S3, S4 and 2 more.")
    assert notes["unreachable_mobipunten"]["nl"] == (
        "Mobipunt MP-017 ligt te ver van het fietsnetwerk en telt niet mee."
    )
    assert notes["unreachable_mobipunten"]["en"] == (
        "Mobility hub MP-017 lies too far from the bike network and is not counted."
    )


def test_unreachable_points_are_named_with_their_id() -> None:
    frame = pd.DataFrame(
        {
            "layer": ["stations", "stations"],
            "id": ["008811270", "008811544"],
            "name": ["Halle", ""],  # the second has no name: its id alone
            "snap_m": [900.0, 950.0],
        }
    )
    notes = warning_notes({}, pd.DataFrame({"name": []}), frame)
    assert notes["unreachable_stations"]["nl"].endswith(": Halle (008811270), 008811544.")
