"""Pictures and traces of a run for people to look at: timelines, schedule graphs and
race pictures through Graphviz (``timeline``, ``graph``, ``race``, ``output``), and the
Chrome / Perfetto trace format (``perfetto``).  Only this package imports ``graphviz``."""
