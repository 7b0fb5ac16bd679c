# Exercises: single inheritance, method overriding, super() zero-arg and two-arg, isinstance/issubclass.
class Animal:
    sound = "..."

    def __init__(self, name):
        self.name = name

    def speak(self):
        return f"{self.name} says {self.sound}"

    def describe(self):
        return f"{type(self).__name__} named {self.name}"


class Dog(Animal):
    sound = "woof"

    def __init__(self, name, breed):
        super().__init__(name)
        self.breed = breed

    def speak(self):
        return super().speak() + "!"


class Puppy(Dog):
    sound = "yip"

    def speak(self):
        base = super(Dog, self).speak()  # skip Dog.speak
        return base + " (tiny)"

    def describe(self):
        return "puppy: " + super(Puppy, self).describe()


class Cat(Animal):
    sound = "meow"


animals = [Animal("generic"), Dog("rex", "lab"), Puppy("bit", "pug"), Cat("tom")]
for a in animals:
    print(a.speak(), "|", a.describe())
print(isinstance(animals[2], Dog), isinstance(animals[3], Dog), issubclass(Puppy, Animal))
print(issubclass(Cat, (Dog, Animal)), Puppy.__mro__)
print([c.__name__ for c in Animal.__subclasses__()])
print(Dog.speak is Animal.speak, Cat.speak is Animal.speak)
print(animals[1].breed, getattr(animals[3], "breed", None))


class Base:
    def __init__(self):
        self.log = ["Base"]

    def hook(self):
        return "base hook"

    def run(self):
        return self.hook()


class Child(Base):
    def __init__(self):
        super().__init__()
        self.log.append("Child")

    def hook(self):
        return "child hook"


c = Child()
print(c.log, c.run(), Base.run(c), super(Child, c).hook())
s = super(Child, c)
print(type(s).__name__, s.hook())
