"""Build the frozen app with PyInstaller: ``./dev package [--onefile] [--clean] [--compare]``.

One-folder (default, fast start):  dist/shopper-login-desk/shopper-login-desk
  plus dist/shopper-login-desk/shopper-login-desk.desktop and shopper-login-desk.png
One-file (--onefile):              dist/onefile/shopper-login-desk
``--compare`` builds the app and the default hello-world and prints their sizes
(packaging/compare_size.py).

After a one-folder build every bundled ELF file is checked with ldd, so a filter in the spec that
drops something still needed fails the build here rather than on a user's machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
SPEC = PACKAGING / "shopper-login-desk.spec"
NAME = "shopper-login-desk"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"


def onedir_path() -> Path:
    return DIST / NAME


def onefile_path() -> Path:
    return DIST / "onefile" / NAME


def executable(onefile: bool = False) -> Path:
    return onefile_path() if onefile else onedir_path() / NAME


def bundle_stats(path: Path) -> tuple[int, int]:
    """(bytes, files) of a build: a folder's regular files, or one file. Symlinks not counted."""
    if path.is_file():
        return path.stat().st_size, 1
    total = files = 0
    for item in path.rglob("*"):
        if item.is_file() and not item.is_symlink():
            total += item.stat().st_size
            files += 1
    return total, files


def run_pyinstaller(
    target: Path,
    distpath: Path,
    workpath: Path,
    *,
    extra: list[str] | None = None,
    clean: bool = False,
) -> float:
    """Run PyInstaller on a spec or script; returns the seconds it took."""
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(target),
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(distpath),
        "--workpath",
        str(workpath),
    ]
    if clean:
        command.append("--clean")
    command += extra or []
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    return time.perf_counter() - started


def unresolved_links(folder: Path) -> dict[str, list[str]]:
    """Library soname -> bundled ELF files that link to it but whose ldd cannot find it."""
    internal = folder / "_internal"
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}  # what the bootloader sets
    missing: dict[str, list[str]] = {}
    for item in sorted(folder.rglob("*")):
        if not item.is_file() or item.is_symlink():
            continue
        with item.open("rb") as handle:
            if handle.read(4) != b"\x7fELF":
                continue
        result = subprocess.run(
            ["ldd", str(item)], capture_output=True, text=True, env=env, check=False
        )
        for line in result.stdout.splitlines():
            if "not found" in line:
                soname = line.split("=>", 1)[0].strip()
                users = missing.setdefault(soname, [])
                if str(item.relative_to(folder)) not in users:
                    users.append(str(item.relative_to(folder)))
    return missing


def check_links(folder: Path, dropped: set[str]) -> None:
    """Fail if a kept file needs a library the spec dropped or a Qt library; warn about host
    libraries that were not on the build machine (the user's desktop provides those)."""
    missing = unresolved_links(folder)
    fatal = {
        soname: users
        for soname, users in missing.items()
        if soname in dropped or soname.startswith(("libQt6", "libpyside6", "libshiboken6"))
    }
    if fatal:
        lines = [f"{soname} (needed by {', '.join(users[:3])})" for soname, users in fatal.items()]
        raise SystemExit("error: the build lacks libraries it needs:\n  " + "\n  ".join(lines))
    for soname, users in sorted(missing.items()):
        print(
            f"note: {soname} is not installed on this build machine, so it is not bundled; "
            f"{len(users)} bundled file(s) such as {users[0]} need it from the user's system"
        )


def build(*, onefile: bool = False, clean: bool = False, strip: bool = True) -> Path:
    """Build and return the executable."""
    spec_args = ["--"] + (["--onefile"] if onefile else []) + ([] if strip else ["--no-strip"])
    distpath = onefile_path().parent if onefile else DIST
    workpath = WORK.with_name(WORK.name + ("-onefile" if onefile else ""))
    seconds = run_pyinstaller(SPEC, distpath, workpath, extra=spec_args, clean=clean)
    program = executable(onefile)
    if not onefile:
        folder = onedir_path()
        shutil.copy2(PACKAGING / "linux" / f"{NAME}.desktop", folder / f"{NAME}.desktop")
        shutil.copy2(workpath / SPEC.stem / "icons" / f"{NAME}.png", folder / f"{NAME}.png")
        if sys.platform.startswith("linux"):
            dropped_list = workpath / SPEC.stem / "dropped-binaries.txt"
            check_links(folder, set(dropped_list.read_text(encoding="utf-8").split()))
    size, files = bundle_stats(program if onefile else onedir_path())
    where = program if onefile else onedir_path()
    print(
        f"built {where.relative_to(ROOT)} in {seconds:.0f} s: {size / 1e6:.1f} MB, "
        f"{files} file{'s' if files != 1 else ''}"
    )
    return program


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev package", description=__doc__.split("\n\n")[0])
    parser.add_argument("--onefile", action="store_true", help="one self-unpacking file")
    parser.add_argument("--clean", action="store_true", help="drop PyInstaller's cache first")
    parser.add_argument("--no-strip", action="store_true", help="keep debug symbols")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also build the default hello-world and print both sizes (compare_size.py)",
    )
    args = parser.parse_args(argv)
    if args.compare:
        import compare_size

        return compare_size.main(["--onefile"] if args.onefile else [])
    build(onefile=args.onefile, clean=args.clean, strip=not args.no_strip)
    return 0


if __name__ == "__main__":
    sys.exit(main())
