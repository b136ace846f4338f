"""Declares the one compiled extension; all metadata lives in pyproject.toml.

FASTSEXPR_NO_EXTENSIONS=1 at build time installs the pure-Python package.
"""
import os

from setuptools import setup

ext_modules = []
if os.environ.get("FASTSEXPR_NO_EXTENSIONS", "") in ("", "0"):
    from Cython.Build import cythonize
    from setuptools import Extension

    ext_modules = cythonize(
        [Extension("fastsexpr.syntax._core", ["src/fastsexpr/syntax/_core.pyx"])],
        compiler_directives={"language_level": 3},
    )

setup(ext_modules=ext_modules)
