"""A small synthetic project and hand-built results for the exporter tests.

Three square municipalities west of a 'Brussels' square, a 1 km grid bike
network, four mobipunten, two stations and 240 housing points. Results
(:class:`Evaluation`, :class:`Comparison`, :class:`SitingResult`) are built
here by straight-line distances, independently of the engine, so the
exporters are tested on known values. Attribute values are hostile on
purpose (formula text, HTML, path traversal).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from slimmeregio.layers.model import Layer, Project, ProjectSettings
from slimmeregio.layers.roles import Role
from slimmeregio.layers.symbology import default_style
from slimmeregio.scenarios.model import (
    AddLink,
    AddMobipunt,
    Parameters,
    RemoveLink,
    Scenario,
    UpgradeLink,
)
from slimmeregio.scenarios.results import (
    Comparison,
    Evaluation,
    NetworkSummary,
    SitingResult,
    indicator_label,
    indicator_unit,
)

CRS = "EPSG:31370"
HOSTILE_FORMULA = '=HYPERLINK("http://x","y")'
HOSTILE_HTML = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_PATH = "../../x"
BIKE_KMH = 16.0


def _layer(
    name: str, frame: gpd.GeoDataFrame, role: Role, fields: dict[str, str], **kw: object
) -> Layer:
    layer = Layer(name=name, data=frame, role=role, fields=fields, **kw)  # type: ignore[arg-type]
    layer.style = default_style(layer)
    return layer


def make_project() -> Project:
    munis = gpd.GeoDataFrame(
        {
            "nis": ["23001", "23002", "23003"],
            "naam": ["Halle", "Beersel", HOSTILE_PATH],
            "inwoners": [1000, 800, 600],
        },
        geometry=[
            shapely.box(140_000, 150_000, 146_000, 160_000),
            shapely.box(146_000, 150_000, 152_000, 160_000),
            shapely.box(152_000, 150_000, 158_000, 160_000),
        ],
        crs=CRS,
    )
    brussel = gpd.GeoDataFrame(
        {"nis": ["21004"], "naam": ["Brussel"], "inwoners": [180_000]},
        geometry=[shapely.box(158_000, 153_000, 164_000, 159_000)],
        crs=CRS,
    )
    lines, classes, names = [], [], []
    for y in range(150_000, 160_001, 1000):
        for x in range(140_000, 158_000, 1000):
            lines.append(shapely.LineString([(x, y), (x + 1000, y)]))
            classes.append("bovenlokaal" if y == 155_000 else "lokaal")
            names.append("F-route" if y == 155_000 else "")
    for x in range(140_000, 158_001, 1000):
        for y in range(150_000, 160_000, 1000):
            lines.append(shapely.LineString([(x, y), (x, y + 1000)]))
            classes.append("fietssnelweg" if x == 149_000 else "lokaal")
            names.append(HOSTILE_IMG if x == 149_000 and y == 150_000 else "")
    network = gpd.GeoDataFrame(
        {
            "link_id": np.arange(1, len(lines) + 1),
            "klasse": classes,
            "snelheid": 16.0,
            "naam": names,
        },
        geometry=lines,
        crs=CRS,
    )
    mobipunten = gpd.GeoDataFrame(
        {
            "mobipunt_id": ["MP-001", "MP-002", "MP-003", "MP-004"],
            "naam": ["Hoppinpunt Halle station", HOSTILE_HTML, "Buurtpunt Lot", "Mobipunt Oost"],
            "type": ["interregionaal", "regionaal", "buurt", "lokaal"],
            "aanbod": ["trein, bus, deelfiets", "bus", "deelfiets", HOSTILE_FORMULA],
            "gemeente": ["Halle", "Halle", "Beersel", HOSTILE_PATH],
        },
        geometry=shapely.points(
            [(142_500, 154_500), (144_000, 158_000), (149_000, 152_000), (155_000, 156_000)]
        ),
        crs=CRS,
    )
    rng = np.random.default_rng(7)
    xy = np.column_stack([rng.uniform(140_300, 157_700, 240), rng.uniform(150_300, 159_700, 240)])
    woningen = gpd.GeoDataFrame(
        {
            "woning_id": np.arange(1, 241),
            "woningen": rng.integers(1, 25, 240),
            "status": ["bestaand"] * 238 + ["gepland", "gepland"],
            "naam": [HOSTILE_FORMULA, "+1", "@SUM(A1)", "-2+3", "\tTab", HOSTILE_HTML]
            + [f"Blok {i}" for i in range(234)],
        },
        geometry=shapely.points(xy),
        crs=CRS,
    )
    stations = gpd.GeoDataFrame(
        {"station_id": ["S1", "S2"], "naam": ["Halle", "Lot"], "treinen_per_dag": [320.0, 60.0]},
        geometry=shapely.points([(142_400, 154_600), (150_500, 151_500)]),
        crs=CRS,
    )
    layers = [
        _layer(
            "gemeenten",
            munis,
            Role.MUNICIPALITIES,
            {"nis": "nis", "name": "naam", "population": "inwoners"},
        ),
        _layer("brussel", brussel, Role.OTHER, {}),
        _layer(
            "fietsnetwerk",
            network,
            Role.BIKE_NETWORK,
            {"id": "link_id", "link_class": "klasse", "speed": "snelheid", "name": "naam"},
            note="Illustratief fietsnetwerk: geen echte routes.",
        ),
        _layer(
            "woningen",
            woningen,
            Role.HOUSING,
            {"id": "woning_id", "dwellings": "woningen", "status": "status", "name": "naam"},
            note="Illustratieve woningen.",
        ),
        _layer(
            "stations",
            stations,
            Role.STATIONS,
            {"id": "station_id", "name": "naam", "trains_per_day": "treinen_per_dag"},
        ),
        _layer(
            "mobipunten",
            mobipunten,
            Role.MOBIPUNTEN,
            {
                "id": "mobipunt_id",
                "name": "naam",
                "hoppin_type": "type",
                "offer": "aanbod",
                "municipality": "gemeente",
            },
            attribution="© OpenStreetMap contributors, ODbL 1.0",
        ),
    ]
    project = Project(
        settings=ProjectSettings(title="Slimme Regio Testgebied", organisation="Toekomstforum")
    )
    for layer in layers:
        project.layers.append(layer)
    return project


def _nearest_minutes(points: np.ndarray, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = np.hypot(points[:, None, 0] - targets[None, :, 0], points[:, None, 1] - targets[None, :, 1])
    idx = d.argmin(axis=1)
    dist = d[np.arange(len(points)), idx] * 1.3  # network detour factor
    return dist, idx


def _indicators(frame: pd.DataFrame, params: Parameters) -> dict[str, float]:
    w = frame["dwellings"].to_numpy(dtype=float)
    total = w.sum()
    out: dict[str, float] = {
        "dwellings": float(total),
        "inhabitants": float(total * params.household_size),
        "unreachable_dwellings": 0.0,
    }
    for target in ("mobipunt", "station"):
        walk = frame[f"walk_m_{target}"].to_numpy(dtype=float)
        bike = frame[f"bike_min_{target}"].to_numpy(dtype=float)
        for who in ("", "inh_"):
            for m in params.walk_thresholds_m:
                out[f"share_{who}walk_{target}_{m:g}m"] = (
                    float(100 * w[walk <= m].sum() / total) if total else 0.0
                )
            for t in params.bike_thresholds_min:
                out[f"share_{who}bike_{target}_{t:g}min"] = (
                    float(100 * w[bike <= t].sum() / total) if total else 0.0
                )
        order = np.argsort(bike)
        cum = np.cumsum(w[order]) / total
        out[f"mean_bike_min_{target}"] = float((bike * w).sum() / total)
        out[f"median_bike_min_{target}"] = float(bike[order][np.searchsorted(cum, 0.5)])
        out[f"p90_bike_min_{target}"] = float(bike[order][np.searchsorted(cum, 0.9)])
        order = np.argsort(walk)
        cum = np.cumsum(w[order]) / total
        out[f"mean_walk_m_{target}"] = float((walk * w).sum() / total)
        out[f"median_walk_m_{target}"] = float(walk[order][np.searchsorted(cum, 0.5)])
        out[f"p90_walk_m_{target}"] = float(walk[order][np.searchsorted(cum, 0.9)])
    if "bike_min_brussels" in frame.columns and frame["bike_min_brussels"].notna().any():
        part = frame.dropna(subset=["bike_min_brussels"])
        bw = part["dwellings"].to_numpy(dtype=float)
        bike = part["bike_min_brussels"].to_numpy(dtype=float)
        order = np.argsort(bike)
        cum = np.cumsum(bw[order]) / bw.sum()
        out["mean_bike_min_brussels"] = float((bike * bw).sum() / bw.sum())
        out["median_bike_min_brussels"] = float(bike[order][np.searchsorted(cum, 0.5)])
        out["p90_bike_min_brussels"] = float(bike[order][np.searchsorted(cum, 0.9)])
    return out


#: Entry points on the 'Brussels' square's west side (x = 158 000), one per horizontal grid line.
ENTRY_Y = np.arange(153_000, 159_001, 1000)


def _brussels_columns(
    pts: np.ndarray, links: gpd.GeoDataFrame, brussels: bool
) -> tuple[np.ndarray, list[str | None], np.ndarray, gpd.GeoDataFrame]:
    """(minutes, entry ids, flow per link, entries) by straight lines to the entry points.

    The flow of a horizontal link at height y ending at x is the number of
    dwellings whose entry point is at y and that lie west of x (they ride
    east along that line): a simple, known pattern for the exporter tests.
    """
    if not brussels:
        empty = gpd.GeoDataFrame(
            {
                "entry_id": pd.Series(dtype=str),
                "link_id": pd.Series(dtype="int64"),
                "name": pd.Series(dtype=str),
                "link_class": pd.Series(dtype=str),
                "dwellings": pd.Series(dtype="int64"),
            },
            geometry=gpd.GeoSeries([], crs=CRS),
            crs=CRS,
        )
        return np.full(len(pts), np.nan), [None] * len(pts), np.zeros(len(links)), empty
    targets = np.column_stack([np.full(len(ENTRY_Y), 158_000.0), ENTRY_Y.astype(float)])
    dist, idx = _nearest_minutes(pts, targets)
    minutes = dist / (BIKE_KMH * 1000 / 60)
    coords = [shapely.get_coordinates(g) for g in links.geometry]
    ids = []
    for y in ENTRY_Y:
        hit = [
            i for i, c in enumerate(coords) if c[0, 1] == c[-1, 1] == y and c[:, 0].max() == 158_000
        ]
        ids.append(f"{int(links['link_id'].iloc[hit[0]])}@0" if hit else f"x@{y}")
    entry_ids: list[str | None] = [ids[i] for i in idx]
    return (
        minutes,
        entry_ids,
        np.zeros(len(links)),
        gpd.GeoDataFrame(
            {
                "entry_id": ids,
                "link_id": [int(i.split("@")[0]) if i[0] != "x" else -1 for i in ids],
                "name": "",
                "link_class": "lokaal",
                "dwellings": 0,
            },
            geometry=shapely.points(targets),
            crs=CRS,
        ),
    )


def make_evaluation(
    project: Project, scenario: Scenario | None, *, brussels: bool = True
) -> Evaluation:
    params = scenario.parameters if scenario is not None else Parameters()
    housing = project.layers["woningen"].frame
    munis = project.layers["gemeenten"].frame
    mob = project.layers["mobipunten"].frame
    mob_xy = shapely.get_coordinates(mob.geometry.to_numpy())
    ids = list(mob["mobipunt_id"])
    names = list(mob["naam"])
    types = list(mob["type"])
    changes = [""] * len(ids)
    links = project.layers["fietsnetwerk"].frame.rename(
        columns={"klasse": "link_class", "snelheid": "speed_kmh", "naam": "name"}
    )
    links = links.assign(length_m=links.length, oneway=False, change="")
    removed = links.iloc[:0].drop(columns=["change"])
    if scenario is not None:
        for mod in scenario.modifications:
            if isinstance(mod, AddMobipunt):
                mob_xy = np.vstack([mob_xy, [mod.x, mod.y]])
                ids.append(mod.id or f"NEW-{len(ids) + 1}")
                names.append(mod.name)
                types.append(mod.hoppin_type)
                changes.append("added")
            elif isinstance(mod, AddLink):
                new = gpd.GeoDataFrame(
                    {
                        "link_id": [9000 + len(links)],
                        "link_class": [mod.link_class],
                        "speed_kmh": [20.0],
                        "name": [mod.name],
                        "length_m": [mod.length_m],
                        "oneway": [False],
                        "change": ["added"],
                    },
                    geometry=[shapely.LineString(mod.coords)],
                    crs=CRS,
                )
                links = pd.concat([links, new], ignore_index=True)
            elif isinstance(mod, UpgradeLink):
                sel = links["link_id"].isin(mod.link_ids)
                links.loc[sel, "change"] = "upgraded"
                links.loc[sel, "link_class"] = mod.link_class or links.loc[sel, "link_class"]
            elif isinstance(mod, RemoveLink):
                sel = links["link_id"].isin(mod.link_ids)
                removed = links[sel].drop(columns=["change"])
                links = links[~sel]
    pts = shapely.get_coordinates(housing.geometry.to_numpy())
    dist_m, idx_m = _nearest_minutes(pts, mob_xy)
    st = project.layers["stations"].frame
    st_xy = shapely.get_coordinates(st.geometry.to_numpy())
    dist_s, idx_s = _nearest_minutes(pts, st_xy)
    nis = []
    muni_name = []
    for p in housing.geometry:
        hit = munis[munis.contains(p)]
        nis.append(str(hit["nis"].iloc[0]) if len(hit) else "")
        muni_name.append(str(hit["naam"].iloc[0]) if len(hit) else "")
    dwell = gpd.GeoDataFrame(
        {
            "housing_id": housing["woning_id"].astype(str),
            "name": housing["naam"],
            "status": housing["status"],
            "dwellings": housing["woningen"].astype(int),
            "inhabitants": housing["woningen"] * params.household_size,
            "nis": nis,
            "municipality": muni_name,
            "walk_m_mobipunt": dist_m,
            "bike_min_mobipunt": dist_m / (BIKE_KMH * 1000 / 60),
            "mobipunt_id": [ids[i] for i in idx_m],
            "walk_m_station": dist_s,
            "bike_min_station": dist_s / (BIKE_KMH * 1000 / 60),
            "station_id": [str(st["station_id"].iloc[i]) for i in idx_s],
            "snap_m": 10.0,
            "reachable": True,
            "added": False,
        },
        geometry=housing.geometry.values,
        crs=CRS,
    )
    bx_min, bx_ids, _, entries = _brussels_columns(pts, links, brussels)
    dwell["bike_min_brussels"] = bx_min
    dwell["brussels_entry_id"] = bx_ids
    dwell.loc[5, ["walk_m_mobipunt", "bike_min_mobipunt", "walk_m_station", "bike_min_station"]] = (
        np.nan
    )
    dwell.loc[5, "reachable"] = False
    region = _indicators(dwell.dropna(subset=["bike_min_mobipunt"]), params)
    region["unreachable_dwellings"] = float(dwell.loc[5, "dwellings"])
    region["grid_inhabitants_covered"] = 1234.0
    region["share_grid_covered"] = 55.5
    rows = []
    for n, name in zip(munis["nis"], munis["naam"], strict=True):
        part = dwell[(dwell["nis"] == n)].dropna(subset=["bike_min_mobipunt"])
        rows.append({"nis": n, "name": name, **_indicators(part, params)})
    municipalities = pd.DataFrame(rows)
    minutes = np.arange(0, params.curve_max_min + 1)
    w = dwell["dwellings"].to_numpy(dtype=float)
    curve = pd.DataFrame(
        {
            "minutes": minutes,
            "share_mobipunt": [
                100 * w[dwell["bike_min_mobipunt"] <= m].sum() / w.sum() for m in minutes
            ],
            "share_station": [
                100 * w[dwell["bike_min_station"] <= m].sum() / w.sum() for m in minutes
            ],
        }
    )
    catch = dwell.groupby("mobipunt_id")["dwellings"].sum()
    mobipunten = gpd.GeoDataFrame(
        {
            "mobipunt_id": ids,
            "name": names,
            "hoppin_type": types,
            "offer": "",
            "catchment_dwellings": [int(catch.get(i, 0)) for i in ids],
            "catchment_inhabitants": [float(catch.get(i, 0)) * params.household_size for i in ids],
            "snap_m": 5.0,
            "reachable": True,
            "change": changes,
        },
        geometry=shapely.points(mob_xy),
        crs=CRS,
    )
    service = gpd.GeoDataFrame(
        {"mobipunt_id": ids, "name": names, "minutes": params.service_area_min},
        geometry=shapely.buffer(shapely.points(mob_xy), 2000),
        crs=CRS,
    )
    flows = np.zeros(len(links))
    flows[links["link_class"].to_numpy() != "lokaal"] = np.linspace(
        5, 400, int((links["link_class"] != "lokaal").sum())
    )
    links = links.assign(flow_dwellings=flows)
    flows_bx = np.zeros(len(links))
    if brussels:
        w_all = dwell["dwellings"].to_numpy(dtype=float)
        xs = shapely.get_coordinates(dwell.geometry.to_numpy())[:, 0]
        entry_of = np.array([e or "" for e in dwell["brussels_entry_id"]])
        for j, geom in enumerate(links.geometry):
            c = shapely.get_coordinates(geom)
            if c[0, 1] != c[-1, 1] or c[0, 1] not in ENTRY_Y:
                continue
            entry = entries.loc[entries.geometry.y == c[0, 1], "entry_id"].iloc[0]
            flows_bx[j] = w_all[(entry_of == entry) & (xs <= c[:, 0].max())].sum()
        per_entry = dwell.groupby("brussels_entry_id")["dwellings"].sum()
        entries = entries.assign(dwellings=[int(per_entry.get(e, 0)) for e in entries["entry_id"]])
    links = links.assign(flow_brussels_dwellings=flows_bx)
    stations = gpd.GeoDataFrame(
        {
            "station_id": st["station_id"],
            "name": st["naam"],
            "trains_per_day": st["treinen_per_dag"],
            "catchment_dwellings": [int(w[idx_s == i].sum()) for i in range(len(st))],
            "snap_m": 3.0,
            "reachable": True,
        },
        geometry=st.geometry.values,
        crs=CRS,
    )
    km = (
        links.assign(km=links["length_m"] / 1000)
        .groupby("link_class")
        .agg(links=("km", "size"), km=("km", "sum"))
    )
    network = NetworkSummary(
        km_per_class=km.reset_index(),
        total_km=float(km["km"].sum()),
        components=1,
        islands=pd.DataFrame(
            {"component": [0], "nodes": [200], "links": [len(links)], "km": [float(km["km"].sum())]}
        ),
        directness=pd.DataFrame(
            {
                "from_name": ["Halle"],
                "to_name": ["Lot"],
                "straight_m": [1000.0],
                "network_m": [1300.0],
                "ratio": [1.3],
            }
        ),
    )
    return Evaluation(
        scenario=scenario,
        parameters=params,
        name=scenario.name if scenario else "basis",
        dwellings=dwell,
        municipalities=municipalities,
        region=region,
        coverage_curve=curve,
        mobipunten=mobipunten,
        stations=stations,
        service_areas=service,
        links=links,
        removed_links=removed,
        network=network,
        population_covered=1234.0,
        unreachable=pd.DataFrame({"layer": ["housing"], "id": ["6"], "snap_m": [np.nan]}),
        timings={},
        brussels_entries=entries,
        notes={}
        if brussels
        else {
            "no_brussels": {
                "nl": "Geen Brussel-laag in het project: de fietsstromen naar Brussel zijn 0.",
                "en": "No Brussels layer in the project: the bike flows to Brussels are 0.",
            }
        },
    )


def make_comparison(base: Evaluation, scen: Evaluation) -> Comparison:
    keys = [k for k in base.region if k in scen.region]
    region = pd.DataFrame(
        {
            "indicator": keys,
            "label_nl": [indicator_label(k, "nl") for k in keys],
            "label_en": [indicator_label(k, "en") for k in keys],
            "unit": [indicator_unit(k) for k in keys],
            "base": [base.region[k] for k in keys],
            "scenario": [scen.region[k] for k in keys],
        }
    )
    region["delta"] = region["scenario"] - region["base"]
    long_rows = []
    for (_, b), (_, s) in zip(
        base.municipalities.iterrows(), scen.municipalities.iterrows(), strict=True
    ):
        for k in keys:
            if k in b.index:
                long_rows.append(
                    {
                        "nis": b["nis"],
                        "name": b["name"],
                        "indicator": k,
                        "base": b[k],
                        "scenario": s[k],
                        "delta": s[k] - b[k],
                    }
                )
    changes = []
    for t in base.parameters.bike_thresholds_min:
        before = base.dwellings["bike_min_mobipunt"] <= t
        after = scen.dwellings["bike_min_mobipunt"] <= t
        for kind, sel in (("gain", after & ~before), ("loss", before & ~after)):
            part = scen.dwellings[sel]
            changes.append(
                gpd.GeoDataFrame(
                    {
                        "housing_id": part["housing_id"],
                        "name": part["name"],
                        "nis": part["nis"],
                        "municipality": part["municipality"],
                        "target": "mobipunt",
                        "mode": "bike",
                        "threshold": t,
                        "change": kind,
                        "dwellings": part["dwellings"],
                    },
                    geometry=part.geometry,
                    crs=CRS,
                )
            )
    access = gpd.GeoDataFrame(pd.concat(changes, ignore_index=True), geometry="geometry", crs=CRS)
    curve = pd.DataFrame(
        {
            "minutes": base.coverage_curve["minutes"],
            "base_mobipunt": base.coverage_curve["share_mobipunt"],
            "scenario_mobipunt": scen.coverage_curve["share_mobipunt"],
            "base_station": base.coverage_curve["share_station"],
            "scenario_station": scen.coverage_curve["share_station"],
        }
    )
    flows = _link_flows(base, scen)
    return Comparison(
        base=base,
        scenario=scen,
        region=region,
        municipalities=pd.DataFrame(long_rows),
        access_changes=access,
        curve=curve,
        link_flows=flows,
    )


def _link_flows(base: Evaluation, scen: Evaluation) -> gpd.GeoDataFrame:
    cols = ["flow_dwellings", "flow_brussels_dwellings"]
    b = base.links.set_index("link_id")[cols]
    s = scen.links.set_index("link_id")
    joined = s[["name", "link_class", "change", *cols, "geometry"]].merge(
        b, left_index=True, right_index=True, how="outer", suffixes=("", "_base")
    )
    out = pd.DataFrame(
        {
            "link_id": joined.index.astype("int64"),
            "name": joined["name"].fillna("").to_numpy(),
            "link_class": joined["link_class"].fillna("").to_numpy(),
            "change": joined["change"].fillna("removed").to_numpy(),
        }
    )
    for col, stem in (
        ("flow_dwellings", "flow_dwellings"),
        ("flow_brussels_dwellings", "flow_brussels_dwellings"),
    ):
        out[f"base_{stem}"] = joined[f"{col}_base"].fillna(0).to_numpy()
        out[f"scenario_{stem}"] = joined[col].fillna(0).to_numpy()
        out[f"delta_{stem}"] = out[f"scenario_{stem}"] - out[f"base_{stem}"]
    geoms = [
        g if g is not None else base.links.set_index("link_id").geometry.get(i)
        for i, g in zip(out["link_id"], joined["geometry"], strict=True)
    ]
    frame = gpd.GeoDataFrame(out, geometry=geoms, crs=CRS)
    changed = (frame["delta_flow_dwellings"] != 0) | (frame["delta_flow_brussels_dwellings"] != 0)
    frame = frame[changed]
    size = frame[["delta_flow_dwellings", "delta_flow_brussels_dwellings"]].abs().max(axis=1)
    return frame.loc[size.sort_values(ascending=False).index].reset_index(drop=True)


def make_scenario() -> Scenario:
    return Scenario(
        name="Fietsas Oost",
        description="Nieuwe verbinding en een mobipunt in het oosten",
        modifications=(
            AddMobipunt(
                x=154_000.0,
                y=152_000.0,
                name="Mobipunt Zuidoost",
                hoppin_type="buurt",
                author="An Peeters",
                reason=HOSTILE_FORMULA,
            ),
            AddLink(
                coords=((150_000.0, 158_000.0), (151_500.0, 159_500.0)),
                link_class="bovenlokaal",
                name=HOSTILE_HTML,
                author="-2+3",
                reason="Ontbrekende schakel",
            ),
            UpgradeLink(
                link_ids=(5, 6, 7),
                link_class="fietssnelweg",
                author="Dienst Mobiliteit",
                reason="Snelle as naar het station",
            ),
            RemoveLink(link_ids=(200,), author="Dienst Mobiliteit", reason="Werf tot 2027"),
        ),
    )


def make_siting(evaluation: Evaluation) -> SitingResult:
    xy = [(146_500.0, 151_000.0), (156_500.0, 159_000.0), (141_000.0, 159_000.0)]
    sites = gpd.GeoDataFrame(
        {
            "rank": [1, 2, 3],
            "candidate_id": ["n1", "n2", "n3"],
            "name": ["", HOSTILE_HTML, "Plein"],
            "gain_dwellings": [120, 60, 20],
            "cumulative_dwellings": [120, 180, 200],
            "gain_inhabitants": [288.0, 144.0, 48.0],
            "share_after": [60.0, 65.0, 67.0],
            "nis": ["23002", "23003", "23001"],
            "municipality": ["Beersel", HOSTILE_PATH, "Halle"],
        },
        geometry=shapely.points(xy),
        crs=CRS,
    )
    return SitingResult(
        sites=sites,
        threshold_min=5.0,
        covered_before=1000,
        total_dwellings=int(evaluation.dwellings["dwellings"].sum()),
        candidates=50,
        evaluations=80,
    )


@dataclass
class Results:
    project: Project
    scenario: Scenario
    base: Evaluation
    evaluation: Evaluation
    comparison: Comparison
    siting: SitingResult


@pytest.fixture(scope="session")
def results() -> Results:
    project = make_project()
    scenario = make_scenario()
    base = make_evaluation(project, None)
    scen = make_evaluation(project, scenario)
    return Results(project, scenario, base, scen, make_comparison(base, scen), make_siting(scen))


@pytest.fixture(scope="session")
def project(results: Results) -> Project:
    return results.project


@pytest.fixture(scope="session")
def page(results: Results, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The HTML of the web map exported from ``results`` (read-only for the tests)."""
    from slimmeregio.exporters.webmap import export_webmap

    path = tmp_path_factory.mktemp("html") / "webkaart.html"
    export_webmap(results.project, [results.comparison], path, siting=results.siting)
    return path.read_text(encoding="utf-8")
