"""The engine on the embedded Halle-Vilvoorde region (a few, session-scoped)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from slimmeregio.cli import cli
from slimmeregio.layers.roles import Role
from slimmeregio.scenarios.attach import Attachment
from slimmeregio.scenarios.engine import compare, evaluate
from slimmeregio.scenarios.kernel import nearest_destination
from slimmeregio.scenarios.model import Scenario, example_scenario_toml

from ._reference import nearest_costs


@pytest.fixture(scope="module")
def region_eval(region_base):
    return evaluate(region_base)


def test_kernel_equals_networkx_on_the_region(region_base) -> None:
    net = region_base.network
    h = region_base.housing_att
    pick = np.random.default_rng(1).choice(len(h), 150, replace=False)
    sample = Attachment(h.ids[pick], h.xy[pick], h.edge[pick], h.frac[pick], h.snap_m[pick])
    for mode in ("bike", "walk"):
        got = nearest_destination(net, sample, region_base.mobipunt_att, mode=mode).cost
        ref = nearest_costs(net, sample, region_base.mobipunt_att, mode)
        np.testing.assert_allclose(got, ref, rtol=1e-9)


def test_region_base_evaluation(region_project, region_base, region_eval) -> None:
    ev = region_eval
    housing = region_project.layers.first(Role.HOUSING)
    # The base is today: the planned housing is left out (a built-in scenario).
    existing = housing.column("status").astype(str) != "gepland"
    assert ev.region["dwellings"] == pytest.approx(
        float(housing.column("dwellings")[existing].sum())
    )
    assert len(ev.municipalities) == 35
    for key, value in ev.region.items():
        if key.startswith("share_"):
            assert 0.0 <= value <= 100.0, key
    assert ev.region["share_bike_mobipunt_15min"] >= ev.region["share_bike_mobipunt_5min"]
    assert ev.network.components >= 1
    assert len(ev.service_areas) == len(ev.mobipunten)
    assert ev.population_covered is not None and ev.population_covered > 0
    assert ev.links["flow_dwellings"].max() > 0
    assert not ev.network.directness.empty
    assert (ev.network.directness["ratio"].dropna() >= 1.0 - 1e-9).all()
    # Flows towards Brussels: the embedded region has the 'brussel' layer.
    assert ev.has_brussels and not ev.notes  # nothing left out, every dwelling has a route
    assert len(ev.brussels_entries) > 10
    routed = ev.dwellings["bike_min_brussels"].notna()
    assert ev.brussels_entries["dwellings"].sum() == ev.dwellings.loc[routed, "dwellings"].sum() > 0
    # Every routed dwelling passes its entry point's edge: the busiest edge
    # carries at most all of them, and entry edges carry their catchment.
    top = ev.top_links_brussels(1)
    assert 0 < top["flow_brussels_dwellings"].iloc[0] <= ev.dwellings.loc[routed, "dwellings"].sum()
    assert 0 < ev.region["median_bike_min_brussels"] < ev.region["p90_bike_min_brussels"]


def test_example_scenario_runs_on_the_region(region_base, region_eval) -> None:
    scenario = Scenario.from_toml(example_scenario_toml())
    scen = evaluate(region_base, scenario)
    cmp = compare(region_eval, scen)
    assert scen.region["dwellings"] > region_eval.region["dwellings"]  # the example adds housing
    assert (scen.links["change"] != "").any()
    assert set(cmp.region["indicator"]) >= set(region_eval.region)


def test_cli_run_writes_results(tmp_path, region_project) -> None:
    scen = tmp_path / "s.toml"
    runner = CliRunner()
    result = runner.invoke(cli, ["scenario", "example"])
    assert result.exit_code == 0
    scen.write_text(result.output, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["--lang", "en", "run", str(scen), "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    rows = {r["indicator"]: r for r in summary["region"]}
    assert rows["dwellings"]["delta"] > 0
    import pyogrio

    names = {name for name, _ in pyogrio.list_layers(out / "results.gpkg")}
    assert any(n.endswith("_woningen") for n in names)
    flows = next(n for n in names if n.startswith("basis") and n.endswith("_fietsstromen"))
    assert (
        "flow_brussels_dwellings" in pyogrio.read_info(out / "results.gpkg", layer=flows)["fields"]
    )
    assert summary["notes"] == {}
    assert summary["top_links"]["brussels"][0]["dwellings"] > 0
    assert "mean_bike_min_brussels" in rows
    # Without --force nothing is overwritten.
    again = runner.invoke(cli, ["run", str(scen), "--out", str(out)])
    assert again.exit_code == 2


def test_cli_run_bad_scenarios_exit_2(tmp_path) -> None:
    runner = CliRunner()
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\n[[modifications]\n', encoding="utf-8")
    result = runner.invoke(cli, ["run", str(broken), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    unknown = tmp_path / "unknown.toml"
    unknown.write_text(
        'name = "x"\n[[modifications]]\nkind = "remove_link"\nlink_ids = [987654321]\n'
        'author = "a"\nreason = "b"\n',
        encoding="utf-8",
    )
    result = runner.invoke(
        cli, ["--lang", "en", "run", str(unknown), "--out", str(tmp_path / "o2")]
    )
    assert result.exit_code == 2
    assert "modifications[0].link_ids[0]" in result.output
    assert not (tmp_path / "o2" / "results.gpkg").exists()
