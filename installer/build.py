"""Build the stand-alone application: PyInstaller bundle, self-test, Linux tarball.

Run from anywhere with the project's Python (PyInstaller installed, the
``installer`` extra)::

    python installer/build.py            # dist/slimmeregio/ + self-test (+ tarball on Linux)
    python installer/build.py --no-selftest --no-tarball

Steps:

1. PyInstaller with ``installer/slimmeregio.spec`` into ``dist/slimmeregio``
   (one folder, windowed; on Windows also ``slimmeregio-cli.exe``).
2. The bundle gets LICENSE and NOTICE at its top, the licence texts of the
   bundled third-party packages in ``licenses/`` (with an index), and, for
   Linux, the desktop integration (``share/``: menu entry, icons, MIME type)
   and ``install.sh``.
3. The bundled executable runs ``--selftest`` headless (Qt offscreen); a
   failing self-test stops the build, so no broken bundle is packaged.
4. On Linux: ``dist/slimmeregio-<version>-linux-<machine>.tar.gz``.
   (On Windows the Inno Setup script ``installer/windows/slimmeregio.iss``
   turns the bundle into the installer; see the CI workflow.)

A summary (timings, sizes) is printed and written to ``dist/build-info.json``.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import time
from importlib import metadata
from pathlib import Path

__all__ = [
    "ROOT",
    "bundle_size",
    "bundled_names",
    "collect_licences",
    "file_version",
    "main",
    "read_version",
    "tarball_name",
]

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"
SPEC = INSTALLER / "slimmeregio.spec"
APP = "slimmeregio"


def read_version(root: Path = ROOT) -> str:
    """``__version__`` from the package's ``__init__.py`` (without importing it)."""
    text = (root / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if match is None:
        raise SystemExit("build: no __version__ in __init__.py")
    return match.group(1)


def file_version(version: str) -> str:
    """The four-number Windows file version of ``version``: ``0.2.0rc1`` -> ``0.2.0.0``."""
    numbers = re.match(r"\d+(?:\.\d+){0,3}", version)
    parts = numbers.group(0).split(".") if numbers else ["0"]
    return ".".join(parts + ["0"] * (4 - len(parts)))


def tarball_name(version: str, machine: str | None = None) -> str:
    """File name of the Linux tarball, e.g. ``slimmeregio-0.1.0-linux-x86_64.tar.gz``."""
    machine = machine or platform.machine().lower() or "unknown"
    return f"{APP}-{version}-linux-{machine}.tar.gz"


def bundle_size(folder: Path) -> int:
    """Total size in bytes of the regular files below ``folder`` (symlinks not followed)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


_LICENCE_WORDS = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS")


def _import_roots(dist: metadata.Distribution) -> set[str]:
    """Top-level names a distribution installs (packages, modules, ``.libs`` folders)."""
    top_level = dist.read_text("top_level.txt")
    if top_level:
        return {line.strip() for line in top_level.splitlines() if line.strip()}
    roots = set()
    for file in dist.files or ():
        first = file.parts[0]
        if first.endswith((".dist-info", ".egg-info", ".data")) or first in {"..", "bin"}:
            continue
        roots.add(first.removesuffix(".py").split(".")[0])
    return roots


def bundled_names(bundle: Path, work: Path | None = None) -> set[str]:
    """Top-level names in the bundle: folders and files of ``_internal`` and the
    top-level modules of PyInstaller's PYZ archive (pure-Python packages live there)."""
    contents = bundle / "_internal"
    names = {p.name for p in contents.iterdir()} if contents.is_dir() else set()
    toc = (work / APP / "PYZ-00.toc") if work is not None else None
    if toc is not None and toc.is_file():
        _archive, entries = ast.literal_eval(toc.read_text(encoding="utf-8"))
        names.update(entry[0].split(".")[0] for entry in entries)
    return names


def collect_licences(bundle: Path, shipped: set[str]) -> list[dict[str, str]]:
    """Copy the licence files of every bundled third-party distribution into ``bundle/licenses``.

    A distribution counts as bundled when one of its top-level packages or
    modules (or its ``<name>.libs`` folder) is in ``shipped`` (see
    :func:`bundled_names`). Writes ``licenses/INDEX.txt`` and returns its rows.
    """
    target = bundle / "licenses"
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for dist in sorted(metadata.distributions(), key=lambda d: (d.metadata["Name"] or "").lower()):
        name = dist.metadata["Name"] or ""
        if not name or name.lower() in seen or name.lower() == APP:
            continue
        roots = _import_roots(dist)
        if not any(root in shipped or f"{root}.libs" in shipped for root in roots):
            continue
        seen.add(name.lower())
        folder = target / f"{name}-{dist.version}"
        copied = []
        for file in dist.files or ():
            in_metadata = file.parts[0].endswith(".dist-info")
            if in_metadata and any(word in file.name.upper() for word in _LICENCE_WORDS):
                source = Path(str(dist.locate_file(file)))
                if source.is_file():
                    dest = folder.joinpath(*file.parts[1:])
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(source, dest)
                    copied.append(dest.relative_to(target).as_posix())
        licence = dist.metadata.get("License-Expression") or (dist.metadata.get("License") or "")
        licence = licence.strip().splitlines()[0][:80] if licence.strip() else "see files"
        rows.append(
            {"name": name, "version": dist.version, "licence": licence, "files": ", ".join(copied)}
        )
    target.mkdir(parents=True, exist_ok=True)
    lines = [
        "Third-party software bundled with Slimme Regio Planner",
        "(name, version, licence as declared by the package; licence texts in this folder)",
        "",
        *(f"{r['name']} {r['version']}: {r['licence']}" for r in rows),
        "",
    ]
    (target / "INDEX.txt").write_text("\n".join(lines), encoding="utf-8")
    return rows


def _run_pyinstaller(dist: Path, work: Path, clean: bool) -> float:
    command = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(work), str(SPEC),
    ]  # fmt: skip
    if clean:
        command.insert(3, "--clean")
    print("build:", " ".join(command), flush=True)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True)
    return time.perf_counter() - start


