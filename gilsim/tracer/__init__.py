"""The program on the host's own interpreter (CPython 3.12, 3.13): its bytecode runs in the
host's eval loop, each simulated thread in a greenlet, and ``sys.monitoring`` (PEP 669) lets
gilsim charge virtual time and act at the eval loop's check points (``monitor``).

- ``codeinfo``: what the tracer works out once per code object (running sums of instruction
  costs, the check points among its instructions).
- ``monitor``: the event callbacks, the frame records, charging, check points, limits.
- ``boundary``: gilsim's shadows of C functions behave as C functions towards the program.
- ``hoststate``: what the host's thread state keeps that greenlet does not keep per thread.
- ``pystate``: the interpreter state of such a program.
- ``tracebacks``: tracebacks without gilsim's frames.

Only ``boundary`` and this module import on 3.11, where the runtime's shadows use them.
"""

# How much deeper the host's recursion limits are than the program's (``Tracer.too_deep``):
# in Python frames, and in units of C stack.  The program sees CPython's limits; gilsim's
# own frames beside its deepest frame (a callback, a shadow) have this much room.
RECURSION_HEADROOM = 250
C_HEADROOM = 50
