# Exercises: an event loop in each of several threads at once (asyncio's C running loop kept per thread): get_running_loop, current_task, all_tasks, get_event_loop outside a loop, to_thread from a loop's thread.
import asyncio
import threading

results = {}
started = threading.Barrier(3)


def spin(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


async def worker(name, loop_id, rounds):
    seen = []
    for i in range(rounds):
        spin(2000)  # long enough for another thread's loop to run meanwhile
        await asyncio.sleep(0)
        same = id(asyncio.get_running_loop()) == loop_id
        mine = asyncio.current_task().get_name() == name
        seen.append(same and mine)
    return all(seen)


async def main(label):
    loop = asyncio.get_running_loop()
    started.wait()
    tasks = [
        asyncio.create_task(worker(f"{label}-{i}", id(loop), 20), name=f"{label}-{i}")
        for i in range(3)
    ]
    count = len(asyncio.all_tasks())
    inside = await asyncio.to_thread(asyncio._get_running_loop)
    done = await asyncio.gather(*tasks)
    return count, inside is None, done, asyncio.get_running_loop() is loop


def thread_body(label):
    try:
        asyncio.get_event_loop()
    except RuntimeError as e:
        print_later = str(e).startswith("There is no current event loop")
    results[label] = (print_later, asyncio.run(main(label)), asyncio._get_running_loop())


threads = [threading.Thread(target=thread_body, args=(label,)) for label in ("a", "b")]
for t in threads:
    t.start()
started.wait()
print("main thread has no running loop:", asyncio._get_running_loop() is None)
for t in threads:
    t.join()
for label in sorted(results):
    no_loop, (count, inside, done, same), after = results[label]
    print(label, "no loop before:", no_loop)
    print(label, "tasks:", count, "to_thread saw no loop:", inside)
    print(label, "each task saw its own loop and itself:", done, same)
    print(label, "none after:", after is None)
print("C tasks:", asyncio.Task is asyncio.tasks._CTask)
