"""setuptools' build backend, asking for Cython only when it is needed.

A pure-Python install (``FASTSEXPR_NO_EXTENSIONS=1``) builds no extension,
so it must not make pip fetch and install Cython first.
"""
import os

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F401,F403  (the whole PEP 517 API)


def _extension_requires():
    if os.environ.get("FASTSEXPR_NO_EXTENSIONS", "") not in ("", "0"):
        return []
    return ["Cython>=3"]


def get_requires_for_build_wheel(config_settings=None):
    return _setuptools.get_requires_for_build_wheel(config_settings) + _extension_requires()


def get_requires_for_build_editable(config_settings=None):
    return _setuptools.get_requires_for_build_editable(config_settings) + _extension_requires()


def get_requires_for_build_sdist(config_settings=None):
    return _setuptools.get_requires_for_build_sdist(config_settings) + _extension_requires()