def _add_extras(bundle: Path, work: Path | None = None) -> None:
    """LICENSE and NOTICE at the top; the Linux desktop integration under share/."""
    shutil.copy2(ROOT / "LICENSE", bundle / "LICENSE")
    notice = ROOT / "resources" / "NOTICE"
    if notice.exists():
        shutil.copy2(notice, bundle / "NOTICE")
    collect_licences(bundle, bundled_names(bundle, work))
    if sys.platform.startswith("linux"):
        icons = ROOT / "resources" / "icons"
        linux = INSTALLER / "linux"
        targets = {
            linux / "slimmeregio.desktop": bundle / "share/applications/slimmeregio.desktop",
            linux / "slimmeregio-mime.xml": bundle / "share/mime/packages/slimmeregio.xml",
            icons / "slimmeregio.svg": bundle / "share/icons/hicolor/scalable/apps/slimmeregio.svg",
            icons / "slimmeregio.png": bundle / "share/icons/hicolor/256x256/apps/slimmeregio.png",
            linux / "install.sh": bundle / "install.sh",
        }
        for source, target in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        (bundle / "install.sh").chmod(0o755)


def _executable(bundle: Path, *, console: bool) -> Path:
    if sys.platform == "win32":
        return bundle / (f"{APP}-cli.exe" if console else f"{APP}.exe")
    return bundle / APP


def _run_selftest(bundle: Path) -> float:
    exe = _executable(bundle, console=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    print(f"build: {exe} --selftest", flush=True)
    start = time.perf_counter()
    result = subprocess.run([str(exe), "--selftest"], env=env, timeout=900, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build: the bundle's self-test failed (exit {result.returncode})")
    return seconds


def _make_tarball(bundle: Path, target: Path, top: str) -> float:
    start = time.perf_counter()
    partial = target.with_name(target.name + ".part")
    with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
        archive.add(bundle, arcname=top)
    os.replace(partial, target)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Build; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    parser.add_argument("--no-selftest", action="store_true")
    parser.add_argument("--no-tarball", action="store_true")
    args = parser.parse_args(argv)

    version = read_version()
    for icon in ("slimmeregio.svg", "slimmeregio.png", "slimmeregio.ico"):
        if not (ROOT / "resources" / "icons" / icon).exists():
            raise SystemExit(f"build: resources/icons/{icon} missing: run installer/make_icons.py")
    dist = args.dist.resolve()
    bundle = dist / APP
    info: dict[str, object] = {
        "version": version,
        "file_version": file_version(version),
        "platform": platform.platform(),
    }
    info["pyinstaller_seconds"] = round(_run_pyinstaller(dist, args.work.resolve(), args.clean), 1)
    _add_extras(bundle, args.work.resolve())
    info["bundle_bytes"] = bundle_size(bundle)
    if not args.no_selftest:
        info["selftest_seconds"] = round(_run_selftest(bundle), 1)
    if sys.platform.startswith("linux") and not args.no_tarball:
        tarball = dist / tarball_name(version)
        info["tarball_seconds"] = round(_make_tarball(bundle, tarball, f"{APP}-{version}"), 1)
        info["tarball"] = tarball.name
        info["tarball_bytes"] = tarball.stat().st_size
    (dist / "build-info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    print("build: done", json.dumps(info), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
