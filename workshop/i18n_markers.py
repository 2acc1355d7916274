"""Translation markers that need no Flask, so domain modules can mark their messages."""


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated later where the language is known."""
    return message
