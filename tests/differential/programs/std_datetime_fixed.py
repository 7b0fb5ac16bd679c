# Exercises: datetime/date/timedelta arithmetic with fixed dates (never the current time), strftime/strptime, calendar.
import calendar
from datetime import date, datetime, time, timedelta, timezone

d = date(2024, 2, 28)
print(d, d + timedelta(days=1), d + timedelta(days=2), d.weekday(), d.isoweekday(), d.isoformat())
print(d.replace(year=2023) + timedelta(days=1), date(2024, 12, 31) - date(2024, 1, 1), d.toordinal())
dt = datetime(2024, 3, 10, 14, 30, 5, 123456)
print(dt, repr(dt), dt.date(), dt.time(), dt.strftime("%Y-%m-%d %H:%M:%S %A %B %j %p"))
print(dt + timedelta(hours=12, minutes=45), dt - timedelta(weeks=2), (dt - datetime(2024, 1, 1)).total_seconds())
delta = timedelta(days=1, hours=25, minutes=-30, seconds=3661)
print(delta, repr(delta), delta.days, delta.seconds, delta.total_seconds(), -delta, delta * 2, delta // 3)
parsed = datetime.strptime("05/11/2023 07:08", "%d/%m/%Y %H:%M")
print(parsed, parsed.isoformat(), datetime.fromisoformat("2020-02-29T23:59:59"), date.fromisoformat("2021-07-04"))
utc = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
plus2 = timezone(timedelta(hours=2), "CEST")
print(utc, utc.astimezone(plus2), utc.astimezone(plus2).tzname(), utc.timestamp(), utc == utc.astimezone(plus2))
print(datetime.fromtimestamp(0, tz=timezone.utc), time(9, 5), time(23, 59, 59).isoformat(), max(date(2020, 1, 1), date(2019, 12, 31)))
print(calendar.isleap(2024), calendar.monthrange(2024, 2), calendar.month_name[3], calendar.day_abbr[0])
print(calendar.month(2024, 2))
birthdays = {"ann": date(1990, 5, 17), "bob": date(1985, 12, 1), "cy": date(2000, 2, 29)}
today = date(2024, 6, 15)
for name, born in sorted(birthdays.items(), key=lambda kv: kv[1]):
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    print(f"{name:4} born {born:%d %b %Y} is {age} years old")
try:
    date(2023, 2, 29)
except ValueError as e:
    print("ValueError:", e)
try:
    datetime.strptime("2024-13-01", "%Y-%m-%d")
except ValueError as e:
    print("ValueError:", e)
