"""The process's allocators: one glibc arena for every thread, Arrow's system
pool, and freed memory returned to the system.

Each check runs in a fresh interpreter: arenas and pools are process state,
and the test process has made its own long before.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from slimmeregio.layers import allocator

glibc_only = pytest.mark.skipif(allocator._glibc() is None, reason="needs glibc's malloc")

# Helpers for the child scripts: the resident size, and the number of arenas
# glibc reports (malloc_info writes one <heap nr=...> per arena).
_PRELUDE = textwrap.dedent(
    """
    import ctypes, json, os, tempfile, threading
    from slimmeregio.layers import allocator

    def resident_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    def arenas():
        libc = ctypes.CDLL("libc.so.6")
        libc.fdopen.restype = ctypes.c_void_p
        libc.fdopen.argtypes = [ctypes.c_int, ctypes.c_char_p]
        libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
        libc.fclose.argtypes = [ctypes.c_void_p]
        with tempfile.TemporaryFile() as out:
            stream = libc.fdopen(os.dup(out.fileno()), b"w")
            libc.malloc_info(0, stream)
            libc.fclose(stream)
            out.seek(0)
            return out.read().decode().count("<heap nr=")

    def allocate_in_threads(count=4):
        # threads alive at the same time, each allocating while the others hold theirs
        barrier = threading.Barrier(count)
        kept = []
        def work():
            kept.append(bytearray(4096))
            barrier.wait()
        threads = [threading.Thread(target=work) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    """
)


def _child(body: str) -> dict:
    script = _PRELUDE + textwrap.dedent(body)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("tuned", [False, True])
@glibc_only
def test_threads_share_one_arena_once_tuned(tuned: bool) -> None:
    out = _child(
        f"""
        if {tuned}:
            allocator.tune_allocators()
        before = arenas()
        allocate_in_threads(4)
        print(json.dumps({{"before": before, "after": arenas()}}))
        """
    )
    if tuned:  # no thread makes an arena: they share what exists
        assert out["after"] == out["before"]
    else:  # glibc's default, for contrast: busy threads get arenas of their own
        assert out["after"] > out["before"]


def test_arrow_reads_through_the_system_pool() -> None:
    out = _child(
        """
        import pyarrow
        allocator.tune_allocators()
        allocator.tune_allocators()  # twice is harmless
        print(json.dumps({"backend": pyarrow.default_memory_pool().backend_name}))
        """
    )
    assert out["backend"] == "system"


@glibc_only
def test_release_returns_memory_freed_in_the_middle_of_the_heap() -> None:
    out = _child(
        """
        allocator.tune_allocators()
        # 3,200 blocks of 64 KB (under glibc's mmap threshold: they come from
        # the heap); every eighth stays, so the freed ones cannot be trimmed
        # from the heap's top by free() alone.
        blocks = [bytearray(b"x" * 65536) for _ in range(3200)]
        kept = blocks[::8]
        del blocks
        before = resident_mb()
        returned = allocator.release_free_memory()
        after = resident_mb()
        print(json.dumps({"before": before, "after": after, "returned": returned,
                          "kept": len(kept)}))
        """
    )
    assert out["returned"] is True
    # 2,800 blocks (175 MB) were freed; at least most of them go back.
    assert out["before"] - out["after"] > 120, out


def test_release_is_safe_everywhere() -> None:
    # Without glibc it does nothing and says so; with it, a second call in a
    # row finds little or nothing to return and must not fail either.
    allocator.release_free_memory()
    assert isinstance(allocator.release_free_memory(), bool)
