"""The installer files agree with each other and with the package.

The PyInstaller spec, the Inno Setup script, the Linux desktop entry, the
MIME type, the install script and the CI workflow name the same executable,
version, project-file extension and icon; every file they refer to exists.
The spec is executed with stand-ins for PyInstaller's build classes, so what
it would bundle is checked without building (the real build runs in CI via
``installer/build.py``).
"""

from __future__ import annotations

import configparser
import importlib.util
import os
import re
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import slimmeregio

ROOT = Path(__file__).resolve().parents[1]
INSTALLER = ROOT / "installer"
ISS = INSTALLER / "windows" / "slimmeregio.iss"
DESKTOP = INSTALLER / "linux" / "slimmeregio.desktop"
MIME = INSTALLER / "linux" / "slimmeregio-mime.xml"
INSTALL_SH = INSTALLER / "linux" / "install.sh"
WORKFLOW = ROOT / ".github" / "workflows" / "windows-installer.yml"
ICONS = ROOT / "resources" / "icons"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build() -> ModuleType:
    return _load("slimmeregio_installer_build", INSTALLER / "build.py")


@pytest.fixture(scope="module")
def launcher() -> ModuleType:
    return _load("slimmeregio_installer_launcher", INSTALLER / "launcher.py")


def _iss_defines() -> dict[str, str]:
    return dict(re.findall(r'^#define (\w+) "([^"]*)"', ISS.read_text(encoding="utf-8"), re.M))


def _iss_setup() -> dict[str, str]:
    text = ISS.read_text(encoding="utf-8")
    section = text.split("[Setup]", 1)[1].split("\n[", 1)[0]
    pairs = (
        line.split("=", 1)
        for line in section.splitlines()
        if "=" in line and not line.startswith(";")
    )
    return {key.strip(): value.strip() for key, value in pairs}


# ---------------------------------------------------------------------------
# Version and names
# ---------------------------------------------------------------------------


def test_build_reads_the_package_version(build: ModuleType) -> None:
    assert build.read_version() == slimmeregio.__version__
    assert build.tarball_name("1.2.3", "x86_64") == "slimmeregio-1.2.3-linux-x86_64.tar.gz"


def test_iss_takes_the_version_from_the_build(build: ModuleType) -> None:
    text = ISS.read_text(encoding="utf-8")
    setup = _iss_setup()
    # No version is hard-coded: the build passes it, or the compile fails.
    assert "#ifndef AppVersion" in text and "#error" in text
    assert setup["AppVersion"] == "{#AppVersion}"
    assert setup["OutputBaseFilename"] == "slimmeregio-{#AppVersion}-windows-x64-setup"
    assert "#ifndef FileVersion" in text and setup["VersionInfoVersion"] == "{#FileVersion}"
    workflow = WORKFLOW.read_text(encoding="utf-8")
    assert '"/DAppVersion=$($info.version)"' in workflow
    assert '"/DFileVersion=$($info.file_version)"' in workflow
    assert "dist/build-info.json" in workflow


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.1.0", "0.1.0.0"),
        ("2.3", "2.3.0.0"),
        ("0.2.0rc1", "0.2.0.0"),
        ("1.2.3.4.5", "1.2.3.4"),
        ("dev", "0.0.0.0"),
    ],
)
def test_windows_file_version(build: ModuleType, version: str, expected: str) -> None:
    assert build.file_version(version) == expected


def test_iss_identity_and_per_machine_install() -> None:
    setup = _iss_setup()
    assert re.fullmatch(
        r"\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", setup["AppId"]
    )
    assert setup["PrivilegesRequired"] == "admin"
    assert setup["DefaultDirName"].startswith("{autopf}")
    assert setup["ChangesAssociations"] == "yes"
    assert setup["AppPublisher"] == "{#AppPublisher}" and _iss_defines()["AppPublisher"]
    assert setup["ArchitecturesInstallIn64BitMode"] == "x64compatible"


def test_iss_names_the_executables_the_spec_builds() -> None:
    defines = _iss_defines()
    assert defines["AppExeName"] == "slimmeregio.exe"
    spec = (INSTALLER / "slimmeregio.spec").read_text(encoding="utf-8")
    assert 'APP_NAME = "slimmeregio"' in spec and 'name=f"{APP_NAME}-cli"' in spec
    assert defines["BundleDir"].replace("\\", "/").endswith("dist/slimmeregio")
    assert 'slimmeregio-cli.exe" --selftest' in WORKFLOW.read_text(encoding="utf-8")


