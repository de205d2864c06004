"""ormbench's Django worker: Django's ORM on the benchmark's SQLite file, timing itself.

Reads `<workload> <iterations> [argument]` lines on stdin, runs the workload that many times
and prints the elapsed nanoseconds (process communication is not timed), or `error: ...`. `versions` prints
Django's and SQLite's versions.
"""
import sqlite3
import sys
import time

import django
from django.conf import settings

settings.configure(
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[1]}},
    INSTALLED_APPS=["bench"],
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    USE_TZ=True,
)

import types  # noqa: E402

bench = types.ModuleType("bench")
bench.__file__ = __file__
sys.modules["bench"] = bench
bench_models = types.ModuleType("bench.models")
sys.modules["bench.models"] = bench_models
django.setup()

from django.db import connection  # noqa: E402

# The same settings as the other connections to the file.
with connection.cursor() as cursor:
    cursor.execute("PRAGMA synchronous = NORMAL")

from django.db import models  # noqa: E402
from django.db.models import Count  # noqa: E402


class User(models.Model):
    name = models.TextField()
    hair_color = models.TextField(null=True)

    class Meta:
        app_label = "bench"
        db_table = "users"
        managed = False


class Post(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="posts")
    title = models.TextField()
    body = models.TextField(null=True)

    class Meta:
        app_label = "bench"
        db_table = "posts"
        managed = False


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField()

    class Meta:
        app_label = "bench"
        db_table = "comments"
        managed = False


def trivial(_arg):
    return list(User.objects.all())


def insert(arg):
    n = int(arg)
    return User.objects.bulk_create(
        [User(name=f"User {i}", hair_color="hair_color") for i in range(n)]
    )


def medium(_arg):
    # dorm's `values!` across the reverse relation: the same LEFT OUTER JOIN.
    return list(
        User.objects.filter(hair_color="black").values(
            "id", "name", "hair_color", "posts__id", "posts__user", "posts__title", "posts__body"
        )
    )


def get(arg):
    return User.objects.get(pk=int(arg))


def count(_arg):
    return User.objects.count()


def exists(_arg):
    return User.objects.filter(hair_color="black").exists()


def first(_arg):
    return (
        User.objects.filter(name="User 500", hair_color="black", id__gt=10)
        .order_by("id")
        .first()
    )


def select_related(_arg):
    return [(p, p.user) for p in Post.objects.select_related("user")]


def prefetch(_arg):
    users = list(User.objects.prefetch_related("posts__comments"))
    for u in users:
        for p in u.posts.all():
            list(p.comments.all())
    return users


def group(_arg):
    return list(Comment.objects.values("post").annotate(n=Count("id")))


WORKLOADS = {
    "trivial": trivial,
    "insert": insert,
    "medium": medium,
    # bulk_create batches by itself under SQLite's bind limit.
    "bulk": insert,
    "get": get,
    "count": count,
    "exists": exists,
    "first": first,
    "select_related": select_related,
    "prefetch": prefetch,
    "group": group,
}

for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    if parts[0] == "versions":
        print(f"Django {django.get_version()} (Python {sys.version.split()[0]}, its SQLite {sqlite3.sqlite_version})", flush=True)
        continue
    try:
        work = WORKLOADS[parts[0]]
        n = int(parts[1])
        arg = parts[2] if len(parts) > 2 else None
        start = time.perf_counter_ns()
        for _ in range(n):
            work(arg)
        print(time.perf_counter_ns() - start, flush=True)
    except Exception as e:  # answered, not fatal: the harness leaves the workload out
        print(f"error: {type(e).__name__}: {e}".replace("\n", " "), flush=True)
