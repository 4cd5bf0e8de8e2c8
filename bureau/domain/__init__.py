"""Plain functions over the models. They flush, never commit, and raise DomainError."""


class DomainError(Exception):
    """A rule was broken; the message is shown to the user as it is."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotFound(DomainError):
    pass
