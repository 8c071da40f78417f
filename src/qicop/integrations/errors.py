from __future__ import annotations


class FormatError(ValueError):
    """A file that cannot be read as the format it claims to be. Carries where the reader stopped.

    ``line`` and ``column`` are 1-based positions in the file when the parser knows them; ``index`` is the
    0-based index of the data value (row) being read, as DHIS2 reports it; ``kind`` the DHIS2 collection
    (``"dataElements"``…) of a metadata object left out.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        index: int | None = None,
        kind: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.index = index
        self.kind = kind

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{self.message} ({', '.join(where)})" if where else self.message


class LimitExceeded(FormatError):
    """A file refused because it passes one of the parsing limits (``qicop.integrations.limits``): too deep,
    too large, too many values, a text too long, an archive that expands too much."""
