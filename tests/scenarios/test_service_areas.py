"""Points along link geometries for service areas (scenarios/service_areas.py) against GEOS."""

from __future__ import annotations

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from slimmeregio.scenarios.service_areas import points_along

# Vertices on a coarse grid, so repeated vertices (zero-length segments),
# straight runs and points exactly on a vertex are common.
_VERTEX = st.tuples(st.integers(0, 6), st.integers(0, 6)).map(
    lambda p: (150_000.0 + 12.5 * p[0], 170_000.0 + 12.5 * p[1])
)
_FRACTION = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 1.0]), st.floats(0.0, 1.0))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(_VERTEX, min_size=2, max_size=6), min_size=1, max_size=5),
    st.data(),
)
def test_points_along_lines_are_geos_interpolated_points(
    vertices: list[list[tuple[float, float]]], data: st.DataObject
) -> None:
    lines = shapely.linestrings(vertices) if len({len(v) for v in vertices}) == 1 else None
    if lines is None:
        lines = np.array([shapely.LineString(v) for v in vertices], dtype=object)
    samples = data.draw(
        st.lists(st.tuples(st.integers(0, len(vertices) - 1), _FRACTION), max_size=20)
    )
    line = np.array([s[0] for s in samples], dtype=np.int64)
    frac = np.array([s[1] for s in samples], dtype=float)
    got = points_along(lines, line, frac)
    expected = shapely.get_coordinates(
        shapely.line_interpolate_point(lines[line], frac, normalized=True)
    ).reshape(-1, 2)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


def test_points_on_an_empty_line_are_left_out_as_geos_leaves_them() -> None:
    lines = np.array([shapely.LineString([(0, 0), (10, 0)]), shapely.LineString()], dtype=object)
    got = points_along(lines, np.array([0, 1, 0]), np.array([0.5, 0.5, 1.0]))
    assert got.tolist() == [[5.0, 0.0], [10.0, 0.0]]
