"""Build the installable forms of ShutterSense, one command each (run from the repository root,
in a virtual environment holding `pip install -e '.[packaging]'`):

    python packaging/build.py bundle    # dist/shuttersense/: the PyInstaller folder (Linux, macOS)
    python packaging/build.py tarball   # dist/shuttersense-VERSION-linux-ARCH.tar.gz (Linux)
    python packaging/build.py deb       # dist/shuttersense_VERSION_ARCH.deb (Linux, dpkg-deb)
    python packaging/build.py app       # dist/ShutterSense.app (macOS only)

`tarball` and `deb` build the bundle first unless `--bundle DIR` names one already built. The
wheel is `python -m build --wheel`. docs/deployment.md says what each holds.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from icons import render_icons  # noqa: E402 (packaging/ is not a package: its own folder)
from linux_archives import build_deb, build_tarball  # noqa: E402

__all__ = ["build_bundle", "main"]

ROOT = HERE.parent
PROGRAM = "shuttersense"
AREAS = ("common", "coordinator", "desktop", "migrations")
LINKS = ("shuttersense-desktop", "shuttersense-agent", "shuttersense-coordinator")


def package_version() -> str:
    return importlib.metadata.version("shuttersense")


def _stage(work: Path) -> Path:
    """The source folders copied under their import names (`shuttersense/common`, ...)."""
    stage = work / "stage"
    shutil.rmtree(stage, ignore_errors=True)
    for area in AREAS:
        shutil.copytree(
            ROOT / area,
            stage / "shuttersense" / area,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    return stage


def build_bundle(out: Path, work: Path) -> Path:
    """The one-folder bundle `out/shuttersense/`, its executable linked under each program's
    name; on macOS also `out/ShutterSense.app`."""
    icons = render_icons(HERE / "icons" / "shuttersense.svg", work / "icons")
    env = {
        **os.environ,
        "SHUTTERSENSE_BUNDLE_VERSION": package_version(),
        "SHUTTERSENSE_BUNDLE_ICONS": str(icons),
        "SHUTTERSENSE_BUNDLE_STAGE": str(_stage(work)),
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level=WARN",
            f"--distpath={out}",
            f"--workpath={work / 'pyinstaller'}",
            str(HERE / "shuttersense.spec"),
        ],
        check=True,
        env=env,
        cwd=work,  # not the repository: its shuttersense.egg-info is no part of the bundle
    )
    folder = out / PROGRAM
    if sys.platform.startswith("linux"):
        _drop_build_paths(folder)
    for link in LINKS:
        (folder / link).unlink(missing_ok=True)
        (folder / link).symlink_to(PROGRAM)
    return folder


def _drop_build_paths(folder: Path) -> None:
    """Remove the build machine's library search paths (RUNPATH) from the bundle's ELF files,
    keeping only those relative to the file ($ORIGIN, Qt's): the bundle loads its own."""
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        with path.open("rb") as opened:
            if opened.read(4) != b"\x7fELF":
                continue
        found = subprocess.run(
            ["patchelf", "--print-rpath", str(path)], capture_output=True, text=True, check=True
        ).stdout.strip()
        entries = [entry for entry in found.split(":") if entry]
        kept = [entry for entry in entries if entry.startswith("$ORIGIN")]
        if kept == entries:
            continue
        change = ["--set-rpath", ":".join(kept)] if kept else ["--remove-rpath"]
        subprocess.run(["patchelf", *change, str(path)], check=True)


def _bundle(args: argparse.Namespace) -> Path:
    if args.bundle:
        return Path(args.bundle)
    return build_bundle(args.out, args.work)


def _arch() -> str:
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="packaging/build.py", description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("bundle", "tarball", "deb", "app"))
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="default: dist/")
    parser.add_argument(
        "--work", type=Path, default=ROOT / "build" / "packaging", help="default: build/packaging/"
    )
    parser.add_argument("--bundle", metavar="DIR", help="an already built bundle folder")
    args = parser.parse_args(argv)
    needs = {"app": "darwin", "tarball": "linux", "deb": "linux"}.get(args.what)
    if needs and not sys.platform.startswith(needs):
        parser.error(f"'{args.what}' is built on {'macOS' if needs == 'darwin' else 'Linux'}")
    args.out = args.out.resolve()
    args.work = args.work.resolve()
    started = time.monotonic()
    version = package_version()
    if args.what in ("bundle", "app"):
        made = build_bundle(args.out, args.work)
        if args.what == "app":
            made = args.out / "ShutterSense.app"
    elif args.what == "tarball":
        made = build_tarball(
            _bundle(args), args.work / "icons", args.out, version, platform.machine()
        )
    else:
        made = build_deb(_bundle(args), args.work / "icons", args.out, version, _arch())
    print(f"{made} ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
