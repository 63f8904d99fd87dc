"""Argos Translate packages: find, check, install and remove them.

One module a job, each importing only those listed above it:

    installed   installed models and the names users give them (fr-en, translate-fr_en-1_9)
    archive     what an archive must be: checked before a byte is written, loaded once unpacked
    stages      staging folders beside the packages folder, where no other tool looks
    install     install a checked archive in one rename; remove a model in one rename
    index       the package index: its location, its entries, the copy kept for offline advice
    advice      what to install when a pair is missing, naming only installs that can happen
    download    install from the index: the only network access, when the user asks for it

This module re-exports the API the rest of the workbench uses.
"""

from workbench.mt.packages.advice import missing_model_advice
from workbench.mt.packages.archive import Archive, check_archive, verify_package
from workbench.mt.packages.download import fetch_index, install_from_index
from workbench.mt.packages.index import IndexEntry, cached_index, index_url, parse_index
from workbench.mt.packages.install import Progress, install_archive, install_stream, remove
from workbench.mt.packages.installed import (
    InstalledModel,
    PackageError,
    PackageName,
    find_model,
    installed_models,
    packages_dir,
    parse_name,
    parse_pair,
    read_installed,
    scan_packages,
    search_dirs,
    workbench_dir,
)
from workbench.mt.packages.stages import clean_stale, staging

__all__ = [
    "Archive",
    "IndexEntry",
    "InstalledModel",
    "PackageError",
    "PackageName",
    "Progress",
    "cached_index",
    "check_archive",
    "clean_stale",
    "fetch_index",
    "find_model",
    "index_url",
    "install_archive",
    "install_from_index",
    "install_stream",
    "installed_models",
    "missing_model_advice",
    "packages_dir",
    "parse_index",
    "parse_name",
    "parse_pair",
    "read_installed",
    "remove",
    "scan_packages",
    "search_dirs",
    "staging",
    "verify_package",
    "workbench_dir",
]
