"""The one error type the course raises for bad input.

Its message is one line that says what was wrong and what to do; the command line prints it without a
traceback.
"""


class CourseError(ValueError):
    """Bad input from the user (a profile name, an image size, a channel count, ...)."""
