# Exercises: random with a fixed seed (deterministic): randint, choice, shuffle, sample, uniform and Random instances.
import random

random.seed(12345)
print([random.randint(1, 6) for _ in range(10)])
print(random.random(), random.uniform(10, 20), random.randrange(0, 100, 5))
deck = [f"{rank}{suit}" for suit in "SHDC" for rank in "A23456789TJQK"]
random.shuffle(deck)
print(deck[:8])
print(random.choice(deck), random.sample(range(100), 5), random.choices("abc", weights=[5, 1, 1], k=10))
rng = random.Random("a string seed")
print([rng.randint(0, 9) for _ in range(10)], rng.getrandbits(16))
rng2 = random.Random("a string seed")
print("same seed, same sequence:", [rng2.randint(0, 9) for _ in range(10)])
state = random.getstate()
first = [random.random() for _ in range(3)]
random.setstate(state)
print("restored state repeats:", first == [random.random() for _ in range(3)])
random.seed(7)
walk = [0]
for _ in range(20):
    walk.append(walk[-1] + random.choice((-1, 1)))
print("random walk:", walk)
print(round(random.gauss(0, 1), 10), round(random.expovariate(2), 10), random.triangular(0, 1) < 1)


def monte_carlo_pi(n, seed):
    r = random.Random(seed)
    inside = sum(1 for _ in range(n) if r.random() ** 2 + r.random() ** 2 <= 1)
    return 4 * inside / n


print("pi estimate:", monte_carlo_pi(5000, 42))
letters = list("abcdefgh")
random.seed(99)
print("".join(random.sample(letters, len(letters))), random.randbytes(4).hex())
