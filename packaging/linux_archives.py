"""The Linux archives of the bundle: a `.tar.gz` installed per user by its install.sh, and a
`.deb` (dpkg-deb) installing into /opt/shuttersense for the whole machine."""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import os
import shutil
import subprocess
import tarfile
from datetime import date
from pathlib import Path

__all__ = ["build_deb", "build_tarball"]

HERE = Path(__file__).resolve().parent
LINUX = HERE / "linux"
DEB = HERE / "deb"
METAINFO = "com.shuttersense.ShutterSense.metainfo.xml"
PROGRAMS = ("shuttersense-desktop", "shuttersense-agent", "shuttersense-coordinator")


def _fill(template: Path, **values: str) -> str:
    text = template.read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    return text


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def _share(share: Path, icons: Path, version: str, exec_line: str) -> None:
    """The desktop entry, the hicolor icons and the AppStream metainfo under `share`."""
    entry = _fill(LINUX / "shuttersense.desktop")
    entry = entry.replace("Exec=shuttersense-desktop", f"Exec={exec_line}")
    entry = entry.replace("TryExec=shuttersense-desktop", f"TryExec={exec_line}")
    _write(share / "applications" / "shuttersense.desktop", entry)
    shutil.copytree(icons / "hicolor", share / "icons" / "hicolor")
    metainfo = _fill(LINUX / METAINFO, VERSION=version, DATE=date.today().isoformat())
    _write(share / "metainfo" / METAINFO, metainfo)


def _normalise(root: Path) -> None:
    """Folders 0755, programs (ELF executables, scripts, the bundle's executable) 0755, every
    other file 0644: what the archive holds does not depend on the build machine's umask."""
    for folder, subfolders, files in os.walk(root):
        for name in subfolders:
            path = Path(folder, name)
            if not path.is_symlink():
                path.chmod(0o755)
        for name in files:
            path = Path(folder, name)
            if path.is_symlink():
                continue
            with path.open("rb") as opened:
                head = opened.read(4)
            runnable = head.startswith(b"#!") or (head == b"\x7fELF" and ".so" not in name)
            path.chmod(0o755 if runnable else 0o644)


def build_tarball(bundle: Path, icons: Path, out: Path, version: str, machine: str) -> Path:
    """`out/shuttersense-VERSION-linux-MACHINE.tar.gz`: the bundle, install.sh, uninstall.sh and
    what the menu needs (the desktop entry gets its Exec from install.sh)."""
    name = f"shuttersense-{version}-linux-{machine}"
    staging = out / name
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(bundle, staging / "shuttersense", symlinks=True)
    _share(staging / "share", icons, version, "shuttersense-desktop")
    for script in ("install.sh", "uninstall.sh"):
        shutil.copyfile(LINUX / script, staging / script)
    _normalise(staging)
    archive = out / f"{name}.tar.gz"
    with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
        tar.add(staging, arcname=name, filter=_owned_by_root)
    shutil.rmtree(staging)
    return archive


def _owned_by_root(member: tarfile.TarInfo) -> tarfile.TarInfo:
    member.uid = member.gid = 0
    member.uname = member.gname = "root"
    return member


def _unit(source: Path) -> str:
    """A service unit of packaging/systemd with the programs where the package puts them."""
    return source.read_text(encoding="utf-8").replace("/usr/local/bin/", "/usr/bin/")


def _installed_kib(root: Path) -> int:
    size = sum(path.lstat().st_size for path in root.rglob("*") if not path.is_dir())
    return (size + 1023) // 1024


def _md5sums(root: Path) -> None:
    """DEBIAN/md5sums: what `dpkg --verify` checks the installed files against."""
    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            lines.append(f"{digest}  {path.relative_to(root)}\n")
    _write(root / "DEBIAN" / "md5sums", "".join(lines))


def build_deb(bundle: Path, icons: Path, out: Path, version: str, arch: str) -> Path:
    """`out/shuttersense_VERSION_ARCH.deb`, built with dpkg-deb from a staged tree."""
    root = out / f"shuttersense_{version}_{arch}"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(bundle, root / "opt" / "shuttersense", symlinks=True)
    usr_bin = root / "usr" / "bin"
    usr_bin.mkdir(parents=True)
    for program in PROGRAMS:
        (usr_bin / program).symlink_to(f"/opt/shuttersense/{program}")
    _share(root / "usr" / "share", icons, version, "shuttersense-desktop")
    for unit in sorted((HERE / "systemd").glob("*.service")):
        _write(root / "lib" / "systemd" / "system" / unit.name, _unit(unit))
    doc = root / "usr" / "share" / "doc" / "shuttersense"
    _write(doc / "copyright", (DEB / "copyright").read_text(encoding="utf-8"))
    changelog = _fill(DEB / "changelog", VERSION=version, DATE=email.utils.formatdate())
    doc.joinpath("changelog.gz").write_bytes(gzip.compress(changelog.encode(), 9, mtime=0))
    overrides = root / "usr" / "share" / "lintian" / "overrides" / "shuttersense"
    _write(overrides, (DEB / "lintian-overrides").read_text(encoding="utf-8"))
    _normalise(root)
    _md5sums(root)
    control = root / "DEBIAN"
    size = str(_installed_kib(root))
    _write(control / "control", _fill(DEB / "control", VERSION=version, ARCH=arch, SIZE=size))
    for script in ("postinst", "postrm"):
        _write(control / script, (DEB / script).read_text(encoding="utf-8"), 0o755)
    package = out / f"shuttersense_{version}_{arch}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(root), str(package)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(root)
    return package
