"""sys.setswitchinterval edge cases (docs/model/gil.md section 7, item 15; section 6).

CPython 3.11 stores the interval as a whole number of microseconds, truncating:
  x <= 0 raises ValueError("switch interval must be strictly positive");
  1.5e-6 becomes 1e-06; 1e-7 becomes 0, which getswitchinterval() reports as 0.0
  (take_gil then waits 1 us); 1e30 overflows the conversion and also reads back 0.0
  on the machine the spec was measured on. 0.001 reads back as 0.001.
The output is deterministic.

usage: python switch_interval_edges.py
"""

import json
import sys

results = {"default": sys.getswitchinterval()}
for value in [0, -1, 1e-7, 1.5e-6, 1e30, 0.001]:
    try:
        sys.setswitchinterval(value)
        result = sys.getswitchinterval()
    except Exception as error:  # show whatever is raised
        result = f"{type(error).__name__}: {error}"
    print(f"setswitchinterval({value!r}) -> {result!r}")
    results[repr(value)] = result
sys.setswitchinterval(0.005)

print(json.dumps(results))
