"""Suite-wide configuration and session fixtures.

Qt runs offscreen and never touches the user's settings; the embedded region
is loaded once per session.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Settings, recovery files and the tile cache go to a temporary folder, never the user's."""
    root = tmp_path_factory.mktemp("user")
    os.environ["SLIMMEREGIO_SETTINGS_DIR"] = str(root / "settings")
    os.environ["SLIMMEREGIO_RECOVERY_DIR"] = str(root / "recovery")
    os.environ["SLIMMEREGIO_CACHE_DIR"] = str(root / "cache")


@pytest.fixture(scope="session")
def region_project():
    """The embedded Halle-Vilvoorde region, loaded once. Do not mutate it."""
    from slimmeregio.layers.region import load_region

    return load_region()
