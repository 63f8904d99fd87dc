"""What a safe install costs: checks, unpacking, loading the tokenizer and model, against a
plain unzip (what argospm does).

Run:  .venv/bin/python benchmarks/bench_install.py [--repeat 3]

The package has the shape of Argos's fr→en 1.9 package (6+6 layers, d_model 512, vocabulary
59.5k, int8; random weights), built once into benchmarks/.cache/ (shared with
bench_translate.py). Each figure is the median of --repeat runs into a fresh packages folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"
PACKAGE = CACHE / "translate-fr_en-opus-shape.argosmodel"


def ensure_package() -> Path:
    from workbench.mt.synthetic import OPUS_MT, build_package

    if not PACKAGE.exists():
        print("building the OPUS-MT-shaped package (once)...", file=sys.stderr, flush=True)
        texts = [
            line for p in sorted((ROOT / "seeds").glob("*.txt")) for line in p.read_text("utf-8").splitlines()
        ]
        build_package(PACKAGE, texts, shape=OPUS_MT)
    return PACKAGE


def timed(step: Callable[[Path], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            folder = Path(tmp) / "packages"
            folder.mkdir()
            os.environ["ARGOS_PACKAGES_DIR"] = str(folder)
            start = time.perf_counter()
            step(folder)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    package = ensure_package()
    from workbench.mt import packages

    archive = packages.check_archive(package)

    def unzip(folder: Path) -> None:
        with zipfile.ZipFile(package) as zf:
            zf.extractall(folder)

    def verify(folder: Path) -> None:
        with zipfile.ZipFile(package) as zf:
            zf.extractall(folder)
        packages.verify_package(folder / archive.top, package.name)

    print(f"package: {package.stat().st_size / 1e6:.1f} MB, {len(archive.members)} members")
    figures = {
        "plain unzip (argospm)": timed(unzip, args.repeat),
        "check_archive (CRC of every member)": timed(lambda f: packages.check_archive(package), args.repeat),
        "verify_package (tokenizer, model load, one decode)": timed(verify, args.repeat)
        - timed(unzip, args.repeat),
        "install_archive (all of it)": timed(lambda f: packages.install_archive(package), args.repeat),
    }
    for name, seconds in figures.items():
        print(f"{name:<52} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
