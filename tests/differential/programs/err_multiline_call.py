# Exercises: an uncaught TypeError raised in a call expression spanning several lines and a method chain.
def format_row(label, value, width):
    return label.ljust(width) + str(value)


rows = [("alpha", 1), ("beta", 2)]
for label, value in rows:
    print(format_row(label, value, 10))
result = (
    format_row("gamma", 3, 10)
    .upper()
    .replace("GAMMA", "G")
    .center("wide")
)
print(result)
