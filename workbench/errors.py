"""Errors are values: each carries one sentence a user can act on."""


class WorkbenchError(Exception):
    """A failure caused by the user's input or environment, reported as one clear sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(WorkbenchError):
    """The input cannot be read as an article (missing, empty, binary, undecodable)."""
