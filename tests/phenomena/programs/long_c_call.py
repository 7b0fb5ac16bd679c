"""A switch happens only at check points: one long C call keeps the GIL
(docs/model/gil.md section 7, item 12).

A peer thread spins, recording every gap of more than 100 us between consecutive
time.perf_counter() reads. The main thread then calls sum(range(N)): a single C call
that holds the GIL and never reaches a check point, so the peer's request to switch
sits unanswered until the call returns, whatever the switch interval.

Expected (spec section 7 item 12, CPython 3.11): the peer's longest gap is about the
length of the sum() call itself, far longer than the 5 ms interval (spec: a 0.415 s gap
for a 0.423 s call of sum(range(3*10**7))). call_ms is what the main thread measures
around the call, and it is about one interval longer than the peer's gap: by the time
sum() returns, the peer has long asked for the GIL, so the main thread hands it over
at the check point right after the call, before it can read the clock again, and must
wait about one interval to get it back.
The default N = 7*10**6 makes the sum() itself take about 0.09 s on CPython 3.11.

usage: python long_c_call.py [N=7000000] [SWITCH_INTERVAL_S=0.005]
"""

import json
import sys
import threading
import time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 7_000_000
interval = float(sys.argv[2]) if len(sys.argv) > 2 else 0.005
sys.setswitchinterval(interval)

GAP = 100e-6  # a pause longer than this means the peer did not hold the GIL
spinning = True
peer_gaps = []


def peer():
    last = time.perf_counter()
    while spinning:
        now = time.perf_counter()
        if now - last > GAP:
            peer_gaps.append(now - last)
        last = now


thread = threading.Thread(target=peer)
thread.start()
time.sleep(0.01)  # let the peer spin; the main thread then has to ask for the GIL

start = time.perf_counter()
sum(range(n))
call = time.perf_counter() - start

spinning = False
thread.join()

result = {
    "call_ms": round(call * 1e3, 3),
    "peer_longest_gap_ms": round(max(peer_gaps, default=0.0) * 1e3, 3),
    "peer_gaps": len(peer_gaps),
}
print(json.dumps(result))
