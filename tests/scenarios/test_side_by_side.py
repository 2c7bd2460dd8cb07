"""Parts of an evaluation side by side on two threads: the same results as
one after the other, errors and cancels raised where the caller waits."""

from __future__ import annotations

import threading
import time

import pytest

from slimmeregio.scenarios.side_by_side import side_by_side, started, threads_allowed


def test_the_second_part_runs_on_a_thread_of_its_own(monkeypatch) -> None:
    monkeypatch.setenv("SLIMMEREGIO_THREADS", "2")
    started = threading.Event()

    def beside() -> str:
        started.set()
        return threading.current_thread().name

    def here() -> str:
        assert started.wait(5), "the second part did not start while the first ran"
        return threading.current_thread().name

    a, b = side_by_side(here, beside, "proef")
    assert a == threading.current_thread().name
    assert b.startswith("proef") and b != a


def test_one_thread_runs_them_one_after_the_other(monkeypatch) -> None:
    monkeypatch.setenv("SLIMMEREGIO_THREADS", "1")
    assert not threads_allowed()
    order: list[str] = []
    a, b = side_by_side(
        lambda: order.append("here") or threading.current_thread().name,
        lambda: order.append("beside") or threading.current_thread().name,
        "proef",
    )
    assert order == ["here", "beside"] and a == b == threading.current_thread().name
    monkeypatch.setenv("SLIMMEREGIO_THREADS", "4")
    assert threads_allowed()


@pytest.mark.parametrize("threads", ["1", "2"])
def test_an_error_of_either_part_reaches_the_caller(monkeypatch, threads) -> None:
    monkeypatch.setenv("SLIMMEREGIO_THREADS", threads)

    def fail() -> None:
        raise ValueError("kapot")

    with pytest.raises(ValueError, match="kapot"):
        side_by_side(fail, lambda: 1, "proef")
    with pytest.raises(ValueError, match="kapot"):
        side_by_side(lambda: 1, fail, "proef")


def test_a_failing_first_part_does_not_wait_for_the_second(monkeypatch) -> None:
    """A cancel in the part the caller runs returns at once; the other part
    finishes on its own."""
    monkeypatch.setenv("SLIMMEREGIO_THREADS", "2")
    release = threading.Event()
    finished = threading.Event()

    def slow() -> None:
        release.wait(10)
        finished.set()

    def cancelled() -> None:
        raise KeyboardInterrupt  # stands for OperationCancelled

    t = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        side_by_side(cancelled, slow, "proef")
    assert time.perf_counter() - t < 5 and not finished.is_set()
    release.set()
    assert finished.wait(5)


def test_started_work_runs_while_the_caller_goes_on_and_gives_its_result(monkeypatch) -> None:
    monkeypatch.setenv("SLIMMEREGIO_THREADS", "2")
    begun = threading.Event()

    def work() -> str:
        begun.set()
        return threading.current_thread().name

    result = started(work, "vlakken")
    assert begun.wait(5), "the work did not start before its result was asked for"
    name = result()
    assert name.startswith("vlakken") and name != threading.current_thread().name
    assert result() == name  # asked again: the same result, not a second run


def test_on_one_thread_started_work_runs_when_its_result_is_asked_for(monkeypatch) -> None:
    monkeypatch.setenv("SLIMMEREGIO_THREADS", "1")
    order: list[str] = []
    result = started(lambda: order.append("work") or threading.current_thread().name, "vlakken")
    order.append("caller")
    assert result() == threading.current_thread().name
    assert order == ["caller", "work"]


@pytest.mark.parametrize("threads", ["1", "2"])
def test_an_error_of_started_work_reaches_the_caller_when_it_asks(monkeypatch, threads) -> None:
    monkeypatch.setenv("SLIMMEREGIO_THREADS", threads)

    def fail() -> None:
        raise ValueError("kapot")

    result = started(fail, "vlakken")
    with pytest.raises(ValueError, match="kapot"):
        result()


@pytest.mark.slow
def test_an_evaluation_is_the_same_on_one_thread_and_on_two(region_project, monkeypatch) -> None:
    """The base (first pass, then completed, as the app runs it) and a
    scenario, evaluated with the parts side by side and one after the other:
    every frame, figure and note the same."""
    from slimmeregio.scenarios.engine import evaluate, prepare_base
    from slimmeregio.scenarios.model import AddLink, AddMobipunt, Scenario

    from .test_first_pass import WHO, _same_evaluation

    runs = []
    for threads in ("1", "2"):
        monkeypatch.setenv("SLIMMEREGIO_THREADS", threads)
        base = prepare_base(region_project)
        evaluate(base, families=False)
        whole = evaluate(base)
        net = base.inputs.network
        x, y = (float(c) for c in net.node_xy[net.n_nodes // 3])
        scenario = Scenario(
            name="twee",
            modifications=(
                AddLink(coords=((x, y), (x + 400.0, y + 300.0)), link_class="bovenlokaal", **WHO),
                AddMobipunt(x=x + 40, y=y - 30, name="t", hoppin_type="buurt", **WHO),
            ),
        )
        runs.append((whole, evaluate(base, scenario)))
    (base_1, scen_1), (base_2, scen_2) = runs
    _same_evaluation(base_1, base_2)
    _same_evaluation(scen_1, scen_2)