def test_iss_associates_srp_with_the_app() -> None:
    defines = _iss_defines()
    text = ISS.read_text(encoding="utf-8")
    assert defines["ProjectExt"] == ".srp"
    progid = defines["ProjectProgId"]
    assert f'"{progid}"' in WORKFLOW.read_text(encoding="utf-8")
    registry = text.split("[Registry]", 1)[1].split("\n[", 1)[0]
    assert (
        r'Subkey: "Software\Classes\{#ProjectExt}"; ValueType: string; ValueName: ""; ValueData: "{#ProjectProgId}"'
        in registry
    )
    assert (
        r'shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExeName}"" ""%1"""'
        in registry
    )
    # Everything written is removed on uninstall: the value itself, or a key
    # above it that is deleted whole.
    entries = [ln for ln in registry.splitlines() if ln.startswith("Root:")]
    subkey = re.compile(r'Subkey: "([^"]+)"')
    deleted = [subkey.search(ln).group(1) for ln in entries if "uninsdeletekey" in ln]  # type: ignore[union-attr]
    for line in entries:
        key = subkey.search(line).group(1)  # type: ignore[union-attr]
        assert "uninsdelete" in line or any(key.startswith(d + "\\") for d in deleted), line


def test_iss_paths_exist() -> None:
    setup = _iss_setup()
    base = ISS.parent
    for key in ("LicenseFile", "SetupIconFile"):
        path = (base / setup[key].replace("\\", "/")).resolve()
        assert path.is_file(), f"{key}: {path}"
    assert (base / setup["OutputDir"].replace("\\", "/")).resolve() == ROOT / "dist"
    assert (
        base / _iss_defines()["BundleDir"].replace("\\", "/")
    ).resolve() == ROOT / "dist" / "slimmeregio"


def test_iss_languages_dutch_first() -> None:
    text = ISS.read_text(encoding="utf-8")
    languages = re.findall(r'^Name: "(\w+)"; MessagesFile', text, re.M)
    assert languages[0] == "dutch" and "english" in languages
    for message in re.findall(r"\{cm:(\w+)", text):
        builtin = {"CreateDesktopIcon", "AdditionalIcons", "LaunchProgram"}
        assert message in builtin or (f"dutch.{message}=" in text and f"english.{message}=" in text)


# ---------------------------------------------------------------------------
# Linux desktop integration
# ---------------------------------------------------------------------------


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_matches_bundle_icon_and_mime_type() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "slimmeregio" and entry["Exec"].split()[1] in {"%f", "%F"}
    assert entry["TryExec"] == "slimmeregio"
    assert entry["Icon"] == "slimmeregio" and (ICONS / "slimmeregio.svg").is_file()
    assert entry["Terminal"] == "false"
    for key in ("Categories", "MimeType", "Keywords"):
        assert entry[key].endswith(";"), key
    mime = ET.parse(MIME).getroot()
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime_type = mime.find("m:mime-type", ns)
    assert mime_type is not None
    assert entry["MimeType"] == mime_type.get("type") + ";"
    glob = mime_type.find("m:glob", ns)
    assert glob is not None and glob.get("pattern") == "*" + _iss_defines()["ProjectExt"]


