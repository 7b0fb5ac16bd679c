# Exercises: implicit exception chaining in an uncaught traceback ("During handling of the above exception...").
def read_config(settings, key):
    try:
        return settings[key]
    except KeyError:
        print("missing key, trying fallback")
        return settings["fallback"] + 1


settings = {"fallback": "not a number", "debug": True}
print(read_config(settings, "debug"))
print(read_config(settings, "port"))
