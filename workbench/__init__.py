"""Workbench: an offline translation and normalization workbench for foreign-language news."""

__version__ = "0.1.0"
