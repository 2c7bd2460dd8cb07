"""The project's scenarios with undo/redo per scenario (no Qt).

:class:`ScenarioBook` holds immutable :class:`~slimmeregio.scenarios.model.Scenario`
objects: every edit replaces the current scenario by a new object, so undo
steps back to the previous one. Editing or deleting one modification of the
ledger is such an edit too. The desktop's scenario store adds Qt signals on
top (``_notify``); the CLI can use the book as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slimmeregio.layers.errors import ScenarioError
from slimmeregio.scenarios.model import Scenario

__all__ = ["ScenarioBook"]


@dataclass
class _History:
    past: list[Scenario] = field(default_factory=list)
    future: list[Scenario] = field(default_factory=list)

    def renamed(self, name: str) -> _History:
        """A copy whose states carry ``name`` (for a duplicated scenario)."""
        return _History(
            [s.model_copy(update={"name": name}) for s in self.past],
            [s.model_copy(update={"name": name}) for s in self.future],
        )


class ScenarioBook:
    """Scenarios, the current one, and an undo/redo history per scenario.

    ``listeners`` are called as ``listener(event, name)`` with event
    ``changed`` (list or a scenario changed), ``current`` (the current
    scenario is now ``name``) or ``edited`` (an undoable edit of the current
    scenario).
    """

    def __init__(self) -> None:
        self._items: list[Scenario] = []
        self._history: list[_History] = []  # parallel to _items
        self._current = -1
        self.dirty = False
        self.listeners: list[Callable[[str, str], None]] = []

    def _notify(self, event: str, name: str = "") -> None:
        for listener in list(self.listeners):
            listener(event, name)

    # reading
    @property
    def scenarios(self) -> list[Scenario]:
        return list(self._items)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self._items]

    @property
    def current(self) -> Scenario | None:
        return self._items[self._current] if 0 <= self._current < len(self._items) else None

    def get(self, name: str) -> Scenario:
        for s in self._items:
            if s.name == name:
                return s
        raise KeyError(name)

    def can_undo(self) -> bool:
        return self.current is not None and bool(self._history[self._current].past)

    def can_redo(self) -> bool:
        return self.current is not None and bool(self._history[self._current].future)

    # loading / saving
    def load(self, data: list[dict[str, Any]]) -> list[ScenarioError]:
        """Replace all scenarios by the project's plain data; bad ones are
        skipped and returned as errors."""
        items, errors = [], []
        for d in data:
            try:
                items.append(Scenario.from_dict(d))
            except ScenarioError as exc:
                errors.append(exc)
        self._items = items
        self._history = [_History() for _ in items]
        self._current = 0 if items else -1
        self.dirty = False
        self._notify("changed")
        self._notify("current", self.current.name if self.current else "")
        return errors

    def to_data(self) -> list[dict[str, Any]]:
        return [s.to_dict() for s in self._items]

    # list operations
    def unique_name(self, name: str) -> str:
        if name not in self.names:
            return name
        n = 2
        while f"{name} ({n})" in self.names:
            n += 1
        return f"{name} ({n})"

    def add(self, scenario: Scenario, history: _History | None = None) -> Scenario:
        if scenario.name in self.names:
            scenario = scenario.model_copy(update={"name": self.unique_name(scenario.name)})
        self._items.append(scenario)
        self._history.append(history.renamed(scenario.name) if history is not None else _History())
        self._current = len(self._items) - 1
        self._touch()
        self._notify("current", scenario.name)
        return scenario

    def duplicate(self, name: str, new_name: str | None = None) -> Scenario:
        """A copy of scenario ``name`` with its ledger and its undo history."""
        i = self.names.index(name)
        src = self._items[i]
        copy = src.model_copy(update={"name": self.unique_name(new_name or f"{src.name} (kopie)")})
        return self.add(copy, self._history[i])

    def rename(self, old: str, new: str) -> None:
        new = new.strip()
        if not new or new == old:
            return
        if new in self.names:
            raise ValueError(new)
        i = self.names.index(old)
        self._items[i] = self._items[i].model_copy(update={"name": new})
        self._history[i] = self._history[i].renamed(new)
        self._touch()
        self._notify("current", new)

    def remove(self, name: str) -> None:
        i = self.names.index(name)
        del self._items[i]
        del self._history[i]
        self._current = min(self._current, len(self._items) - 1)
        self._touch()
        self._notify("current", self.current.name if self.current else "")

    def set_current(self, name: str) -> None:
        if name in self.names and self.names.index(name) != self._current:
            self._current = self.names.index(name)
            self._notify("changed")
            self._notify("current", name)

    # editing the current scenario (with undo)
    def replace_current(self, new: Scenario) -> None:
        cur = self.current
        if cur is None or new == cur:
            return
        if new.name != cur.name and new.name in self.names:
            new = new.model_copy(update={"name": self.unique_name(new.name)})
        hist = self._history[self._current]
        hist.past.append(cur)
        hist.future.clear()
        self._items[self._current] = new
        self._touch()
        self._notify("edited", new.name)

    def edit_modification(self, index: int, changes: dict[str, Any]) -> Scenario:
        """Change fields of modification ``index`` of the current scenario
        (undoable; a ``None`` value drops the field); raises ScenarioError
        when the result is invalid."""
        cur = self._need_current()
        data = cur.to_dict()
        mods = list(data.get("modifications", []))
        merged = {**mods[index], **changes, "kind": mods[index]["kind"]}
        mods[index] = {k: v for k, v in merged.items() if v is not None}
        data["modifications"] = mods
        new = Scenario.from_dict(data)
        self.replace_current(new)
        return new

    def delete_modification(self, index: int) -> Scenario:
        """Remove modification ``index`` of the current scenario (undoable)."""
        cur = self._need_current()
        mods = cur.modifications
        if not 0 <= index < len(mods):
            raise IndexError(index)
        new = cur.model_copy(update={"modifications": mods[:index] + mods[index + 1 :]})
        self.replace_current(new)
        return new

    def _need_current(self) -> Scenario:
        cur = self.current
        if cur is None:
            raise KeyError("no current scenario")
        return cur

    def undo(self) -> None:
        self._step(back=True)

    def redo(self) -> None:
        self._step(back=False)

    def _step(self, *, back: bool) -> None:
        """Move the current scenario one step back (undo) or forward (redo)."""
        cur = self.current
        if cur is None:
            return
        hist = self._history[self._current]
        source, target = (hist.past, hist.future) if back else (hist.future, hist.past)
        if not source:
            return
        target.append(cur)
        self._items[self._current] = source.pop()
        self._touch()

    def _touch(self) -> None:
        self.dirty = True
        self._notify("changed")
