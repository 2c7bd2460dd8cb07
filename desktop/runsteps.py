"""The engine's step names as the planner reads them.

The core reports progress with a short English step name (see
:mod:`slimmeregio.layers.progress`): log lines for developers. The scenario
panel shows the step beside its progress bar; this table gives each step
the engine reports its Dutch text, translated like every other text of the
window. A step missing from the table shows nothing rather than English
(a test keeps the table complete for every step ``scenarios`` reports).
"""

from __future__ import annotations

from slimmeregio.desktop.i18n import tr
from slimmeregio.layers.i18n import N_

__all__ = ["RUN_STEPS", "step_text"]

#: Step name reported by ``scenarios`` -> its Dutch text (catalogue source).
RUN_STEPS: dict[str, str] = {
    "layers": N_("lagen"),
    "noding": N_("netwerk knopen"),
    "splitting": N_("netwerk splitsen"),
    "attributes": N_("netwerkkenmerken"),
    "network built": N_("netwerk opgebouwd"),
    "network read from the cache": N_("netwerk uit de cache gelezen"),
    "attaching housing": N_("woningen aan het netwerk koppelen"),
    "attaching mobipunten and stations": N_("mobipunten en stations koppelen"),
    "base ready": N_("basis klaar"),
    "applying scenario": N_("scenario toepassen"),
    "walking and cycling costs": N_("reistijden te voet en per fiets"),
    "Brussels": N_("routes naar Brussel"),
    "indicators": N_("indicatoren"),
    "bike flows": N_("fietsstromen"),
    "service areas": N_("bedieningsgebieden"),
    "network": N_("netwerkkwaliteit"),
    "access to opportunities": N_("bereik van banen en voorzieningen"),
    "commuting": N_("pendel (woon-werk)"),
    "public transport": N_("openbaar vervoer"),
    "current coverage": N_("huidige dekking"),
    "candidate coverage": N_("dekking per kandidaat"),
    "sites chosen": N_("locaties gekozen"),
    "network distances": N_("netwerkafstanden"),
    "benefit of each link": N_("baat van elke verbinding"),
    "done": N_("klaar"),
}


def step_text(message: str) -> str:
    """``message`` (a step name the engine reported) in the window's language; "" if unknown."""
    text = RUN_STEPS.get(message)
    return tr(text) if text else ""
