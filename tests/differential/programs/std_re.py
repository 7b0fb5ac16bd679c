# Exercises: re module: match/search/findall/finditer/sub with function/split, groups, named groups, flags.
import re

log = """2024-01-05 10:15:02 ERROR disk /dev/sda1 is 91% full
2024-01-05 10:16:40 INFO user=alice action=login
2024-01-06 08:00:00 WARNING cpu temp 81C
2024-01-06 09:12:55 INFO user=bob action=logout"""
pattern = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2}) (?P<time>[\d:]+) (?P<level>[A-Z]+) (?P<msg>.*)$", re.M)
for m in pattern.finditer(log):
    print(m.group("level"), m["date"], m.group(2), "|", m.group("msg")[:20], m.span("level"))
print(pattern.groupindex["msg"], pattern.groups, bool(pattern.flags & re.M))
print(re.findall(r"user=(\w+) action=(\w+)", log))
print(re.findall(r"\d+%|\d+C", log), re.findall(r"\b\w{6,}\b", log))
print(re.sub(r"(\d{4})-(\d{2})-(\d{2})", r"\3/\2/\1", log.splitlines()[0]))
print(re.sub(r"\d+", lambda m: str(int(m.group()) * 2), "a1 b22 c333"), re.subn("a", "A", "banana"))
print(re.split(r"[,;\s]+", "a, b;c  d,,e"), re.split(r"(-)", "x-y-z"), re.split(r"\s", "a b c", maxsplit=1))
m = re.match(r"(\w+)@(\w+)\.(com|org)", "ann@example.org and more")
print(m.groups(), m.group(0), m.start(2), m.end(), m.lastindex, m.string[m.end():])
print(re.match("b", "abc"), re.search("b", "abc").span(), re.fullmatch(r"\d+", "123x"), re.fullmatch(r"\d+", "123").group())
print(re.findall(r"(?i)hello", "Hello HELLO hello"), re.findall(r"a.c", "a\nc abc", re.S))
print(re.escape("1+1=2?"), re.findall(r"(a)(b)?", "ab a"), re.sub(r"(?P<w>\w+)", r"<\g<w>>", "hi there"))
print(re.findall(r"<.+?>", "<a><b></b></a>"), re.findall(r"<.+>", "<a><b>"))
print([m.group() for m in re.finditer(r"(?<=\$)\d+(?:\.\d\d)?", "cost $12.50 or $7, not 5")])
try:
    re.compile("(unclosed")
except re.error as e:
    print("re.error:", e.msg, "at pos", e.pos)
email = re.compile(r"""
    ^[\w.+-]+      # local part
    @
    [\w-]+(\.[\w-]+)+$   # domain
""", re.X)
print([bool(email.match(a)) for a in ["a.b+c@d.co.uk", "bad@", "@x.y", "me@host.io"]])
print(repr(re.compile(r"\d+", re.I)), type(m).__name__)
