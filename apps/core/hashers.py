"""The password hasher: Argon2id, sized against the PBKDF2 it replaces.

OWASP's floor for Argon2id is 19 MiB, 2 passes, 1 lane, which it rates as strong as
PBKDF2-SHA256 with 600,000 rounds. Our PBKDF2 ran 1,500,000 rounds (2.5 times that), so
the passes are 2.5 times the floor too. A sign-in then costs about a seventh of the CPU
(scripts/bench.py measures both) and 19 MiB for its few milliseconds. Hashes made by
PBKDF2 still check, and Django rewrites each as Argon2id at its owner's next sign-in.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    memory_cost = 19 * 1024  # KiB
    time_cost = 5
    parallelism = 1
