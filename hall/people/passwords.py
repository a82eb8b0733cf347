"""The password policy: long enough, and hard to guess (zxcvbn), names and the favourite
Chinese patterns counted as guessable."""

from __future__ import annotations

from zxcvbn import zxcvbn

from hall.errors import DomainError

MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_SCORE = 3  # zxcvbn's 0-4: 3 means "safely unguessable" (about 10^8 guesses and more)
# Words and numbers Chinese users put in passwords that zxcvbn's English lists miss; each
# counts as one guess, as a user's own name does.
_LOCAL_PATTERNS = (
    "woaini",
    "1314",
    "520",
    "5201314",
    "zhongguo",
    "beijing",
    "shanghai",
    "qq",
    "aini",
    "wangwang",
    "zhangsan",
    "lisi",
    "mima",
    "zhengwu",
    "dating",
    "fuwu",
    "hallcall",
)


def check_password(password: str, username: str, name: str = "") -> None:
    """Refuse a password a guesser would find; the message says why, in Chinese and English."""
    if len(password) < MIN_LENGTH:
        raise DomainError("password_short", length=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise DomainError("password_long", length=MAX_LENGTH)
    lowered = password.lower()
    if username and username.lower() in lowered:
        raise DomainError("password_has_name")
    inputs = [username, name, *_LOCAL_PATTERNS]
    if zxcvbn(password[:100], user_inputs=[i for i in inputs if i])["score"] < MIN_SCORE:
        raise DomainError("password_weak")
