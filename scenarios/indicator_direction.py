"""Which way each indicator improves: the one rule every table, map and slide colours changes by.

An indicator of access improves when it rises (shares of dwellings within a
threshold, inhabitants covered) or when it falls (travel times and distances,
dwellings without a route). Counts that describe the situation rather than
judge it (dwellings, inhabitants, existing and planned dwellings) have no
direction: more planned homes is neither better nor worse access, so their
changes are shown uncoloured. So is any key this module does not know, so a
new indicator is never coloured the wrong way by default.
"""

from __future__ import annotations

import re

__all__ = ["indicator_direction"]

_HIGHER = re.compile(
    r"^(share_.*|grid_inhabitants_covered"
    # opportunities within reach and their decay-weighted potential; hub scores; potential bike commuters
    r"|opp_[a-z_]+_(bike_[0-9.]+min|walk_[0-9.]+m|potential_bike|potential_walk)|hub_score_.*|bike_commuters_.*)$"
)
_LOWER = re.compile(
    r"^((mean|median|p90)_(bike_min|walk_m|door_min)_[a-z]+|unreachable_dwellings|no_route_dwellings_[a-z]+"
    # time or distance to the k-th nearest opportunity; hubs failing the Hoppin check
    r"|opp_[a-z_]+_k[0-9]+_(bike_min|walk_m)|hubs_type_mismatch)$"
)


def indicator_direction(key: str) -> int:
    """``1`` when a rise of ``key`` is an improvement, ``-1`` when a fall is, ``0`` when neither."""
    if _HIGHER.match(key):
        return 1
    if _LOWER.match(key):
        return -1
    return 0
