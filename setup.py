"""Declares the compiled extensions; all metadata lives in pyproject.toml.

FASTSEXPR_NO_EXTENSIONS=1 at build time installs the pure-Python package.
"""
import os
import sys

from setuptools import Extension, setup

ext_modules = []
if os.environ.get("FASTSEXPR_NO_EXTENSIONS", "") in ("", "0"):
    # Debug symbols would make the shipped modules several times larger.
    strip = ["-Wl,--strip-all"] if sys.platform.startswith("linux") else []
    ext_modules = [
        Extension("fastsexpr.syntax._core", ["src/fastsexpr/syntax/_core.pyx"],
                  extra_link_args=strip),
        # A semantic-layer module compiled from its .py (Cython's pure-Python
        # mode, typed by the .pxd beside it): the pure install runs the .py.
        Extension("fastsexpr.xm._confscan", ["src/fastsexpr/xm/_confscan.py"],
                  extra_link_args=strip),
    ]
    try:
        from Cython.Build import cythonize
    except ImportError:
        # Only while the build backend asks what the build requires: Cython
        # is one of the answers (_build/backend.py), so the build itself has it.
        pass
    else:
        ext_modules = cythonize(ext_modules, compiler_directives={"language_level": 3})

setup(ext_modules=ext_modules)
