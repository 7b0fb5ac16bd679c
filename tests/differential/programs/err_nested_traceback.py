# Exercises: an uncaught exception propagating through several nested frames (traceback with carets).
def parse_record(line):
    fields = line.split(",")
    return {"name": fields[0], "score": int(fields[1])}


def load(lines):
    records = []
    for line in lines:
        print("parsing", repr(line))
        records.append(parse_record(line))
    return records


def average(lines):
    records = load(lines)
    return sum(r["score"] for r in records) / len(records)


def report(lines):
    print("report starting")
    avg = average(lines)
    print("never printed", avg)


report(["ann,90", "bob,85", "cy,eighty"])
print("not reached")
