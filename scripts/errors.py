"""The one exception type the build raises for bad input: its message names the file and the problem."""


class BuildError(Exception):
    """Bad input or a failed check; the message is printed as the build's single error line."""