def test_install_script_installs_and_uninstalls_for_a_user(
    tmp_path: Path, build: ModuleType
) -> None:
    if shutil.which("sh") is None or sys.platform == "win32":
        pytest.skip("needs a POSIX shell")
    bundle = tmp_path / "unpacked" / "slimmeregio-9.9"
    bundle.mkdir(parents=True)
    exe = bundle / "slimmeregio"
    exe.write_text("#!/bin/sh\necho ok\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    if sys.platform.startswith("linux"):
        build._add_extras(bundle)
    else:
        pytest.skip("the desktop integration is Linux only")
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    run = subprocess.run(
        ["sh", str(bundle / "install.sh")], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    share = home / ".local" / "share"
    desktop = (share / "applications" / "slimmeregio.desktop").read_text()
    assert f'Exec="{bundle}/slimmeregio" %f' in desktop
    assert f"TryExec={bundle}/slimmeregio" in desktop
    assert (share / "icons/hicolor/scalable/apps/slimmeregio.svg").is_file()
    assert (share / "icons/hicolor/256x256/apps/slimmeregio.png").is_file()
    assert (share / "mime/packages/slimmeregio.xml").is_file()
    link = home / ".local" / "bin" / "slimmeregio"
    assert link.is_symlink() and link.resolve() == exe.resolve()
    run = subprocess.run(
        ["sh", str(bundle / "install.sh"), "--uninstall"], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert not (share / "applications" / "slimmeregio.desktop").exists()
    assert not link.exists() and not link.is_symlink()
    assert exe.exists(), "a user uninstall leaves the unpacked folder alone"


def test_build_packages_the_bundle(
    tmp_path: Path, build: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    """build.py's packaging around PyInstaller, with PyInstaller and the self-test stood in."""
    import json
    import tarfile

    if not sys.platform.startswith("linux"):
        pytest.skip("the tarball is made on Linux")
    dist = tmp_path / "dist"

    def fake_pyinstaller(dist_dir: Path, work: Path, clean: bool) -> float:
        internal = dist_dir / "slimmeregio" / "_internal"
        (internal / "numpy").mkdir(parents=True)  # a bundled third-party package
        exe = dist_dir / "slimmeregio" / "slimmeregio"
        exe.write_text("#!/bin/sh\n")
        exe.chmod(0o755)
        return 1.0

    selftests: list[Path] = []
    monkeypatch.setattr(build, "_run_pyinstaller", fake_pyinstaller)
    monkeypatch.setattr(build, "_run_selftest", lambda bundle: selftests.append(bundle) or 2.0)
    assert build.main(["--dist", str(dist), "--work", str(tmp_path / "work")]) == 0
    assert selftests == [dist / "slimmeregio"]
    info = json.loads((dist / "build-info.json").read_text())
    version = slimmeregio.__version__
    assert info["version"] == version and info["file_version"] == build.file_version(version)
    assert info["tarball"] == build.tarball_name(version)
    with tarfile.open(dist / info["tarball"]) as archive:
        members = {m.name: m for m in archive.getmembers()}
    top = f"slimmeregio-{version}"
    for name in (
        "slimmeregio",
        "install.sh",
        "LICENSE",
        "share/applications/slimmeregio.desktop",
        "licenses/INDEX.txt",
    ):
        assert f"{top}/{name}" in members, name
    assert members[f"{top}/install.sh"].mode & 0o111 and members[f"{top}/slimmeregio"].mode & 0o111
    assert any(n.startswith(f"{top}/licenses/numpy-") for n in members), (
        "numpy's licence is included"
    )
    assert not list(dist.glob("*.part")), "no partial tarball left"


def test_install_script_refuses_bad_options(tmp_path: Path) -> None:
    if shutil.which("sh") is None or sys.platform == "win32":
        pytest.skip("needs a POSIX shell")
    run = subprocess.run(["sh", str(INSTALL_SH), "--bogus"], capture_output=True, text=True)
    assert run.returncode == 2 and "unknown option" in run.stderr


# ---------------------------------------------------------------------------
# Icons
# ---------------------------------------------------------------------------


def test_icon_files() -> None:
    from PIL import Image

    svg = ET.parse(ICONS / "slimmeregio.svg").getroot()
    assert svg.get("viewBox") == "0 0 256 256"
    with Image.open(ICONS / "slimmeregio.png") as png:
        assert png.size == (256, 256) and png.mode == "RGBA"
        assert png.getpixel((0, 0))[3] == 0, "rounded corners are transparent"
        assert png.getpixel((128, 200))[3] == 255
    with Image.open(ICONS / "slimmeregio.ico") as ico:
        sizes = {size[0] for size in ico.info["sizes"]}
    assert {16, 24, 32, 48, 256} <= sizes


# ---------------------------------------------------------------------------
# The launcher's arguments
# ---------------------------------------------------------------------------

COMMANDS = {"open", "selftest", "run", "export", "scenario"}


@pytest.mark.parametrize(
    ("argv", "files", "expected"),
    [
        ([], set(), []),
        (["--selftest"], set(), ["selftest"]),
        (["--lang", "en", "--selftest"], set(), ["--lang", "en", "selftest"]),
        (["--selftest", "--out", "x"], set(), ["selftest", "--out", "x"]),
        (["C:/plannen/halle.srp"], {"C:/plannen/halle.srp"}, ["open", "C:/plannen/halle.srp"]),
        (["--lang", "en", "p.srp"], {"p.srp"}, ["--lang", "en", "open", "p.srp"]),
        (["run", "s.toml", "--out", "d"], {"s.toml"}, ["run", "s.toml", "--out", "d"]),
        (["missing.srp"], set(), ["missing.srp"]),  # the CLI reports the unknown command
        (["--version"], set(), ["--version"]),
        # A file literally named like a command is still the command.
        (["run"], {"run"}, ["run"]),
    ],
)
def test_translate_argv(
    launcher: ModuleType, argv: list[str], files: set[str], expected: list[str]
) -> None:
    assert launcher.translate_argv(argv, commands=COMMANDS, is_file=files.__contains__) == expected


def test_launcher_knows_the_real_commands(launcher: ModuleType) -> None:
    from slimmeregio.cli import cli

    assert {"open", "selftest"} <= set(cli.commands)


def _report(ok: bool) -> Any:
    from slimmeregio.exporters.selftest import CHECKS, Check, SelftestReport

    status = "ok" if ok else "failed"
    return SelftestReport(tuple(Check(name, status, "x") for name, _title in CHECKS))


@pytest.mark.parametrize(
    ("qt_ok", "core_ok", "expected"), [(True, True, 0), (False, True, 1), (True, False, 1)]
)
def test_launcher_selftest_needs_qt_and_core(
    launcher: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    qt_ok: bool,
    core_ok: bool,
    expected: int,
) -> None:
    from slimmeregio.exporters import selftest

    monkeypatch.setattr(launcher, "check_qt", lambda: (qt_ok, "offscreen, window drawn"))
    monkeypatch.setattr(selftest, "run_selftest", lambda **kwargs: _report(core_ok))
    assert launcher.main(["--lang", "en", "--selftest"]) == expected
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("OK   qt" if qt_ok else "FAIL qt")
    assert ("FAILED" in out) is (expected != 0)


def test_launcher_passes_other_commands_through(
    launcher: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        launcher, "check_qt", lambda: pytest.fail("Qt is only checked by --selftest")
    )
    assert launcher.main(["--version"]) == 0
    assert slimmeregio.__version__ in capsys.readouterr().out


def test_check_qt_draws_the_main_window(
    launcher: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundle's Qt check, run here: the real main window offscreen."""
    pytest.importorskip("PyQt6.QtWidgets")
    monkeypatch.setenv("SLIMMEREGIO_SETTINGS_DIR", str(tmp_path / "mine"))
    ok, detail = launcher.check_qt()
    assert ok, detail
    assert "main window drawn" in detail
    # The check used its own settings folder and restored the caller's.
    assert os.environ["SLIMMEREGIO_SETTINGS_DIR"] == str(tmp_path / "mine")
    assert not (tmp_path / "mine").exists()


# ---------------------------------------------------------------------------
# The spec, executed with stand-ins for PyInstaller's classes
# ---------------------------------------------------------------------------


class _Recorder:
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]]

    def __init__(self) -> None:
        self.calls = []

    def factory(self, name: str) -> Any:
        recorder = self

        class Stand:
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                recorder.calls.append((name, args, kwargs))
                self.args, self.kwargs = args, kwargs
                self.scripts, self.pure, self.binaries = [], [], []
                self.datas = kwargs.get("datas", [])

        return Stand

    def named(self, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        return [(args, kwargs) for call, args, kwargs in self.calls if call == name]


@pytest.fixture(scope="module")
def spec_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[_Recorder, Path]:
    pytest.importorskip("PyInstaller", reason="PyInstaller is the optional 'installer' extra")
    work = tmp_path_factory.mktemp("pyinstaller-work")
    recorder = _Recorder()
    namespace: dict[str, Any] = {
        "SPECPATH": str(INSTALLER),
        "workpath": str(work),
        "DISTPATH": str(work / "dist"),
        "__file__": str(INSTALLER / "slimmeregio.spec"),
    }
    for name in ("Analysis", "PYZ", "EXE", "COLLECT"):
        namespace[name] = recorder.factory(name)
    code = compile(
        (INSTALLER / "slimmeregio.spec").read_text(encoding="utf-8"), "slimmeregio.spec", "exec"
    )
    exec(code, namespace)  # noqa: S102 - our own build script, as PyInstaller runs it
    return recorder, work / "stage" / "slimmeregio"


def test_spec_stages_every_package_of_pyproject(spec_run: tuple[_Recorder, Path]) -> None:
    import tomllib

    _recorder, staged = spec_run
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"
    ]
    for package in packages:
        rel = package.split(".", 1)[1].replace(".", "/") if "." in package else ""
        assert (staged / rel / "__init__.py").is_file(), package
    assert (staged / "cli.py").is_file()
    # Build inputs and caches are not shipped.
    assert not list(staged.rglob("__pycache__"))
    assert not (staged / "resources" / "sources").exists()
    assert not (staged / "tests").exists() and not (staged / "installer").exists()


def test_spec_analysis_inputs(spec_run: tuple[_Recorder, Path]) -> None:
    recorder, staged = spec_run
    [(args, kwargs)] = recorder.named("Analysis")
    assert Path(args[0][0]) == INSTALLER / "launcher.py"
    assert kwargs["pathex"] == [str(staged.parent)]
    hidden = set(kwargs["hiddenimports"])
    assert {
        "slimmeregio.cli",
        "slimmeregio.exporters.selftest",
        "slimmeregio.layers.model",
    } <= hidden
    if (ROOT / "desktop" / "app.py").exists():
        assert "slimmeregio.desktop.app" in hidden
    assert "rasterio._shim" in hidden or any(h.startswith("rasterio.") for h in hidden)
    dests = {(Path(src).name, dest.replace("\\", "/")) for src, dest in kwargs["datas"]}
    names = {name for name, _dest in dests}
    # Data the libraries need at run time.
    assert ("proj.db", "pyproj/proj_dir/share/proj") in dests
    assert any(n == "proj.db" and d.startswith("pyogrio") for n, d in dests)
    assert any(d.startswith("pyogrio/gdal_data") for _n, d in dests)
    assert any(d.startswith("rasterio/gdal_data") for _n, d in dests)
    assert any(n == "default.pptx" and d.startswith("pptx/templates") for n, d in dests)
    assert any(d.startswith("folium/templates") for _n, d in dests)
    assert any(d.startswith("branca/templates") for _n, d in dests)
    assert any(d.startswith("matplotlib/mpl-data") for _n, d in dests)
    assert not any("/tests" in d for _n, d in dests if d.startswith(("pyogrio", "rasterio")))
    # The app's own data: icons, and the embedded region when it is built.
    assert ("slimmeregio.svg", "slimmeregio/resources/icons") in dests
    assert "LICENSE" in names
    for shipped in ("region.gpkg", "bevolking_100m.tif", "NOTICE"):
        if (ROOT / "resources" / shipped).exists():
            assert (shipped, "slimmeregio/resources") in dests, shipped
    assert "tkinter" in kwargs["excludes"] and "pytest" in kwargs["excludes"]


def test_spec_builds_one_windowed_folder(spec_run: tuple[_Recorder, Path]) -> None:
    recorder, _staged = spec_run
    exes = recorder.named("EXE")
    gui = [kw for _a, kw in exes if kw["name"] == "slimmeregio"]
    assert len(gui) == 1 and gui[0]["console"] is False and gui[0]["exclude_binaries"] is True
    expected = 2 if sys.platform == "win32" else 1
    assert len(exes) == expected
    [(_args, collect)] = recorder.named("COLLECT")
    assert collect["name"] == "slimmeregio"


def test_workflow_builds_tests_and_uploads() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert re.search(r"runs-on: windows-", text)
    assert 'python -m pip install ".[installer]"' in text
    assert "python installer/build.py" in text
    assert r"installer\windows\slimmeregio.iss" in text
    assert "choco install innosetup" in text
    assert "unins000.exe" in text and "/VERYSILENT" in text
    assert "actions/upload-artifact@" in text
    # Every repository path the workflow names exists.
    for rel in re.findall(r"installer[/\\][\w/\\.-]+\.(?:py|iss)", text):
        assert (ROOT / rel.replace("\\", "/")).is_file(), rel
