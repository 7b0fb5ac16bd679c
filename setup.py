"""The one thing pyproject.toml does not say: the tracer's hot callbacks in C
(``gilsim/tracer/_ctracer.c``), for speed on 3.12 and 3.13.  Optional, so that installing never
fails without a compiler; the tracer's Python callbacks run instead
(``gilsim/tracer/monitor.py``).  Here rather than in ``[tool.setuptools.ext-modules]``, which
setuptools still calls experimental and warns about at every install."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("gilsim.tracer._ctracer", sources=["gilsim/tracer/_ctracer.c"], optional=True)
    ]
)
