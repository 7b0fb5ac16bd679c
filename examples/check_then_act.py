"""Check-then-act: two buyers, one widget, two sales.

    python3 examples/check_then_act.py
    gilsim run examples/check_then_act.py
    gilsim explore examples/check_then_act.py
    gilsim races examples/check_then_act.py

`buy` checks that a widget is in stock, then records the sale (a Python call: a check
point), then takes the widget.  If the GIL passes to the other buyer between the check and
the act, both see the widget in stock and both buy it: the stock goes to -1.  A single run
sells one widget, under python and under gilsim alike; `gilsim explore` finds the schedule
that sells two.
"""

import threading

stock = {"widget": 1}
sales = []


def record_sale(buyer):
    sales.append(buyer)


def buy(buyer):
    if stock["widget"] > 0:  # check ...
        record_sale(buyer)  # ... a check point ...
        stock["widget"] -= 1  # ... act
    else:
        print(f"{buyer}: sold out")


threads = [threading.Thread(target=buy, args=(name,)) for name in ("alice", "bob")]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"sold to {sorted(sales)}, {stock['widget']} left")
