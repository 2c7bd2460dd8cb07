"""The gravity model gives the same bits whatever the BLAS thread count: a Dask
worker runs with one thread, the app with every core, and a sweep's variant must
equal `slimmeregio run` of the same scenario exactly."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    from slimmeregio.scenarios.commuting import gravity_model

    rng = np.random.default_rng(7)
    origins = rng.integers(1, 40, 6000).astype(float)
    jobs = rng.integers(1, 4000, 90).astype(float)
    cost = rng.uniform(0.5, 30.0, (6000, 90))
    trips = gravity_model(origins, jobs, cost, beta=0.1)
    np.save(sys.argv[1], trips)
    """
)


def _trips(tmp_path: Path, threads: int) -> np.ndarray:
    out = tmp_path / f"trips_{threads}.npy"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT.parent),
        "OPENBLAS_NUM_THREADS": str(threads),
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
    }
    subprocess.run([sys.executable, "-c", _SCRIPT, str(out)], env=env, check=True, timeout=300)
    return np.load(out)


def test_gravity_model_is_bitwise_equal_for_one_and_two_blas_threads(tmp_path: Path) -> None:
    one, two = _trips(tmp_path, 1), _trips(tmp_path, 2)
    assert one.shape == (6000, 90)
    # the marginals hold (an independent check that the model ran to balance)
    np.testing.assert_allclose(
        one.sum(axis=1), np.random.default_rng(7).integers(1, 40, 6000), rtol=1e-6
    )
    assert np.array_equal(one, two)
