# Carets under a two-character operator after a parenthesized operand: the interpreter's
# own traceback printer puts ^^ under "//" (the traceback module would put one ^).
def average(total, count):
    spread = 3
    return (total + spread) // count


values = [(10, 2), (9, 3), (7, 0)]
for total, count in values:
    print(total, count, average(total, count))
