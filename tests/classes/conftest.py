from tests.quizzes.conftest import fast_password_hashing  # noqa: F401
